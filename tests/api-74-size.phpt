--TEST--
SIZE (RFC 1870): an Smtp\Message declares its exact size, counted without reading its attachment files; a message over the server's limit (Message, raw string, stream) is refused before MAIL; no SIZE= when not advertised
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$tmp = sys_get_temp_dir() . '/php-smtp-074-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir($tmp, 0700);
register_shutdown_function(function () use ($tmp) {
    foreach (glob("$tmp/*") ?: [] as $f) {
        @unlink($f);
    }
    @rmdir($tmp);
});

function mail_lines(array $t): array
{
    return array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL ')));
}

/** The SIZE= of a MAIL line, or null. */
function declared(string $mail): ?int
{
    return preg_match('/ SIZE=(\d+)(?: |$)/', $mail, $m) ? (int)$m[1] : null;
}

/** Base64 body of n octets in 76-character lines, each followed by CRLF. */
function b64_len(int $n): int
{
    $b = 4 * intdiv($n + 2, 3);
    return $b + 2 * intdiv($b + 75, 76);
}

file_put_contents("$tmp/random.bin", random_bytes(100000));
file_put_contents("$tmp/notes.txt", str_repeat("text with é and a long line\n", 2000) . ".dot line\n" . str_repeat('z', 3000));
file_put_contents("$tmp/logo.png", random_bytes(5000));
file_put_contents("$tmp/empty.dat", '');

$messages = [
    'text only' => (new Smtp\Message)->from('a@example.com', 'Änne Größe')->to('b@example.com')
        ->subject('Größe ' . str_repeat('ü', 60))->text(".leading dot\nthere é\n" . str_repeat('q', 1500) . "\n"),
    'html only' => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('h')
        ->html('<p>' . str_repeat('é', 400) . "</p>\n.\n"),
    'everything' => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->cc('c@example.com')
        ->bcc('d@example.com')->replyTo('r@example.com')->subject('all')
        ->text("plain\n")->html("<p>html é <img src=\"cid:logo\"></p>\n")
        ->attach("$tmp/random.bin")
        ->attach("$tmp/notes.txt", 'nötes.txt', 'text/plain')
        ->attach("$tmp/empty.dat")
        ->attachData(".x\r\n" . random_bytes(3000), 'data.bin')
        ->attachData("plain text data\n", 'data.txt', 'text/plain')
        ->attachData('', 'empty.txt')
        ->embed("$tmp/logo.png", 'logo')
        ->header('X-Long', str_repeat('word ', 60))
        ->header('X-Utf8', 'ünïcödé'),
    'attachment only' => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->attachData("plain\n", 'p.txt'),
    'ISO-8859-1' => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->charset('ISO-8859-1')
        ->subject("caf\xe9")->text("caf\xe9\n"),
];

echo "-- SIZE= is the exact size of what arrives\n";
foreach ([
    'SIZE 50000000, DATA' => ['PIPELINING', '8BITMIME', 'SIZE 50000000'],
    'SIZE (no number), BDAT' => ['PIPELINING', '8BITMIME', 'SIZE', 'CHUNKING'],
    'SIZE 0, no PIPELINING' => ['SIZE 0', 'ENHANCEDSTATUSCODES'],
] as $label => $ehlo) {
    $srv = fake_auto(['ehlo' => $ehlo]);
    $smtp = fake_client($srv);
    foreach ($messages as $m) {
        $smtp->send($m);
    }
    fake_done($smtp);
    $t = fake_wait($srv);
    $mails = mail_lines($t);
    echo $label, "\n";
    foreach (array_keys($messages) as $i => $name) {
        $size = declared($mails[$i]);
        $got = strlen($t['messages'][$i]['data']);      // un-dot-stuffed (DATA) or as chunked (BDAT)
        printf("  %-16s %s\n", $name, $size === $got ? 'exact' : "SIZE=$size but $got octets arrived ($mails[$i])");
    }
}

echo "-- a raw string counts its line ends as sent\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'SIZE 1000000']]);
$smtp = fake_client($srv);
$raws = ["Subject: lf\n\nline\n.dot\nlast", "Subject: cr\r\rx\r", "Subject: crlf\r\n\r\nbody\r\n", "Subject: mixed\r\n\nx\r\r\n\n"];
foreach ($raws as $r) {
    $smtp->send($r, 'a@example.com', 'b@example.com');
}
fake_done($smtp);
$t = fake_wait($srv);
foreach (mail_lines($t) as $i => $l) {
    echo json_encode($raws[$i]), ' ', declared($l) === strlen($t['messages'][$i]['data']) ? 'exact' : "$l for " . strlen($t['messages'][$i]['data']), "\n";
}

echo "-- not advertised: no SIZE=\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', '8BITMIME']]);
$smtp = fake_client($srv);
$smtp->send($messages['everything']);
$smtp->send("Subject: raw\r\n\r\nbody\r\n", 'a@example.com', 'b@example.com');
file_put_contents("$tmp/stream.eml", "Subject: stream\r\n\r\nbody \xc3\xa9\r\n");
$h = fopen("$tmp/stream.eml", 'r');
$smtp->send($h, 'a@example.com', 'b@example.com');
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(mail_lines($t)), "\n";

echo "-- the limit: equal is fine, one octet over is refused before MAIL\n";
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('limit')->text(str_repeat("0123456789\n", 100));
$srv = fake_auto(['ehlo' => ['SIZE']]);
$smtp = fake_client($srv);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
$msgSize = strlen($t['messages'][0]['data']);
var_dump(declared(mail_lines($t)[0]) === $msgSize);
$raw = str_repeat("raw line\r\n", 120);          // CRLF already: its length is its size
file_put_contents("$tmp/raw.eml", $raw);
$rawSize = strlen($raw);
$cases = [
    'Message' => [fn(Smtp $s) => $s->send($msg), $msgSize],
    'raw string' => [fn(Smtp $s) => $s->send($raw, 'a@example.com', 'b@example.com'), $rawSize],
    'file stream' => [fn(Smtp $s) => $s->send(fopen("$tmp/raw.eml", 'r'), 'a@example.com', 'b@example.com'), $rawSize],
];
foreach ($cases as $label => [$fn, $size]) {
    foreach ([$size => 'limit = size', $size - 1 => 'limit = size - 1'] as $limit => $what) {
        $srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', "SIZE $limit"]]);
        $smtp = fake_client($srv);
        $e = fake_catch(fn() => $fn($smtp));
        // the connection stays usable after a refusal
        $after = $smtp->send("Subject: small\r\n\r\nx\r\n", 'a@example.com', 'small@example.com')->accepted;
        fake_done($smtp);
        $t = fake_wait($srv);
        $desc = $e === null ? 'sent' : (
            $e instanceof Smtp\ResponseException && $e->getCode() === 0 && str_contains($e->getMessage(), (string)$size)
                && str_contains($e->getMessage(), (string)$limit) ? 'ResponseException(0) naming size and limit'
                : 'FAIL: ' . fake_describe($e) . ': ' . $e->getMessage());
        printf("%-11s %-16s %s; MAIL lines: %s; EHLO %d; then %s\n", $label, $what, $desc,
            json_encode(array_map(fn($l) => preg_replace('/SIZE=\d+/', 'SIZE=n', $l), mail_lines($t))),
            count(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'EHLO'))), implode(',', $after));
    }
}

echo "-- sendBatch: only the item over the limit is refused\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', 'SIZE ' . ($msgSize - 1)]]);
$smtp = fake_client($srv);
$res = $smtp->sendBatch([
    [$msg, null, ['one@example.com']],
    ["Subject: small\r\n\r\nx\r\n", 'a@example.com', 'two@example.com'],
    [fopen("$tmp/raw.eml", 'r'), 'a@example.com', 'three@example.com'],
]);
foreach ($res as $i => $r) {
    echo $i, ' ', $r instanceof Smtp\Result ? 'Result ' . implode(',', $r->accepted) : fake_describe($r), "\n";
}
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'RCPT ')))), "\n";

echo "-- attachment files are not read to count them: a 3 GB sparse file\n";
$small = "$tmp/zeros-small.bin";
file_put_contents($small, str_repeat("\0", 3000));
$huge = "$tmp/zeros-huge.bin";
$fh = fopen($huge, 'w');
$hugeLen = 3 * 1024 * 1024 * 1024;
var_dump(ftruncate($fh, $hugeLen));
fclose($fh);
$mk = fn(string $path) => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('zeros')
    ->text("t\n")->attach($path, 'zeros.bin', 'application/octet-stream');
// its size with the small file, measured by the server
$srv = fake_auto(['ehlo' => ['SIZE']]);
$smtp = fake_client($srv);
$smtp->send($mk($small));
fake_done($smtp);
$t = fake_wait($srv);
$smallSize = strlen($t['messages'][0]['data']);
var_dump(declared(mail_lines($t)[0]) === $smallSize);
$expected = $smallSize - b64_len(3000) + b64_len($hugeLen);
// does this file system record reads in atime (relatime: atime older than mtime is updated)?
$probe = "$tmp/probe.txt";
file_put_contents($probe, 'x');
touch($probe, time(), time() - 86400 * 3);
file_get_contents($probe);
clearstatcache();
$atimeWorks = fileatime($probe) > time() - 86400;
touch($huge, time(), time() - 86400 * 3);
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', 'SIZE 10000000']]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send($mk($huge)));
fake_done($smtp);
$t = fake_wait($srv);
clearstatcache();
echo fake_describe($e), "\n";
var_dump($expected > 4 * 1024 * 1024 * 1024, str_contains($e->getMessage(), "($expected bytes)") ?: $e->getMessage());
var_dump(mail_lines($t));
echo 'huge file read: ', $atimeWorks ? (fileatime($huge) > time() - 86400 ? 'yes' : 'no') : 'no', "\n";
?>
--EXPECT--
-- SIZE= is the exact size of what arrives
SIZE 50000000, DATA
  text only        exact
  html only        exact
  everything       exact
  attachment only  exact
  ISO-8859-1       exact
SIZE (no number), BDAT
  text only        exact
  html only        exact
  everything       exact
  attachment only  exact
  ISO-8859-1       exact
SIZE 0, no PIPELINING
  text only        exact
  html only        exact
  everything       exact
  attachment only  exact
  ISO-8859-1       exact
-- a raw string counts its line ends as sent
"Subject: lf\n\nline\n.dot\nlast" exact
"Subject: cr\r\rx\r" exact
"Subject: crlf\r\n\r\nbody\r\n" exact
"Subject: mixed\r\n\nx\r\r\n\n" exact
-- not advertised: no SIZE=
["MAIL FROM:<a@example.com>","MAIL FROM:<a@example.com>","MAIL FROM:<a@example.com> BODY=8BITMIME"]
-- the limit: equal is fine, one octet over is refused before MAIL
bool(true)
Message     limit = size     sent; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n","MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
Message     limit = size - 1 ResponseException(0) naming size and limit; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
raw string  limit = size     sent; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n","MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
raw string  limit = size - 1 ResponseException(0) naming size and limit; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
file stream limit = size     sent; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n","MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
file stream limit = size - 1 ResponseException(0) naming size and limit; MAIL lines: ["MAIL FROM:<a@example.com> SIZE=n"]; EHLO 1; then small@example.com
-- sendBatch: only the item over the limit is refused
0 Smtp\ResponseException code=0 transient=no enhanced=NULL
1 Result two@example.com
2 Result three@example.com
["RCPT TO:<two@example.com>","RCPT TO:<three@example.com>"]
-- attachment files are not read to count them: a 3 GB sparse file
bool(true)
bool(true)
Smtp\ResponseException code=0 transient=no enhanced=NULL
bool(true)
bool(true)
array(0) {
}
huge file read: no
