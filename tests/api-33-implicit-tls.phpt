--TEST--
Implicit TLS (TLS_IMPLICIT): TLS from the first byte, no STARTTLS, message delivered
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$srv = fake_auto(['starttls' => true], ['tls' => $cert, 'tls_implicit' => true]);
$smtp = fake_client($srv, [
    'tls' => Smtp::TLS_IMPLICIT,
    'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']],
]);
$r = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('implicit')->text('t'));
var_dump($r->queueId);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['tls'], fake_sent_command($t, 'STARTTLS'), fake_lines($t)[0], $t['messages'][0]['tls']);

// TLS_IMPLICIT against a plain-text server: TlsException, nothing sent in clear text.
$srv = fake_auto();
$smtp = fake_client($srv, ['tls' => Smtp::TLS_IMPLICIT, 'timeout' => 3, 'command_timeout' => 3,
    'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]]);
$e = fake_catch(fn() => $smtp->connect());
var_dump($e instanceof Smtp\TlsException);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(fake_sent_command($t, 'EHLO'));
?>
--EXPECT--
string(6) "ABC123"
int(1)
bool(false)
string(19) "EHLO client.example"
bool(true)
bool(true)
bool(false)
