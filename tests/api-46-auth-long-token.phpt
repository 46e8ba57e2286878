--TEST--
AUTH with a long OAuth token (RFC 4954 4): one too long for the command line goes on its own line after "334 ", up to the 12,288-octet response line; one longer than that is refused before AUTH is sent, with an error that says so, and the connection goes on clean (no later command is read as an AUTH response)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'u@example.com';
// "user=" user ^A "auth=Bearer " token ^A ^A: 20 octets + the user name around the token; 9213 raw octets
// are the most whose base64 (12,284 octets, 12,286 with CRLF) fits in a 12,288-octet line (9214 would take 12,290)
$max = 9213 - 20 - strlen($user);
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

/* The lines the server read, long ones shown by their length; base64 responses checked against the token. */
function wire(array $t, string $user, string $token): string
{
    $out = [];
    foreach (fake_lines($t) as $l) {
        if (base64_decode($l, true) === "user=$user\x01auth=Bearer $token\x01\x01") {
            $out[] = '<the XOAUTH2 response, ' . (strlen($l) + 2) . ' octets with CRLF>';
        } elseif (preg_match('/^(AUTH \S+) \S+$/', $l, $m)) {
            $out[] = "$m[1] <initial response>";
        } elseif (strlen($l) > 60) {
            $out[] = '<' . strlen($l) . ' octets>';
        } else {
            $out[] = preg_replace('/^(EHLO|HELO) .*/', '$1', $l);
        }
    }
    return implode(' | ', $out);
}

foreach (['long' => 6000, 'longest' => $max] as $what => $len) {
    $token = str_repeat('T', $len);
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => $token, 'mechs' => 'XOAUTH2', 'required' => true]]);
    $log = [];
    $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => $token,
        'auth' => 'XOAUTH2', 'logger' => function (string $l) use (&$log) { $log[] = $l; }]);
    $e = fake_catch(fn() => $smtp->send($msg));
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("%s token (%d octets): %s, %d message(s)\n  wire: %s\n  logged: %s\n", $what, $len, fake_describe($e),
        count($t['messages']), wire($t, $user, $token),
        implode(' | ', array_filter($log, fn($l) => str_starts_with($l, 'C: AUTH') || str_contains($l, 'redacted'))));
}

echo "-- one octet more: refused before AUTH; the next send on the same object works\n";
$long = str_repeat('T', $max + 1);
$auto = ['auth' => ['user' => $user, 'password' => 'tok-ok', 'mechs' => 'XOAUTH2', 'required' => true]];
$srv = fake_start(['conns' => [[['auto' => $auto]], [['auto' => $auto]]]]);
$tokens = [$long, 'tok-ok'];
$smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'auth' => 'XOAUTH2',
    'password' => function () use (&$tokens) { return array_shift($tokens); }]);
$e = fake_catch(fn() => $smtp->send($msg));
echo get_class($e), ': ', $e->getMessage(), "\n";
$e = fake_catch(fn() => $smtp->send($msg));
echo 'second send: ', fake_describe($e), "\n";
fake_done($smtp);
$t = fake_wait($srv);
printf("wire: %s\nmessages: %d, errors: %s\n", wire($t, $user, $long), count($t['messages']), json_encode($t['errors']));

echo "-- login() with it on an open connection: nothing sent, the connection is still clean for MAIL\n";
$srv = fake_auto(['auth' => ['user' => $user, 'password' => 'tok-ok', 'mechs' => 'XOAUTH2 OAUTHBEARER']]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
$smtp->noop();
foreach (['XOAUTH2', 'OAUTHBEARER'] as $mech) {
    $e = fake_catch(fn() => $smtp->login($user, $long, $mech));
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
echo 'connected: ', json_encode($smtp->isConnected()), "\n";
$e = fake_catch(fn() => $smtp->send($msg));
echo 'send: ', fake_describe($e), "\n";
fake_done($smtp);
$t = fake_wait($srv);
printf("wire: %s\nmessages: %d, connections: %d\n", wire($t, $user, $long), count($t['messages']), count($t['conns']));
?>
--EXPECTF--
long token (6000 octets): no exception, 1 message(s)
  wire: EHLO | AUTH XOAUTH2 | <the XOAUTH2 response, 8046 octets with CRLF> | MAIL FROM:<a@example.com> SIZE=%d | RCPT TO:<b@example.com> | DATA | QUIT
  logged: C: AUTH XOAUTH2 | C: <redacted>
longest token (9180 octets): no exception, 1 message(s)
  wire: EHLO | AUTH XOAUTH2 | <the XOAUTH2 response, 12286 octets with CRLF> | MAIL FROM:<a@example.com> SIZE=%d | RCPT TO:<b@example.com> | DATA | QUIT
  logged: C: AUTH XOAUTH2 | C: <redacted>
-- one octet more: refused before AUTH; the next send on the same object works
ValueError: the OAuth token is too long for XOAUTH2: 9181 octets, at most 9180 fit (with this user name) in one AUTH response line of 12288 octets (RFC 4954); nothing was sent
second send: no exception
wire: EHLO | QUIT | EHLO | AUTH XOAUTH2 <initial response> | MAIL FROM:<a@example.com> SIZE=%d | RCPT TO:<b@example.com> | DATA | QUIT
messages: 1, errors: []
-- login() with it on an open connection: nothing sent, the connection is still clean for MAIL
ValueError: the OAuth token is too long for XOAUTH2: 9181 octets, at most 9180 fit (with this user name) in one AUTH response line of 12288 octets (RFC 4954); nothing was sent
ValueError: the OAuth token is too long for OAUTHBEARER: 9181 octets, at most 9180 fit (with this user name) in one AUTH response line of 12288 octets (RFC 4954); nothing was sent
connected: true
send: no exception
wire: EHLO | NOOP | MAIL FROM:<a@example.com> SIZE=%d | RCPT TO:<b@example.com> | DATA | QUIT
messages: 1, connections: 1
