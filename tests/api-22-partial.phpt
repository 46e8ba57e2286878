--TEST--
partial option: false (default) delivers nothing when a recipient is rejected; true delivers to the accepted ones
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$rcpts = ['good1@example.com', 'bad@example.com', 'good2@example.com'];
$reject = ['reply' => ['RCPT' => ['bad@' => "550 5.1.1 no such user\r\n"]]];
$msg = (new Smtp\Message)->from('a@example.com')->subject('s')->text('t');

echo "-- partial => false (default)\n";
foreach ([[], ['PIPELINING', 'ENHANCEDSTATUSCODES']] as $ehlo) {
    $srv = fake_auto($reject + ($ehlo ? ['ehlo' => $ehlo] : []));
    $smtp = fake_client($srv);
    $e = fake_catch(fn() => $smtp->send($msg, null, $rcpts));
    var_dump($e instanceof Smtp\RecipientException, $e->getCode(), array_keys($e->getRejected()));
    fake_done($smtp);
    $t = fake_wait($srv);
    var_dump(count(array_filter($t['messages'], fn($m) => $m['accepted'])));
}

echo "-- partial => true\n";
$srv = fake_auto($reject);
$smtp = fake_client($srv, ['partial' => true]);
$r = $smtp->send($msg, null, $rcpts);
var_dump($r->queueId, $r->accepted, array_keys($r->rejected), str_starts_with($r->rejected['bad@example.com'], '550'));
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count($t['messages']), $t['messages'][0]['rcpt']);

echo "-- partial => true, every recipient rejected\n";
$srv = fake_auto(['reply' => ['RCPT' => "550 5.1.1 no such user\r\n"]]);
$smtp = fake_client($srv, ['partial' => true]);
$e = fake_catch(fn() => $smtp->send($msg, null, ['x@example.com', 'y@example.com']));
var_dump($e instanceof Smtp\RecipientException, array_keys($e->getRejected()));
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count(array_filter($t['messages'], fn($m) => $m['accepted'])));
?>
--EXPECT--
-- partial => false (default)
bool(true)
int(550)
array(1) {
  [0]=>
  string(15) "bad@example.com"
}
int(0)
bool(true)
int(550)
array(1) {
  [0]=>
  string(15) "bad@example.com"
}
int(0)
-- partial => true
string(6) "ABC123"
array(2) {
  [0]=>
  string(17) "good1@example.com"
  [1]=>
  string(17) "good2@example.com"
}
array(1) {
  [0]=>
  string(15) "bad@example.com"
}
bool(true)
int(1)
array(2) {
  [0]=>
  string(17) "good1@example.com"
  [1]=>
  string(17) "good2@example.com"
}
-- partial => true, every recipient rejected
bool(true)
array(2) {
  [0]=>
  string(13) "x@example.com"
  [1]=>
  string(13) "y@example.com"
}
int(0)
