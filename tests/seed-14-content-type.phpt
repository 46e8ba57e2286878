--TEST--
Seed bug: Content-Type: text/plain; charset=UTF-8 is one header (charset a parameter, not a line)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('ct')->text("héllo wörld\n"));
fake_done($smtp);
$t = fake_wait($srv);
$p = fake_parse($t['messages'][0]['data']);

$ct = fake_headers($p, 'Content-Type');
var_dump(count($ct));
var_dump((bool)preg_match('/^text\/plain\s*;\s*charset\s*=\s*"?utf-8"?\s*$/i', $ct[0]));
// No stray header line such as "charset = gb2312".
var_dump(fake_header($p, 'charset'));
var_dump((bool)preg_match('/^\s*charset/mi', $p['head']));
var_dump(rtrim(fake_body($p), "\r\n"));
var_dump(fake_wire_problems($t['messages'][0]['raw']));
?>
--EXPECT--
int(1)
bool(true)
NULL
bool(false)
string(13) "héllo wörld"
array(0) {
}
