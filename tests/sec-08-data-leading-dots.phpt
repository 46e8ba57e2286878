--TEST--
Security 8: bodies starting with ".", "..x", ".\r\n", and without a final newline
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$bodies = [".", "..x", ".\r\n", ".\r\n.\r\n", "no final newline", "ends with dot\r\n.", ".x\r\n..\r\n...", ""];
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
foreach ($bodies as $b) {
    // Raw message: the body is the whole DATA payload after the header.
    $smtp->send("Subject: dots\r\n\r\n" . $b, 'a@example.com', 'b@example.com');
    // A message that is nothing but the body text (no header at all).
    $smtp->send($b === '' ? "\r\n" : $b, 'a@example.com', 'b@example.com');
    // Smtp\Message text body.
    $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('dots')->text($b));
}
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count($t['messages']));
foreach ($bodies as $i => $b) {
    [$m1, $m2, $m3] = array_slice($t['messages'], $i * 3, 3) + [[], [], []];
    $raw1 = $m1['raw'] ?? null;
    $raw2 = $m2['raw'] ?? null;
    $ok1 = $raw1 === fake_expected_data("Subject: dots\r\n\r\n" . $b);
    $ok2 = $raw2 === fake_expected_data($b === '' ? "\r\n" : $b);
    // Message: decoded body == normalised text (with a final CRLF), wire clean.
    $want = preg_replace('/\r\n|\r|\n/', "\r\n", $b);
    if ($want !== '' && !str_ends_with($want, "\r\n")) {
        $want .= "\r\n";
    }
    $got = isset($m3['data']) ? fake_body(fake_parse($m3['data'])) : null;
    $ok3 = $got !== null && ($got === $want || ($want === '' && $got === "\r\n")) && !fake_wire_problems($m3['raw']);
    printf("%-20s raw=%s bare=%s message=%s\n", json_encode($b), $ok1 ? 'ok' : json_encode($raw1),
        $ok2 ? 'ok' : json_encode($raw2), $ok3 ? 'ok' : json_encode($got));
}
var_dump($t['errors']);
?>
--EXPECT--
int(24)
"."                  raw=ok bare=ok message=ok
"..x"                raw=ok bare=ok message=ok
".\r\n"              raw=ok bare=ok message=ok
".\r\n.\r\n"         raw=ok bare=ok message=ok
"no final newline"   raw=ok bare=ok message=ok
"ends with dot\r\n." raw=ok bare=ok message=ok
".x\r\n..\r\n..."    raw=ok bare=ok message=ok
""                   raw=ok bare=ok message=ok
array(0) {
}
