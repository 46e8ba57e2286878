--TEST--
AUTH PLAIN, LOGIN, CRAM-MD5, XOAUTH2 via login() and via the username/password options (STARTTLS, or allow_plaintext_auth)
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user@example.com';
$pass = 'p4ss w0rd:ü';     // space, colon and UTF-8 survive the encodings
$cert = fake_cert('localhost');
$tlsOpts = ['tls' => Smtp::TLS_STARTTLS, 'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]];
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

foreach (['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'] as $mech) {
    foreach (['login()', 'options', 'cleartext'] as $how) {
        $tls = $how !== 'cleartext';
        $srv = fake_auto([
            'starttls' => $tls,
            'auth' => ['user' => $user, 'password' => $pass, 'mechs' => 'PLAIN LOGIN CRAM-MD5 XOAUTH2', 'tls_only' => $tls, 'required' => true],
        ], $tls ? ['tls' => $cert] : []);
        $opts = $tls ? $tlsOpts : ['allow_plaintext_auth' => true];
        if ($how === 'login()') {
            $smtp = fake_client($srv, $opts);
            $smtp->connect();
            $smtp->login($user, $pass, $mech);
        } else {
            $smtp = fake_client($srv, $opts + ['username' => $user, 'password' => $pass, 'auth' => $mech]);
        }
        $e = fake_catch(fn() => $smtp->send($msg));
        fake_done($smtp);
        $t = fake_wait($srv);
        $auth = array_values(array_filter($t['events'], fn($ev) => $ev['ev'] === 'auth'));
        $ok = $e === null && count($auth) === 1 && $auth[0]['ok'] && $auth[0]['mech'] === $mech
            && count($t['messages']) === 1 && $t['messages'][0]['auth'] === $user && $t['messages'][0]['tls'] === $tls;
        printf("%-8s %-9s %s\n", $mech, $how, $ok ? 'ok' : 'FAIL ' . fake_describe($e) . ' ' . json_encode($auth));
    }
}

// No mechanism given: the client picks one the server offers.
$srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass, 'mechs' => 'LOGIN']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$smtp->login($user, $pass);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['messages'][0]['auth']);
?>
--EXPECT--
PLAIN    login()   ok
PLAIN    options   ok
PLAIN    cleartext ok
LOGIN    login()   ok
LOGIN    options   ok
LOGIN    cleartext ok
CRAM-MD5 login()   ok
CRAM-MD5 options   ok
CRAM-MD5 cleartext ok
XOAUTH2  login()   ok
XOAUTH2  options   ok
XOAUTH2  cleartext ok
string(16) "user@example.com"
