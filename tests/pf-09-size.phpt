--TEST--
Real Postfix: the SIZE declared for a Message, a raw string and a stream is the size Postfix counts; a message over its message_size_limit is refused before MAIL and the connection stays usable
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$log = [];
$smtp = pf_client('submission', pf_auth(['logger' => function (string $l) use (&$log) { $log[] = $l; }]));
$smtp->connect();
$limit = (int)$smtp->getCapabilities()['SIZE'];
echo "server limit: ", $limit === pf_env()['size_limit'] ? 'as configured' : $limit, "\n";

/* The SIZE= of the last MAIL, and the octet count in Postfix's "250 2.0.0 Ok: N bytes queued as X". */
function sizes(array $log, Smtp\Result $r): string
{
    $mail = array_values(array_filter($log, fn($l) => str_starts_with($l, 'C: MAIL FROM:')));
    preg_match('/ SIZE=(\d+)/', end($mail), $declared);
    preg_match('/Ok: (\d+) bytes queued/', $r->reply, $counted);
    return ($declared[1] ?? 'none') === ($counted[1] ?? 'none') ? 'declared = counted' :
        'declared ' . ($declared[1] ?? 'none') . ', counted ' . ($counted[1] ?? 'none');
}

$dir = sys_get_temp_dir() . '/smtp-pf09-' . getmypid();
@mkdir($dir);
$file = "$dir/report.bin";
file_put_contents($file, random_bytes(300001));

echo "-- a Message with text, HTML, an inline image, a file and data attachments\n";
$id = pf_id();
$m = pf_message($id)
    ->subject('Größe: SIZE ' . str_repeat('long subject ', 8))
    ->text("Grüße\n.dot line\n" . str_repeat('x', 1500) . "\n")
    ->html('<p>Grüße</p><img src="cid:logo">')
    ->embed($file, 'logo', 'image/png')
    ->attach($file, 'données.bin')
    ->attachData(random_bytes(1000) . "\r\n.\r\n", 'x.bin');
$r = $smtp->send($m);
echo sizes($log, $r), "\n";
echo count(pf_find($id)), " delivered\n";

echo "-- a raw string and a stream (a file, read from its current position)\n";
$raw = "Subject: raw\r\nX-Test-Id: " . pf_id() . "\r\n\r\n.leading dot\r\nbare\nLF\n";
$r = $smtp->send($raw, 'sender@example.com', 'rcpt@example.net');
echo sizes($log, $r), "\n";
$eml = "$dir/message.eml";
file_put_contents($eml, "JUNK BEFORE THE MESSAGE\nSubject: stream\r\nX-Test-Id: " . pf_id() . "\r\n\r\nbody\r\n");
$f = fopen($eml, 'rb');
fseek($f, strlen("JUNK BEFORE THE MESSAGE\n"));
$r = $smtp->send($f, 'sender@example.com', 'rcpt@example.net');
echo sizes($log, $r), "\n";
fclose($f);

echo "-- over the limit: refused before MAIL, without reading the file\n";
$big = "$dir/big.bin";
$h = fopen($big, 'w');
ftruncate($h, $limit); // sparse: its base64 is 4/3 of the limit
fclose($h);
$bigId = pf_id();
$before = count($log);
$e = pf_catch(fn() => $smtp->send(pf_message($bigId)->subject('too big')->text('x')->attach($big)));
echo get_class($e), ' code=', $e->getCode(), ' transient=', var_export($e->isTransient(), true), "\n";
echo str_contains($e->getMessage(), (string)$limit) ? "message names the limit\n" : $e->getMessage() . "\n";
echo "commands sent: ", implode(', ', array_map(fn($l) => substr($l, 3), array_filter(array_slice($log, $before),
    fn($l) => str_starts_with($l, 'C: ')))) ?: 'none', "\n";
var_dump($smtp->isConnected());
echo "-- the same connection goes on\n";
$id = pf_id();
$r = $smtp->send(pf_message($id)->subject('after')->text('x'));
echo sizes($log, $r), ', ', count(pf_find($id)), " delivered\n";
echo "too big delivered: ", pf_count_after($bigId, 0.5), "\n";
$smtp->quit();
?>
--CLEAN--
<?php
$dir = sys_get_temp_dir() . '/smtp-pf09-';
foreach (glob($dir . '*/*') as $f) @unlink($f);
foreach (glob($dir . '*') as $d) @rmdir($d);
?>
--EXPECT--
server limit: as configured
-- a Message with text, HTML, an inline image, a file and data attachments
declared = counted
1 delivered
-- a raw string and a stream (a file, read from its current position)
declared = counted
declared = counted
-- over the limit: refused before MAIL, without reading the file
Smtp\ResponseException code=0 transient=false
message names the limit
commands sent: none
bool(true)
-- the same connection goes on
declared = counted, 1 delivered
too big delivered: 0
