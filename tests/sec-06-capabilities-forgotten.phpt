--TEST--
Security 6: capabilities learned before STARTTLS are forgotten (SIZE, CHUNKING, 8BITMIME, AUTH, PIPELINING)
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$srv = fake_auto([
    'starttls' => true,
    // Before TLS (possibly forged by an attacker): a tiny SIZE, CHUNKING, AUTH...
    'ehlo' => ['PIPELINING', 'SIZE 100', 'CHUNKING', '8BITMIME', 'SMTPUTF8', 'DSN', 'AUTH PLAIN', 'X-PRE-TLS'],
    // ...after TLS only these.
    'ehlo_tls' => ['ENHANCEDSTATUSCODES', 'X-POST-TLS'],
], ['tls' => $cert]);
$smtp = fake_client($srv, ['tls' => Smtp::TLS_STARTTLS,
    'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]]);
$smtp->connect();
$caps = array_keys($smtp->getCapabilities());
sort($caps);
echo implode(' ', $caps), "\n";
// 500 bytes: over the stale SIZE 100, fine for the post-TLS session.
$r = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text(str_repeat("0123456789\n", 50)));
var_dump($r->queueId);
fake_done($smtp);
$t = fake_wait($srv);
$mail = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL')));
var_dump($mail);   // no SIZE=, BODY=, SMTPUTF8, RET=, ENVID=
var_dump($t['messages'][0]['via'], $t['messages'][0]['tls'], fake_sent_command($t, 'AUTH'));
?>
--EXPECT--
ENHANCEDSTATUSCODES X-POST-TLS
string(6) "ABC123"
array(1) {
  [0]=>
  string(25) "MAIL FROM:<a@example.com>"
}
string(4) "DATA"
bool(true)
bool(false)
