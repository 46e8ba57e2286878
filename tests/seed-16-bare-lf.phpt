--TEST--
Seed bug: bare LF (and bare CR) in a text body become CRLF on the wire
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('lf')
    ->text("line1\nline2\r\nline3\rline4\n\nline6"));
fake_done($smtp);
$t = fake_wait($srv);
$msg = $t['messages'][0];
var_dump(fake_wire_problems($msg['raw']));
echo json_encode(fake_body(fake_parse($msg['data']))), "\n";
?>
--EXPECT--
array(0) {
}
"line1\r\nline2\r\nline3\r\nline4\r\n\r\nline6\r\n"
