--TEST--
TLS certificate checks: self-signed without cafile, expired, wrong host -> TlsException unless the context allows it
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ca = fake_cert('localhost')['ca'];
$cases = [
    'self-signed, system CAs' => ['selfsigned', ['peer_name' => 'localhost'], false],
    'expired, test CA' => ['expired', ['cafile' => $ca, 'peer_name' => 'localhost'], false],
    'wrong host, test CA' => ['wronghost', ['cafile' => $ca, 'peer_name' => 'localhost'], false],
    'self-signed, allowed' => ['selfsigned', ['verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true], true],
    'self-signed, as cafile' => ['selfsigned', ['cafile' => fake_cert('selfsigned')['ca'], 'peer_name' => 'localhost'], true],
    'wrong host, name check off' => ['wronghost', ['cafile' => $ca, 'verify_peer_name' => false], true],
    'good, test CA' => ['localhost', ['cafile' => $ca, 'peer_name' => 'localhost'], true],
];
foreach ($cases as $name => [$certName, $ssl, $ok]) {
    foreach ([Smtp::TLS_STARTTLS, Smtp::TLS_IMPLICIT] as $mode) {
        $srv = fake_auto(['starttls' => true], ['tls' => $certName, 'tls_implicit' => $mode === Smtp::TLS_IMPLICIT]);
        $opts = ['tls' => $mode, 'context' => ['ssl' => $ssl]];
        if (!$ok) {
            $opts += ['username' => 'user@example.com', 'password' => 'pw-never-sent', 'allow_plaintext_auth' => true];
        }
        $smtp = fake_client($srv, $opts);
        $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
        fake_done($smtp);
        $t = fake_wait($srv);
        $problems = [];
        if ($ok) {
            if ($e !== null) $problems[] = fake_describe($e) . ': ' . $e->getMessage();
            if ($t['tls'] !== 1 || count($t['messages']) !== 1 || !$t['messages'][0]['tls']) $problems[] = 'not delivered over TLS';
        } else {
            if (!$e instanceof Smtp\TlsException) $problems[] = 'expected TlsException, got ' . fake_describe($e);
            if (fake_sent_command($t, 'MAIL') || fake_sent_command($t, 'AUTH')) $problems[] = 'MAIL/AUTH sent';
            if (str_contains($t['raw'], 'pw-never-sent')) $problems[] = 'password sent';
        }
        printf("%-28s %-8s %s\n", $name, $mode === Smtp::TLS_IMPLICIT ? 'implicit' : 'starttls', $problems ? 'FAIL: ' . implode('; ', $problems) : 'ok');
    }
}
?>
--EXPECT--
self-signed, system CAs      starttls ok
self-signed, system CAs      implicit ok
expired, test CA             starttls ok
expired, test CA             implicit ok
wrong host, test CA          starttls ok
wrong host, test CA          implicit ok
self-signed, allowed         starttls ok
self-signed, allowed         implicit ok
self-signed, as cafile       starttls ok
self-signed, as cafile       implicit ok
wrong host, name check off   starttls ok
wrong host, name check off   implicit ok
good, test CA                starttls ok
good, test CA                implicit ok
