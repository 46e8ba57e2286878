--TEST--
CHUNKING advertised: the message goes with BDAT (no dot-stuffing); chunking => false uses DATA
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$text = ".leading dot\n..two\n.\nend\n";
$ehlo = ['PIPELINING', 'CHUNKING', 'ENHANCEDSTATUSCODES', '8BITMIME'];
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('bdat')->text($text);

$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
$r = $smtp->send($msg);
var_dump($r->queueId);
fake_done($smtp);
$t = fake_wait($srv);
$m = $t['messages'][0];
var_dump($m['via'], fake_sent_command($t, 'DATA'));
var_dump(fake_body(fake_parse($m['data'])) === str_replace("\n", "\r\n", $text));
var_dump(fake_wire_problems($m['data']));
// Last BDAT carries LAST.
$bdat = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'BDAT ')));
var_dump(count($bdat) >= 1, (bool)preg_match('/^BDAT \d+ LAST$/', end($bdat)));

$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv, ['chunking' => false]);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['messages'][0]['via'], fake_sent_command($t, 'BDAT'));
var_dump(fake_body(fake_parse($t['messages'][0]['data'])) === str_replace("\n", "\r\n", $text));

// A rejection of the final chunk is reported like a rejection after the final dot.
$srv = fake_auto(['ehlo' => $ehlo, 'reply' => ['DOT' => "554 5.7.1 rejected\r\n"]]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send($msg));
var_dump($e instanceof Smtp\ResponseException, $e->getCode());
fake_done($smtp);
fake_wait($srv);
?>
--EXPECT--
string(6) "ABC123"
string(4) "BDAT"
bool(false)
bool(true)
array(0) {
}
bool(true)
bool(true)
string(4) "DATA"
bool(false)
bool(true)
bool(true)
int(554)
