--TEST--
persistent: a connection authenticated by login() with other credentials than the settings is not kept (QUIT); two live objects with the same settings never share a connection
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$msg = fn(string $s) => (new Smtp\Message)->from('me@example.com')->to('you@example.net')->subject($s)->text("$s\n");
$auth = ['user' => 'user@example.com', 'password' => 'secret-pw', 'mechs' => 'PLAIN'];

echo "--- login()\n";
$srv = fake_start(['conns' => [[['auto' => ['auth' => $auth]]], [['auto' => ['auth' => $auth]]]]]);
$a = fake_client($srv, ['persistent' => true, 'allow_plaintext_auth' => true]);
$a->login('user@example.com', 'secret-pw');
$a->send($msg('as user'));
unset($a);                                   // authenticated as someone the settings do not name: closed
$b = fake_client($srv, ['persistent' => true, 'allow_plaintext_auth' => true]);
$b->send($msg('anonymous'));
$b->quit();
unset($b);
$t = fake_wait($srv);
foreach ($t['messages'] as $m) {
    echo 'conn ', $m['conn'], ': ', fake_header(fake_parse($m['data']), 'Subject'), ' auth=', var_export($m['auth'], true), "\n";
}
foreach ($t['conns'] as $n => $raw) {
    preg_match_all('/^(EHLO|AUTH|MAIL|RSET|QUIT)/m', $raw, $m);
    echo "$n: ", implode(' ', $m[1]), "\n";
}

echo "--- two live objects\n";
$srv = fake_start(['conns' => [[['auto' => []]], [['auto' => []]]]]);
$a = fake_client($srv, ['persistent' => 'pool']);
$a->send($msg('a1'));
$b = fake_client($srv, ['persistent' => 'pool', 'command_timeout' => 0.3]);
// $a holds the kept connection: $b opens its own (which this one-connection-at-a-time server never greets)
echo 'b: ', fake_describe(fake_catch(fn() => $b->send($msg('b')))), "\n";
unset($b);
$a->send($msg('a2'));
unset($a);
$c = fake_client($srv, ['persistent' => 'pool']);
$c->send($msg('c'));
$c->quit();
unset($c);
$t = fake_wait($srv);
preg_match_all('/^(EHLO|MAIL|RSET|QUIT)/m', $t['conns'][1], $m);
echo '1: ', implode(' ', $m[1]), "\n";
echo 'subjects: ', implode(' ', array_map(fn($x) => fake_header(fake_parse($x['data']), 'Subject'), $t['messages'])), "\n";
?>
--EXPECT--
--- login()
conn 1: as user auth='user@example.com'
conn 2: anonymous auth=NULL
1: EHLO AUTH MAIL QUIT
2: EHLO MAIL QUIT
--- two live objects
b: Smtp\ConnectionException code=0 transient=yes enhanced=NULL
1: EHLO MAIL MAIL RSET MAIL QUIT
subjects: a1 a2 c
