--TEST--
persistent: two Smtp objects with the same settings use one connection (RSET before reuse, no new greeting or EHLO); quit() closes it for good; sendBatch() on a kept connection
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_start(['conns' => [[['auto' => []]], [['auto' => ['queue_id' => 'SECOND']]]]]);
$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");
$log = [];
$client = function (string $name) use ($srv, &$log) {
    return fake_client($srv, ['persistent' => true, 'logger' => function ($l) use ($name, &$log) { $log[] = "$name $l"; }]);
};

// "across requests" within one script: the object goes away, the connection stays
$a = $client('a');
echo 'a: ', $a->send($msg(1))->queueId, "\n";
unset($a);
echo 'after a: ', implode(' | ', array_slice($log, -1)), "\n";

$b = $client('b');
var_dump($b->isConnected());                 // lazily: nothing is taken before the first operation
echo 'b: ', $b->send($msg(2))->queueId, "\n";
var_dump($b->isConnected(), isset($b->getCapabilities()['PIPELINING']));
echo 'b saw: ', implode(' | ', array_filter($log, fn($l) => str_starts_with($l, 'b ') && !str_contains($l, 'body'))), "\n";
unset($b);

$c = $client('c');
$results = $c->sendBatch([$msg(3), $msg(4)]);
echo 'c: ', implode(' ', array_map(fn($r) => $r->queueId, $results)), "\n";
$c->quit();                                  // QUIT: the kept connection is gone
unset($c);

$d = $client('d');
echo 'd: ', $d->send($msg(5))->queueId, "\n";  // a new connection
$d->quit();
unset($d);

$t = fake_wait($srv);
echo 'connections: ', count($t['conns']), "\n";
foreach ($t['conns'] as $n => $raw) {
    preg_match_all('/^([A-Z]+)/m', preg_replace('/^BDAT.*$/m', 'BDAT', $raw), $m);
    echo "$n: ", implode(' ', array_filter($m[1], fn($v) => in_array($v, ['EHLO', 'HELO', 'MAIL', 'RSET', 'QUIT', 'NOOP'], true))), "\n";
}
print_r($t['errors']);
?>
--EXPECTF--
a: ABC123
after a: a S: 250 2.0.0 Ok: queued as ABC123
bool(false)
b: ABC123N2
bool(true)
bool(true)
b saw: b C: RSET | b S: 250 2.0.0 Ok | b C: MAIL FROM:<me@example.com> SIZE=%d | b C: RCPT TO:<r2@example.net> | b C: DATA | b S: 250 2.1.0 Ok | b S: 250 2.1.5 Ok | b S: 354 End data with <CR><LF>.<CR><LF> | b C: . | b S: 250 2.0.0 Ok: queued as ABC123N2
c: ABC123N3 ABC123N4
d: SECOND
connections: 2
1: EHLO MAIL RSET MAIL RSET MAIL MAIL QUIT
2: EHLO MAIL QUIT
Array
(
)
