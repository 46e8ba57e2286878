--TEST--
Default TLS mode (STARTTLS required on a port other than 465): a server without STARTTLS -> TlsException, no AUTH/MAIL
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto(['auth' => ['user' => 'user@example.com', 'password' => 'hunter2-secret']]);
// No 'tls' option: the default for a port other than 465 is STARTTLS required.
$smtp = new Smtp('127.0.0.1', $srv->port, [
    'helo' => 'client.example', 'timeout' => 5, 'command_timeout' => 10,
    'username' => 'user@example.com', 'password' => 'hunter2-secret',
]);
$e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
var_dump($e instanceof Smtp\TlsException, $e instanceof Smtp\ConnectionException);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(fake_sent_command($t, 'EHLO'));
foreach (['AUTH', 'MAIL', 'RCPT', 'DATA', 'HELO'] as $cmd) {
    echo $cmd, ': ', fake_sent_command($t, $cmd) ? 'sent' : 'not sent', "\n";
}
var_dump(str_contains($t['raw'], 'hunter2'), count($t['messages']));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
AUTH: not sent
MAIL: not sent
RCPT: not sent
DATA: not sent
HELO: not sent
bool(false)
int(0)
