--TEST--
quit() closes the session; the object reconnects lazily on the next send; several messages on one session
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_start(['conns' => [[['auto' => []]], [['auto' => ['queue_id' => 'SECOND']]]]]);
$smtp = fake_client($srv);
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$r1 = $smtp->send($msg);
$r2 = $smtp->send($msg);
var_dump($smtp->isConnected());
$smtp->quit();
var_dump($smtp->isConnected());
$r3 = $smtp->send($msg);
var_dump($smtp->isConnected());
$smtp->quit();
$smtp = null;
$t = fake_wait($srv);
var_dump($r1->queueId, $r2->queueId, $r3->queueId);
var_dump(count($t['conns']), count($t['messages']));
// (RSET/NOOP between transactions are allowed)
$verbs = array_map(fn($l) => strtok($l, ' :'), fake_lines($t));
echo implode(' ', array_filter($verbs, fn($v) => $v !== 'RSET' && $v !== 'NOOP')), "\n";
?>
--EXPECT--
bool(true)
bool(false)
bool(true)
string(6) "ABC123"
string(8) "ABC123N2"
string(6) "SECOND"
int(2)
int(3)
EHLO MAIL RCPT DATA MAIL RCPT DATA QUIT EHLO MAIL RCPT DATA QUIT
