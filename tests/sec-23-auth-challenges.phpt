--TEST--
Security 23: endless 334 challenges or a bad base64 challenge -> abort after at most 5 responses
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ehlo = "250-fake.example\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n";
$cram = '334 ' . base64_encode('<1234.5678@fake.example>') . "\r\n";
$cases = [
    'LOGIN endless' => ['LOGIN', "334 VXNlcm5hbWU6\r\n", 5],
    'PLAIN endless' => ['PLAIN', "334 \r\n", 5],
    'CRAM-MD5 endless' => ['CRAM-MD5', $cram, 5],
    'XOAUTH2 endless' => ['XOAUTH2', '334 ' . base64_encode('{"status":"401"}') . "\r\n", 5],
    'CRAM-MD5 bad base64' => ['CRAM-MD5', "334 !!!not*base64!!!\r\n", 0],
    // An empty challenge is valid base64; answering it is allowed, endlessly repeating it is not.
    'CRAM-MD5 empty challenge' => ['CRAM-MD5', "334 \r\n", 5],
];
foreach ($cases as $name => [$mech, $challenge, $max]) {
    $srv = fake_start(['script' => [
        ['send' => "220 fake.example ESMTP\r\n"],
        ['expect' => 'EHLO', 'reply' => $ehlo],
        ['expect' => 'AUTH', 'reply' => $challenge],
        ['repeat' => 30, 'steps' => [['expect' => null, 'reply' => $challenge, 'timeout_ms' => 8000]]],
        ['expect_close' => true, 'timeout_ms' => 8000],
    ]]);
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'command_timeout' => 5]);
    $start = microtime(true);
    $e = fake_catch(function () use ($smtp, $mech) {
        $smtp->connect();
        $smtp->login('user@example.com', 'challenge-secret', $mech);
    });
    $elapsed = microtime(true) - $start;
    $smtp = null;
    $t = fake_wait($srv);
    $lines = fake_lines($t);
    $auth = array_search(true, array_map(fn($l) => str_starts_with($l, 'AUTH'), $lines), true);
    $responses = array_filter(array_slice($lines, $auth === false ? count($lines) : $auth + 1),
        fn($l) => $l !== '*' && $l !== 'QUIT');
    $p = [];
    if (!$e instanceof Smtp\Exception) $p[] = 'no Smtp\Exception: ' . fake_describe($e);
    if ($auth === false) $p[] = 'no AUTH';
    if (count($responses) > $max) $p[] = count($responses) . ' responses';
    if ($elapsed > 4.5) $p[] = sprintf('waited %.1f s', $elapsed);
    printf("%-24s %s\n", $name, $p ? 'FAIL ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
LOGIN endless            ok
PLAIN endless            ok
CRAM-MD5 endless         ok
XOAUTH2 endless          ok
CRAM-MD5 bad base64      ok
CRAM-MD5 empty challenge ok
