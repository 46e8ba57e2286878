--TEST--
TLS_OPPORTUNISTIC: STARTTLS when offered, clear text when not
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$ctx = ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']];
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

$srv = fake_auto(['starttls' => true], ['tls' => $cert]);
$smtp = fake_client($srv, ['tls' => Smtp::TLS_OPPORTUNISTIC, 'context' => $ctx]);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['tls'], $t['messages'][0]['tls']);

$srv = fake_auto();
$smtp = fake_client($srv, ['tls' => Smtp::TLS_OPPORTUNISTIC, 'context' => $ctx]);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['tls'], $t['messages'][0]['tls'], fake_sent_command($t, 'STARTTLS'));
?>
--EXPECT--
int(1)
bool(true)
int(0)
bool(false)
bool(false)
