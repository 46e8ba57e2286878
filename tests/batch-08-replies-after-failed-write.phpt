--TEST--
sendBatch(): a server that answers, says 421 and closes with our pipelined commands unread resets the connection, so the next write fails; the replies it sent before are read first: the messages it accepted are Results (not "not known"), the rest go once more on a new connection
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$body = str_repeat("a line of the body, long enough to fill the server's buffer quickly\n", 16);
$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text($body);
$ok = fn(string $id) => [['expect' => 'MAIL FROM', 'reply' => "250 2.1.0 Ok\r\n"], ['expect' => 'RCPT TO', 'reply' => "250 2.1.5 Ok\r\n"],
    ['read_bdat' => true, 'reply' => "250 2.0.0 Ok: queued as $id\r\n"]];

$first = [...$ok('ONE'), ['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"], ...$ok('TWO'),
    ['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"]];
$srv = fake_start(['conns' => [
    [['send' => "220 fake.example ESMTP\r\n"],
     ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n"],
     ...$first,
     // the limit: 421 to the next MAIL, and a close with everything else unread (a reset)
     ['expect' => 'MAIL FROM', 'reply' => "421 4.7.0 fake.example: too many messages in this connection\r\n"],
     ['close' => true]],
    [['auto' => ['ehlo' => ['PIPELINING', 'CHUNKING'], 'queue_id' => 'SECOND']]],
]]);
// the client reads the first reply, then is held up long enough for the reset to arrive before it
// writes again (what a loaded machine does by chance)
$smtp = fake_client($srv, ['logger' => function (string $line): void {
    if (str_contains($line, 'queued as ONE')) {
        usleep(300000);
    }
}]);
$results = $smtp->sendBatch(array_map($msg, range(0, 39)));
fake_done($smtp);
$t = fake_wait($srv);
$shown = [];
foreach ($results as $i => $r) {
    $shown[] = $r instanceof Smtp\Result ? $r->queueId : get_class($r) . ': ' . $r->getMessage();
}
$counts = array_count_values(array_map(fn($s) => preg_replace('/N\d+$/', 'N', $s), $shown));
ksort($counts);
print_r($counts);
$got = array_map(fn($m) => $m['rcpt'][0], $t['messages']);
echo 'delivered on the second connection: ', count($got), ', twice: ', count($got) - count(array_unique($got)), "\n";
echo 'first two: ', $shown[0], ' ', $shown[1], "\n";
print_r($t['errors']);
?>
--EXPECT--
Array
(
    [ONE] => 1
    [SECOND] => 1
    [SECONDN] => 37
    [TWO] => 1
)
delivered on the second connection: 38, twice: 0
first two: ONE TWO
Array
(
)
