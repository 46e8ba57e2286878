--TEST--
AUTH SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) against a server computing SCRAM with PHP's own hash functions: login(), options, chosen by default over PLAIN; SASLprep of the password; the password never on the wire
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user,name=x@example.com';   // ',' and '=' are escaped in SCRAM's n= attribute
$pass = 'p4ss w0rd:ü';
$cert = fake_cert('localhost');
$tlsOpts = ['tls' => Smtp::TLS_STARTTLS, 'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]];
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

function check(array $t, ?Throwable $e, string $mech, string $user, string $pass, bool $tls): string
{
    $auth = array_values(array_filter($t['events'], fn($ev) => $ev['ev'] === 'auth'));
    $p = [];
    if ($e !== null) $p[] = fake_describe($e);
    if (count($auth) !== 1 || !$auth[0]['ok'] || $auth[0]['mech'] !== $mech) $p[] = 'auth events ' . json_encode($auth);
    if (count($t['messages']) !== 1 || $t['messages'][0]['auth'] !== $user || $t['messages'][0]['tls'] !== $tls) $p[] = 'message';
    if (!$tls && (str_contains($t['raw'], $pass) || str_contains($t['raw'], base64_encode($pass)))) $p[] = 'password on the wire';
    return $p ? 'FAIL ' . implode('; ', $p) : 'ok';
}

foreach (['SCRAM-SHA-1', 'SCRAM-SHA-256'] as $mech) {
    foreach (['login()', 'options', 'cleartext'] as $how) {
        $tls = $how !== 'cleartext';
        $srv = fake_auto([
            'starttls' => $tls,
            'auth' => ['user' => $user, 'password' => $pass, 'mechs' => 'PLAIN LOGIN ' . $mech, 'tls_only' => $tls, 'required' => true],
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
        printf("%-13s %-9s %s\n", $mech, $how, check(fake_wait($srv), $e, $mech, $user, $pass, $tls));
    }
}

echo "-- no mechanism given: SCRAM-SHA-256, then SCRAM-SHA-1, before PLAIN, LOGIN and CRAM-MD5\n";
foreach (['PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256' => 'SCRAM-SHA-256', 'PLAIN SCRAM-SHA-1 LOGIN' => 'SCRAM-SHA-1'] as $offered => $want) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass, 'mechs' => $offered]]);
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => $pass]);
    $e = fake_catch(fn() => $smtp->send($msg));
    fake_done($smtp);
    printf("%-46s %s\n", $offered, check(fake_wait($srv), $e, $want, $user, $pass, false));
}

echo "-- SASLprep: a no-break space is a space, a soft hyphen nothing (the server's password is 'pass word')\n";
$srv = fake_auto(['auth' => ['user' => $user, 'password' => 'pass word', 'mechs' => 'SCRAM-SHA-256']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$e = fake_catch(function () use ($smtp, $user, $msg) {
    $smtp->login($user, "pa\u{00AD}ss\u{00A0}word", 'SCRAM-SHA-256');
    $smtp->send($msg);
});
fake_done($smtp);
echo check(fake_wait($srv), $e, 'SCRAM-SHA-256', $user, 'pass word', false), "\n";

echo "-- a password SASLprep prohibits: ValueError, nothing sent after EHLO\n";
$srv = fake_auto(['auth' => ['user' => $user, 'password' => "a\x07b", 'mechs' => 'SCRAM-SHA-256']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$e = fake_catch(fn() => $smtp->login($user, "a\x07b", 'SCRAM-SHA-256'));
fake_done($smtp);
$t = fake_wait($srv);
echo get_class($e), ": ", $e->getMessage(), "\n";
var_dump(fake_sent_command($t, 'AUTH'));
?>
--EXPECT--
SCRAM-SHA-1   login()   ok
SCRAM-SHA-1   options   ok
SCRAM-SHA-1   cleartext ok
SCRAM-SHA-256 login()   ok
SCRAM-SHA-256 options   ok
SCRAM-SHA-256 cleartext ok
-- no mechanism given: SCRAM-SHA-256, then SCRAM-SHA-1, before PLAIN, LOGIN and CRAM-MD5
PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 ok
PLAIN SCRAM-SHA-1 LOGIN                        ok
-- SASLprep: a no-break space is a space, a soft hyphen nothing (the server's password is 'pass word')
ok
-- a password SASLprep prohibits: ValueError, nothing sent after EHLO
ValueError: the password cannot be used with SCRAM: the password contains a control character (SASLprep prohibits it)
bool(false)
