--TEST--
sendBatch(): the connection lost mid-batch -> messages under way get a transient ConnectionException (never reported sent), the batch reconnects and sends the messages not yet started; a connection that gets no message through ends it
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function runs(array $results): string
{
    $out = [];
    $prev = null;
    foreach ($results as $i => $r) {
        $d = $r instanceof Smtp\Result ? 'Result' : fake_describe($r);
        if ($prev !== null && $prev[1] === $d) {
            $out[count($out) - 1][2] = $i;
        } else {
            $out[] = [$i, $d, $i];
        }
        $prev = [$i, $d];
    }
    return implode("\n", array_map(fn($o) => ($o[0] === $o[2] ? "$o[0]" : "$o[0]-$o[2]") . " $o[1]", $out)) . "\n";
}

$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");

// The window is 32 transactions and slides: each one answered lets the next one start. The server answers
// the first 4, reads the 32 others the client has sent by then, and closes (after reading everything, so
// the client sees a clean end of stream).
echo "--- pipelined: 40 messages, the server answers 4, reads 32 more and closes\n";
$ok = [['expect' => 'MAIL FROM', 'reply' => "250 2.1.0 Ok\r\n"], ['expect' => 'RCPT TO', 'reply' => "250 2.1.5 Ok\r\n"],
    ['read_bdat' => true, 'reply' => "250 2.0.0 Ok: queued as FIRST\r\n"]];
$silent = [['expect' => 'MAIL FROM'], ['expect' => 'RCPT TO'], ['read_bdat' => true]];
// every transaction behind one still in flight starts with RSET (all but the first)
$rset = [['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"]];
$rsetSilent = [['expect' => 'RSET']];
$srv = fake_start(['conns' => [
    [['send' => "220 fake.example ESMTP\r\n"],
     ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n"],
     ...$ok,
     ['repeat' => 3, 'steps' => array_merge($rset, $ok)],
     ['repeat' => 32, 'steps' => array_merge($rsetSilent, $silent)],
     ['close' => true]],
    [['auto' => ['ehlo' => ['PIPELINING', 'CHUNKING'], 'queue_id' => 'SECOND']]],
]]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch(array_map($msg, range(0, 39)));
fake_done($smtp);
echo runs($results);
echo $results[10]->getMessage(), "\n";
$t = fake_wait($srv);
echo 'second connection got: ', implode(' ', array_map(fn($m) => $m['rcpt'][0], $t['messages'])), "\n";
print_r($t['errors']);

echo "--- one transaction at a time: the server closes at the second MAIL, then at the first\n";
$drop = ['ehlo' => ['8BITMIME'], 'reply' => ['MAIL' => ['#2' => 'close']]];
$dropFirst = ['ehlo' => ['8BITMIME'], 'reply' => ['MAIL' => ['#1' => 'close']]];
$srv = fake_start(['conns' => [[['auto' => $drop]], [['auto' => $drop + ['queue_id' => 'SECOND']]],
    [['auto' => $dropFirst]], [['auto' => ['queue_id' => 'THIRD']]]]]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch(array_map($msg, range(0, 5)));
echo runs($results);
echo '1: ', $results[1]->getMessage(), "\n";
echo '3: ', $results[3]->getMessage(), "\n";
echo '4: ', $results[4]->getMessage(), "\n";
echo '5: ', $results[5]->getMessage(), "\n";
var_dump($results[5] instanceof Smtp\ConnectionException, $results[3]->isTransient(), $results[5]->isTransient());
echo 'queue ids: ', $results[0]->queueId, ' ', $results[2]->queueId, "\n";
// the object goes on: a new connection for the next send
echo 'next send: ', $smtp->send($msg(6))->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo 'delivered: ', implode(' ', array_map(fn($m) => $m['rcpt'][0], $t['messages'])), "\n";
echo 'connections: ', count($t['conns']), "\n";
print_r($t['errors']);
?>
--EXPECTF--
--- pipelined: 40 messages, the server answers 4, reads 32 more and closes
0-3 Result
4-35 Smtp\ConnectionException code=0 transient=yes enhanced=NULL
36-39 Result
Not known to be sent: the connection was lost before the server answered for this message (%s)
second connection got: r36@example.net r37@example.net r38@example.net r39@example.net
Array
(
)
--- one transaction at a time: the server closes at the second MAIL, then at the first
0 Result
1 Smtp\ConnectionException code=0 transient=yes enhanced=NULL
2 Result
3-5 Smtp\ConnectionException code=0 transient=yes enhanced=NULL
1: the server closed the connection%s
3: the server closed the connection%s
4: the server closed the connection%s
5: Not sent: the connection was lost during the batch (%s), and again on the new connection before any message went through
bool(true)
bool(true)
bool(true)
queue ids: ABC123 SECOND
next send: THIRD
delivered: r0@example.net r2@example.net r6@example.net
connections: 4
Array
(
)
