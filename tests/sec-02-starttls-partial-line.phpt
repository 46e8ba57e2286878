--TEST--
Security 2: STARTTLS 220 followed by a partial line in the same segment -> abort
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
foreach (["25", "250-x", "\r"] as $tail) {
    $srv = fake_start(['tls' => $cert, 'script' => [
        ['send' => "220 fake.example ESMTP\r\n"],
        ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250 STARTTLS\r\n"],
        ['expect' => 'STARTTLS', 'reply' => "220 2.0.0 Ready to start TLS\r\n" . $tail],
        ['expect_close' => true, 'timeout_ms' => 8000],
    ]]);
    $smtp = fake_client($srv, ['tls' => Smtp::TLS_STARTTLS, 'command_timeout' => 5,
        'username' => 'user@example.com', 'password' => 'partial-secret',
        'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]]);
    $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
    $smtp = null;
    $t = fake_wait($srv);
    $raw = $t['raw'];
    $after = (string)substr($raw, strpos($raw, "STARTTLS\r\n") + 10);
    printf("%-8s exception=%s clean_abort=%s auth=%s mail=%s\n", json_encode($tail),
        $e instanceof Smtp\Exception ? 'yes' : 'no', ($after === '' || $after === "QUIT\r\n") ? 'yes' : 'no',
        str_contains($raw, 'AUTH') ? 'yes' : 'no', str_contains($raw, 'MAIL') ? 'yes' : 'no');
}
?>
--EXPECT--
"25"     exception=yes clean_abort=yes auth=no mail=no
"250-x"  exception=yes clean_abort=yes auth=no mail=no
"\r"     exception=yes clean_abort=yes auth=no mail=no
