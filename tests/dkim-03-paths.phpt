--TEST--
DKIM: raw strings (bare LF, leading dots, SMTPUTF8), streams, sendBatch(), sendMail() and smtp_mail() with the smtp.dkim_* INI are signed in their CRLF form before dot-stuffing; both verifiers pass the received bytes
--SKIPIF--
<?php require __DIR__ . '/dkim/dkim.inc'; dkim_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';

$both = [dkim_signer('rsa'), dkim_signer('ed', ['canonicalization' => 'simple/simple'])];
$raw = "From: Ann <a@example.com>\nTo: b@example.net\nSubject: raw with bare LF\nDate: Thu, 03 Dec 2026 10:00:00 +0000\n"
    . "Message-ID: <raw1@example.com>\n\n.a line starting with a dot\n..two dots\nend   \n\n";
$utf8 = "From: Jürgen <jürgen@example.com>\r\nTo: 王@example.net\r\nSubject: Grüße\r\nMIME-Version: 1.0\r\n"
    . "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n";
$file = tempnam(sys_get_temp_dir(), 'dkim-stream');
file_put_contents($file, "From: a@example.com\r\nTo: b@example.net\r\nSubject: from a stream\r\n\r\n"
    . str_repeat("a line of the streamed message\r\n", 5000) . ".\r\n");

$srv = fake_auto(['ehlo' => ['SMTPUTF8', '8BITMIME', 'PIPELINING', 'CHUNKING']]);
$smtp = fake_client($srv, ['dkim' => $both]);
$smtp->send($raw, 'a@example.com', 'b@example.net');
$smtp->send($utf8, 'jürgen@example.com', '王@example.net');
$fh = fopen($file, 'rb');
$smtp->send($fh, 'a@example.com', 'b@example.net');
fclose($fh);
$batch = $smtp->sendBatch([
    (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('batch 1')->text("one\n"),
    [$raw, 'a@example.com', 'b@example.net'],
    (new Smtp\Message)->from('a@example.com')->to('c@example.net')->subject('batch 3')->attachData(random_bytes(9000), 'x.bin'),
]);
echo "batch: ", implode(' ', array_map(fn($r) => $r instanceof Smtp\Result ? 'sent' : get_class($r), $batch)), "\n";
$smtp->sendMail('a@example.com', 'b@example.net', 'sendMail', "body of sendMail\n", ['X-Tag' => 'yes']);
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['messages']), " messages, via ", implode(',', array_unique(array_column($t['messages'], 'via'))), "\n";

// smtp_mail() with the INI signer
$srv2 = fake_auto([]);
$keyfile = tempnam(sys_get_temp_dir(), 'dkim-key');
file_put_contents($keyfile, dkim_keys()['ed']);
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv2->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'a@example.com');
ini_set('smtp.dkim_domain', 'example.com');
ini_set('smtp.dkim_selector', 'edsel');
ini_set('smtp.dkim_key', $keyfile);
ini_set('smtp.dkim_expire', '3600');
var_dump(smtp_mail('b@example.net', 'via smtp_mail', "mail() body\n.dot\n"));
// a bad INI signer: a warning and false, nothing sent
ini_set('smtp.dkim_key', $keyfile . '.missing');
var_dump(smtp_mail('b@example.net', 'never sent', "x\n"));
smtp_mail_quit();
$t2 = fake_wait($srv2);
echo count($t2['messages']), " message from smtp_mail()\n";
if (!preg_match('/ x=(\d+);/', $t2['messages'][0]['data'], $x) || !preg_match('/ t=(\d+);/', $t2['messages'][0]['data'], $tt)
    || $x[1] - $tt[1] !== 3600) echo "x= is not t= + 3600\n";

$msgs = [];
$names = ['raw', 'raw SMTPUTF8', 'stream', 'batch message', 'batch raw', 'batch attachment', 'sendMail'];
foreach ($t['messages'] as $i => $m) {
    $msgs[$names[$i]] = $m['data'];
}
$msgs['smtp_mail'] = $t2['messages'][0]['data'];
$res = dkim_verify_all($msgs);
dkim_report(array_diff_key($res, ['smtp_mail' => 1]), 2);
dkim_report(array_intersect_key($res, ['smtp_mail' => 1]), 1);
// the wire had the stuffed dots; the signature covers the unstuffed CRLF form
var_dump(str_contains($t['messages'][0]['raw'], "\r\n..a line starting"), str_contains($msgs['raw'], "\r\n.a line starting"));
unlink($file);
unlink($keyfile);
?>
--EXPECTF--
batch: sent sent sent
7 messages, via BDAT
bool(true)

Warning: smtp_mail(): Not sent: INI smtp.dkim_*: "key" is neither PEM text nor the path of a readable local file holding it (only local files are read: no URL, no stream wrapper) in %s on line %d
bool(false)
1 message from smtp_mail()
raw: ok (2 signatures pass in both)
raw SMTPUTF8: ok (2 signatures pass in both)
stream: ok (2 signatures pass in both)
batch message: ok (2 signatures pass in both)
batch raw: ok (2 signatures pass in both)
batch attachment: ok (2 signatures pass in both)
sendMail: ok (2 signatures pass in both)
smtp_mail: ok (1 signatures pass in both)
bool(false)
bool(true)
