--TEST--
OAUTHBEARER (RFC 7628) next to XOAUTH2; the password as a token provider: called when connecting, called once more and AUTH retried once when the server refuses the token; a provider that throws or returns a non-string is an AuthenticationException and nothing is sent; tokens redacted
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user=1@example.com';
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

function auth_events(array $t): array
{
    return array_map(fn($ev) => ($ev['ok'] ? 'ok' : 'refused'), array_values(array_filter($t['events'], fn($ev) => $ev['ev'] === 'auth')));
}

function leaked(array $log, array $tokens, ?Throwable $e): bool
{
    $all = implode("\n", $log) . ($e ? $e->getMessage() . $e->getReply() : '');
    foreach ($tokens as $tok) {
        if (str_contains($all, $tok) || str_contains($all, base64_encode($tok))) return true;
    }
    return false;
}

echo "-- OAUTHBEARER with a token string, option and login()\n";
foreach (['option', 'login()'] as $how) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => 'tok-good', 'mechs' => 'XOAUTH2 OAUTHBEARER', 'required' => true]]);
    $smtp = $how === 'option'
        ? fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => 'tok-good', 'auth' => 'OAUTHBEARER'])
        : fake_client($srv, ['allow_plaintext_auth' => true]);
    $e = fake_catch(function () use ($smtp, $how, $user, $msg) {
        if ($how === 'login()') $smtp->login($user, 'tok-good', 'oauthbearer');
        $smtp->send($msg);
    });
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("%-8s %s %s, %d message(s)\n", $how, fake_describe($e), json_encode(auth_events($t)), count($t['messages']));
}

echo "-- the first token has expired: the provider is called again and AUTH retried once\n";
foreach (['XOAUTH2', 'OAUTHBEARER'] as $mech) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => 'tok-2', 'mechs' => 'XOAUTH2 OAUTHBEARER', 'required' => true]]);
    $calls = 0;
    $log = [];
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'auth' => $mech,
        'password' => function () use (&$calls) { return 'tok-' . ++$calls; },
        'logger' => function (string $l) use (&$log) { $log[] = $l; }]);
    $e = fake_catch(fn() => $smtp->send($msg));
    $e2 = fake_catch(fn() => $smtp->send($msg)); // same connection: no new token
    fake_done($smtp);
    $t = fake_wait($srv);
    $acks = array_column(array_filter($t['events'], fn($ev) => $ev['ev'] === 'oauth_ack'), 'ok');
    printf("%-11s %s/%s calls=%d auth=%s messages=%d oauthbearer-acks=%s leaked=%s\n", $mech, fake_describe($e), fake_describe($e2),
        $calls, json_encode(auth_events($t)), count($t['messages']), json_encode($acks), json_encode(leaked($log, ['tok-1', 'tok-2'], $e)));
}

echo "-- every token refused: two AUTH, then the 535\n";
foreach (['XOAUTH2', 'OAUTHBEARER'] as $mech) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => 'never', 'mechs' => 'XOAUTH2 OAUTHBEARER', 'required' => true]]);
    $calls = 0;
    $log = [];
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'auth' => $mech,
        'password' => function () use (&$calls) { return 'bad-' . ++$calls; },
        'logger' => function (string $l) use (&$log) { $log[] = $l; }]);
    $e = fake_catch(fn() => $smtp->send($msg));
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("%-11s %s calls=%d auth=%s MAIL sent=%s leaked=%s\n", $mech, $e instanceof Smtp\AuthenticationException ? 'AuthenticationException ' . $e->getCode() : fake_describe($e),
        $calls, json_encode(auth_events($t)), json_encode(fake_sent_command($t, 'MAIL')), json_encode(leaked($log, ['bad-1', 'bad-2'], $e)));
}

echo "-- a provider that throws or returns a non-string: nothing sent, not even a connection\n";
$providers = [
    'throws' => function () { throw new RuntimeException('vault unreachable'); },
    'returns int' => fn() => 42,
    'returns null' => fn() => null,
];
foreach ($providers as $name => $provider) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => 'x', 'mechs' => 'XOAUTH2']]);
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'auth' => 'XOAUTH2', 'password' => $provider]);
    $e = fake_catch(fn() => $smtp->send($msg));
    $smtp = null;
    $t = fake_wait($srv, 1);
    printf("%-12s %s: %s%s; bytes sent: %d\n", $name, $e ? get_class($e) : 'no exception', $e ? $e->getMessage() : '',
        $e && $e->getPrevious() ? ' [previous: ' . get_class($e->getPrevious()) . ' ' . $e->getPrevious()->getMessage() . ']' : '', strlen($t['raw']));
}

echo "-- persistent: the provider is called by each object that connects; the same token reuses the kept connection without a second AUTH\n";
$srv = fake_auto(['auth' => ['user' => $user, 'password' => 'tok-p', 'mechs' => 'XOAUTH2', 'required' => true]]);
$calls = 0;
$provider = function () use (&$calls) { $calls++; return 'tok-p'; };
$opts = ['allow_plaintext_auth' => true, 'username' => $user, 'auth' => 'XOAUTH2', 'password' => $provider, 'persistent' => 'tok-test'];
foreach ([1, 2] as $i) {
    $smtp = fake_client($srv, $opts);
    $e = fake_catch(fn() => $smtp->send($msg));
    echo "object $i: ", fake_describe($e), ", calls so far: $calls\n";
    $smtp = null;
}
$smtp = fake_client($srv, $opts);
$smtp->quit();
$t = fake_wait($srv);
printf("connections: %d, AUTH: %s, messages: %d\n", count($t['conns']), json_encode(auth_events($t)), count($t['messages']));

echo "-- a string is the password itself, never a function name; other types are refused\n";
$srv = fake_auto(['auth' => ['user' => $user, 'password' => 'strlen', 'mechs' => 'PLAIN']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => 'strlen']);
$e = fake_catch(fn() => $smtp->send($msg));
fake_done($smtp);
echo fake_describe($e), ' ', json_encode(auth_events(fake_wait($srv))), "\n";
try {
    new Smtp('localhost', 25, ['username' => $user, 'password' => 42]);
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
-- OAUTHBEARER with a token string, option and login()
option   no exception ["ok"], 1 message(s)
login()  no exception ["ok"], 1 message(s)
-- the first token has expired: the provider is called again and AUTH retried once
XOAUTH2     no exception/no exception calls=2 auth=["refused","ok"] messages=2 oauthbearer-acks=[] leaked=false
OAUTHBEARER no exception/no exception calls=2 auth=["refused","ok"] messages=2 oauthbearer-acks=[true] leaked=false
-- every token refused: two AUTH, then the 535
XOAUTH2     AuthenticationException 535 calls=2 auth=["refused","refused"] MAIL sent=false leaked=false
OAUTHBEARER AuthenticationException 535 calls=2 auth=["refused","refused"] MAIL sent=false leaked=false
-- a provider that throws or returns a non-string: nothing sent, not even a connection
throws       Smtp\AuthenticationException: the password callable threw an exception (see getPrevious()); no AUTH was sent [previous: RuntimeException vault unreachable]; bytes sent: 0
returns int  Smtp\AuthenticationException: the password callable returned int, not a string; no AUTH was sent; bytes sent: 0
returns null Smtp\AuthenticationException: the password callable returned null, not a string; no AUTH was sent; bytes sent: 0
-- persistent: the provider is called by each object that connects; the same token reuses the kept connection without a second AUTH
object 1: no exception, calls so far: 1
object 2: no exception, calls so far: 2
connections: 1, AUTH: ["ok"], messages: 2
-- a string is the password itself, never a function name; other types are refused
no exception ["ok"]
TypeError: Smtp::__construct(): Argument #3 ($options) option "password" must be a string, a callable (Closure, invokable object or array) or null, int given
