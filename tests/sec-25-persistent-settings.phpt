--TEST--
Security 25: a kept (persistent) connection is never used with other settings: TLS mode, stream context, user name, password, AUTH mechanism, HELO name, persistent id each make another connection; the same settings reuse it
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// The fake server serves one connection at a time: while the kept connection is open it never greets
// another one. So an object that does not take the kept connection waits for a greeting that cannot come
// (its short command_timeout ends the wait), while one that takes it sends at once.
$variants = [
    'tls' => ['tls' => Smtp::TLS_OPPORTUNISTIC],
    'context added' => ['context' => ['socket' => ['tcp_nodelay' => true], 'ssl' => ['verify_peer' => false]]],
    'context changed' => ['context' => ['socket' => ['tcp_nodelay' => false]]],
    'no context' => ['context' => []],
    'username' => ['username' => 'other@example.com'],
    'password' => ['password' => 'secret-pw2'],
    'no credentials' => ['username' => null, 'password' => null],
    'mechanism' => ['auth' => 'LOGIN'],
    'helo' => ['helo' => 'other.example'],
    'persistent id' => ['persistent' => 'another-pool'],
];
$auth = ['user' => 'user@example.com', 'password' => 'secret-pw', 'mechs' => 'PLAIN LOGIN'];
$srv = fake_start(['conns' => array_fill(0, count($variants) + 1, [['auto' => ['auth' => $auth]]])]);
$base = [
    'username' => 'user@example.com',
    'password' => 'secret-pw',
    'allow_plaintext_auth' => true,
    'context' => ['socket' => ['tcp_nodelay' => true]],
    'persistent' => true,
];
$msg = fn(string $s) => (new Smtp\Message)->from('me@example.com')->to('you@example.net')->subject($s)->text("$s\n");

$a = fake_client($srv, $base);
echo 'first: ', get_class($a->send($msg('first'))), "\n";
unset($a);

foreach ($variants as $name => $change) {
    $o = fake_client($srv, ['command_timeout' => 0.3] + $change + $base);
    $e = fake_catch(fn() => $o->send($msg($name)));
    echo str_pad($name, 16), $e ? 'new connection (' . get_class($e) . ')' : 'REUSED the kept connection', "\n";
    unset($o);
}

$same = fake_client($srv, $base);
echo 'same settings: ', get_class($same->send($msg('same'))), "\n";
$same->quit();
unset($same);

$t = fake_wait($srv);
// the kept connection only ever carried the two objects with the base settings
preg_match_all('/^(EHLO|AUTH|MAIL|RSET|QUIT)/m', $t['conns'][1], $m);
echo 'kept connection: ', implode(' ', $m[1]), "\n";
echo 'subjects on it: ', implode(' ', array_map(fn($x) => fake_header(fake_parse($x['data']), 'Subject'),
    array_filter($t['messages'], fn($x) => $x['conn'] === 1))), "\n";
echo 'delivered elsewhere: ', count(array_filter($t['messages'], fn($x) => $x['conn'] !== 1)), "\n";
?>
--EXPECT--
first: Smtp\Result
tls             new connection (Smtp\ConnectionException)
context added   new connection (Smtp\ConnectionException)
context changed new connection (Smtp\ConnectionException)
no context      new connection (Smtp\ConnectionException)
username        new connection (Smtp\ConnectionException)
password        new connection (Smtp\ConnectionException)
no credentials  new connection (Smtp\ConnectionException)
mechanism       new connection (Smtp\ConnectionException)
helo            new connection (Smtp\ConnectionException)
persistent id   new connection (Smtp\ConnectionException)
same settings: Smtp\Result
kept connection: EHLO AUTH MAIL RSET MAIL QUIT
subjects on it: first same
delivered elsewhere: 0
