--TEST--
Seed bug: body lines starting with "." are dot-stuffed on the wire (DATA), and decode back
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$text = ".hidden\n..two dots\n.\nmiddle\n.\n";
$srv = fake_auto();   // no CHUNKING advertised: DATA is used
$smtp = fake_client($srv);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('dots')->text($text));
fake_done($smtp);
$t = fake_wait($srv);

var_dump(count($t['messages']));
$msg = $t['messages'][0];
var_dump($msg['via']);
// On the wire: no line is a lone "." before the terminator, and the body came through intact.
$wireLines = explode("\r\n", $msg['raw']);
var_dump(in_array('.', $wireLines, true));
$p = fake_parse($msg['data']);
var_dump(fake_body($p) === str_replace("\n", "\r\n", $text));
var_dump(fake_lines($t)[count(fake_lines($t)) - 1]);
?>
--EXPECT--
int(1)
string(4) "DATA"
bool(false)
bool(true)
string(4) "QUIT"
