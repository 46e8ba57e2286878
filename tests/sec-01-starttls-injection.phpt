--TEST--
Security 1: STARTTLS 220 followed by injected "250-x\r\n250 AUTH LOGIN\r\n" in the same segment -> abort
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
foreach (['credentials in options', 'plain send'] as $case) {
    $srv = fake_start(['tls' => $cert, 'script' => [
        ['send' => "220 fake.example ESMTP\r\n"],
        ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"],
        // One write: the reply to STARTTLS plus a forged post-TLS EHLO reply.
        ['expect' => 'STARTTLS', 'reply' => "220 2.0.0 Ready to start TLS\r\n250-x\r\n250 AUTH LOGIN\r\n"],
        ['expect_close' => true, 'timeout_ms' => 8000],
    ]]);
    $opts = ['tls' => Smtp::TLS_STARTTLS, 'command_timeout' => 5,
        'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]];
    if ($case === 'credentials in options') {
        $opts += ['username' => 'user@example.com', 'password' => 'injected-secret'];
    }
    $smtp = fake_client($srv, $opts);
    $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
    $connected = $smtp->isConnected();
    $smtp = null;
    $t = fake_wait($srv);
    $raw = $t['raw'];
    $after = (string)substr($raw, strpos($raw, "STARTTLS\r\n") + 10);
    echo "-- $case\n";
    var_dump($e instanceof Smtp\Exception, $connected);
    // Aborted before the handshake: no TLS record (0x16) after STARTTLS, no command either
    // (a clear-text QUIT is tolerated).
    var_dump($after === '' || $after === "QUIT\r\n");
    var_dump(str_contains($raw, 'AUTH'), str_contains($raw, 'MAIL'), str_contains($raw, 'injected-secret'));
}
?>
--EXPECT--
-- credentials in options
bool(true)
bool(false)
bool(true)
bool(false)
bool(false)
bool(false)
-- plain send
bool(true)
bool(false)
bool(true)
bool(false)
bool(false)
bool(false)
