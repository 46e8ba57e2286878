--TEST--
Bad password -> Smtp\AuthenticationException (535) for every mechanism; no MAIL afterwards; unsupported mechanism refused
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

foreach (['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'] as $mech) {
    $srv = fake_auto(['auth' => ['user' => 'user@example.com', 'password' => 'right', 'required' => true]]);
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
    $e = fake_catch(function () use ($smtp, $mech) {
        $smtp->connect();
        $smtp->login('user@example.com', 'wrong', $mech);
    });
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("%-8s %s code=%d transient=%s mail=%s\n", $mech,
        $e instanceof Smtp\AuthenticationException ? 'AuthenticationException' : fake_describe($e),
        $e ? $e->getCode() : -1, $e && $e->isTransient() ? 'yes' : 'no', fake_sent_command($t, 'MAIL') ? 'yes' : 'no');
}

// Credentials in the options: the send fails with AuthenticationException, nothing is delivered.
$srv = fake_auto(['auth' => ['user' => 'user@example.com', 'password' => 'right', 'required' => true]]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => 'user@example.com', 'password' => 'wrong']);
$e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
var_dump($e instanceof Smtp\AuthenticationException, $e->getCode());
fake_done($smtp);
$t = fake_wait($srv);
var_dump(fake_sent_command($t, 'MAIL'), count($t['messages']));

// A 454 (temporary) authentication failure is transient.
$srv = fake_auto(['auth' => ['user' => 'u', 'password' => 'p'], 'reply' => ['AUTH' => "454 4.7.0 Temporary authentication failure\r\n"]]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$e = fake_catch(function () use ($smtp) { $smtp->connect(); $smtp->login('u', 'p', 'PLAIN'); });
var_dump($e instanceof Smtp\AuthenticationException, $e->getCode(), $e->isTransient(), $e->getEnhancedStatus());
fake_done($smtp);
fake_wait($srv);

// A mechanism the server does not offer: an error (refused locally, or by the server's 504).
$srv = fake_auto(['auth' => ['user' => 'u', 'password' => 'p', 'mechs' => 'PLAIN']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$e = fake_catch(function () use ($smtp) { $smtp->connect(); $smtp->login('u', 'p', 'CRAM-MD5'); });
var_dump($e instanceof Smtp\Exception || $e instanceof ValueError);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count(array_filter($t['events'], fn($ev) => $ev['ev'] === 'auth' && $ev['ok'])));
?>
--EXPECT--
PLAIN    AuthenticationException code=535 transient=no mail=no
LOGIN    AuthenticationException code=535 transient=no mail=no
CRAM-MD5 AuthenticationException code=535 transient=no mail=no
XOAUTH2  AuthenticationException code=535 transient=no mail=no
bool(true)
int(535)
bool(false)
int(0)
bool(true)
int(454)
bool(true)
string(5) "4.7.0"
bool(true)
int(0)
