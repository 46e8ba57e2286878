--TEST--
noop() and reset() send NOOP and RSET and check the reply
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->connect();
$smtp->noop();
var_dump($smtp->isConnected());
$smtp->reset();
var_dump(str_starts_with((string)$smtp->getLastReply(), '250'));
fake_done($smtp);
$t = fake_wait($srv);
echo implode(' ', fake_lines($t)), "\n";

$srv = fake_auto(['reply' => ['NOOP' => "500 5.5.1 no NOOP here\r\n", 'RSET' => "421 4.3.0 going down\r\n"]]);
$smtp = fake_client($srv);
$smtp->connect();
$e = fake_catch(fn() => $smtp->noop());
var_dump($e instanceof Smtp\ResponseException, $e->getCode());
$e = fake_catch(fn() => $smtp->reset());
var_dump($e instanceof Smtp\Exception, $e->getCode(), $e->isTransient(), $smtp->isConnected());
fake_done($smtp);
fake_wait($srv);
?>
--EXPECT--
bool(true)
bool(true)
EHLO client.example NOOP RSET QUIT
bool(true)
int(500)
bool(true)
int(421)
bool(true)
bool(false)
