--TEST--
Security 5: self-signed / expired / wrong-host certificate -> TlsException before any AUTH, MAIL or credential byte (STARTTLS, implicit, opportunistic; send(), connect(), login()), no clear-text fallback; accepted only when the context allows it
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ca = fake_cert('localhost')['ca'];
$certs = [
    'self-signed' => ['selfsigned', ['peer_name' => 'localhost']],                 // system CAs only
    'self-signed, no context' => ['selfsigned', null],                                // the defaults verify too
    'expired' => ['expired', ['cafile' => $ca, 'peer_name' => 'localhost']],
    'wrong host' => ['wronghost', ['cafile' => $ca, 'peer_name' => 'localhost']],
];
$modes = ['STARTTLS' => Smtp::TLS_STARTTLS, 'implicit' => Smtp::TLS_IMPLICIT, 'opportunistic' => Smtp::TLS_OPPORTUNISTIC];
$calls = [
    'send()' => fn(Smtp $s) => $s->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')),
    'connect()' => fn(Smtp $s) => $s->connect(),
    'login()' => fn(Smtp $s) => $s->login('user@example.com', 'pw-never-sent'),
];
foreach ($certs as $clabel => [$cert, $ssl]) {
    foreach ($modes as $mlabel => $mode) {
        foreach ($calls as $call => $fn) {
            // a second connection is there for a client that would retry in clear text
            $auto = ['starttls' => true, 'auth' => ['user' => 'user@example.com', 'password' => 'pw-never-sent']];
            $srv = fake_start(['conns' => [[['auto' => $auto]], [['auto' => $auto]]], 'tls' => $cert,
                'tls_implicit' => $mode === Smtp::TLS_IMPLICIT, 'time_limit' => 10]);
            $opts = ['tls' => $mode, 'username' => 'user@example.com', 'password' => 'pw-never-sent', 'allow_plaintext_auth' => true];
            if ($ssl !== null) $opts['context'] = ['ssl' => $ssl];
            $smtp = fake_client($srv, $opts);
            $e = fake_catch(fn() => $fn($smtp));
            $connected = $smtp->isConnected();
            $smtp = null;
            $t = fake_stop($srv);
            $p = [];
            if (!$e instanceof Smtp\TlsException) $p[] = 'expected TlsException, got ' . fake_describe($e);
            elseif ($e->getCode() !== 0) $p[] = 'code ' . $e->getCode();
            if ($connected) $p[] = 'still connected';
            if (fake_sent_command($t, 'AUTH') || fake_sent_command($t, 'MAIL')) $p[] = 'AUTH/MAIL sent';
            if (str_contains($t['raw'], 'pw-never-sent') || str_contains($t['raw'], base64_encode("\0user@example.com\0pw-never-sent"))) $p[] = 'password sent';
            if (count($t['conns']) > 1) $p[] = count($t['conns']) . ' connections';
            printf("%-24s %-14s %-10s %s\n", $clabel, $mlabel, $call, $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
        }
    }
}

echo "-- the context allows it\n";
$allowed = [
    'self-signed, verify_peer off' => ['selfsigned', ['verify_peer' => false, 'verify_peer_name' => false]],
    'self-signed, allow_self_signed' => ['selfsigned', ['allow_self_signed' => true, 'peer_name' => 'localhost']],
    'self-signed, pinned as cafile' => ['selfsigned', ['cafile' => fake_cert('selfsigned')['ca'], 'peer_name' => 'localhost']],
    'expired, verify_peer off' => ['expired', ['verify_peer' => false, 'verify_peer_name' => false]],
    'wrong host, its name' => ['wronghost', ['cafile' => $ca, 'peer_name' => 'wrong.example']],
    'wrong host, name check off' => ['wronghost', ['cafile' => $ca, 'verify_peer_name' => false]],
];
foreach ($allowed as $label => [$cert, $ssl]) {
    foreach (['STARTTLS' => Smtp::TLS_STARTTLS, 'implicit' => Smtp::TLS_IMPLICIT] as $mlabel => $mode) {
        $srv = fake_auto(['starttls' => true], ['tls' => $cert, 'tls_implicit' => $mode === Smtp::TLS_IMPLICIT]);
        $smtp = fake_client($srv, ['tls' => $mode, 'context' => ['ssl' => $ssl]]);
        $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
        fake_done($smtp);
        $t = fake_wait($srv);
        $p = [];
        if ($e !== null) $p[] = fake_describe($e) . ': ' . $e->getMessage();
        if (count($t['messages']) !== 1 || !$t['messages'][0]['tls']) $p[] = 'not delivered over TLS';
        printf("%-32s %-9s %s\n", $label, $mlabel, $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
    }
}
?>
--EXPECT--
self-signed              STARTTLS       send()     ok
self-signed              STARTTLS       connect()  ok
self-signed              STARTTLS       login()    ok
self-signed              implicit       send()     ok
self-signed              implicit       connect()  ok
self-signed              implicit       login()    ok
self-signed              opportunistic  send()     ok
self-signed              opportunistic  connect()  ok
self-signed              opportunistic  login()    ok
self-signed, no context  STARTTLS       send()     ok
self-signed, no context  STARTTLS       connect()  ok
self-signed, no context  STARTTLS       login()    ok
self-signed, no context  implicit       send()     ok
self-signed, no context  implicit       connect()  ok
self-signed, no context  implicit       login()    ok
self-signed, no context  opportunistic  send()     ok
self-signed, no context  opportunistic  connect()  ok
self-signed, no context  opportunistic  login()    ok
expired                  STARTTLS       send()     ok
expired                  STARTTLS       connect()  ok
expired                  STARTTLS       login()    ok
expired                  implicit       send()     ok
expired                  implicit       connect()  ok
expired                  implicit       login()    ok
expired                  opportunistic  send()     ok
expired                  opportunistic  connect()  ok
expired                  opportunistic  login()    ok
wrong host               STARTTLS       send()     ok
wrong host               STARTTLS       connect()  ok
wrong host               STARTTLS       login()    ok
wrong host               implicit       send()     ok
wrong host               implicit       connect()  ok
wrong host               implicit       login()    ok
wrong host               opportunistic  send()     ok
wrong host               opportunistic  connect()  ok
wrong host               opportunistic  login()    ok
-- the context allows it
self-signed, verify_peer off     STARTTLS  ok
self-signed, verify_peer off     implicit  ok
self-signed, allow_self_signed   STARTTLS  ok
self-signed, allow_self_signed   implicit  ok
self-signed, pinned as cafile    STARTTLS  ok
self-signed, pinned as cafile    implicit  ok
expired, verify_peer off         STARTTLS  ok
expired, verify_peer off         implicit  ok
wrong host, its name             STARTTLS  ok
wrong host, its name             implicit  ok
wrong host, name check off       STARTTLS  ok
wrong host, name check off       implicit  ok
