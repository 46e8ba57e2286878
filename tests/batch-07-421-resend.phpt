--TEST--
sendBatch() after a 421: the message it answered and every one behind it are known not accepted, so they go once more on a new connection (nothing twice, nothing lost), as many connections as it takes while each gets messages through
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function show(array $results, array $t): void
{
    foreach ($results as $i => $r) {
        echo "  $i ", $r instanceof Smtp\Result ? 'Result ' . $r->queueId : fake_describe($r) . ': ' . $r->getMessage(), "\n";
    }
    $got = array_map(fn($m) => $m['conn'] . ':' . $m['rcpt'][0], $t['messages']);
    echo '  delivered: ', implode(' ', $got), "\n";
    echo '  twice: ', count($got) - count(array_unique(array_map(fn($m) => $m['rcpt'][0], $t['messages']))), "\n";
    print_r($t['errors']);
}

$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");

echo "--- pipelined BDAT: a server that takes 2 messages per connection answers the third MAIL with 421\n";
$ok = fn(string $id) => [['expect' => 'MAIL FROM', 'reply' => "250 2.1.0 Ok\r\n"], ['expect' => 'RCPT TO', 'reply' => "250 2.1.5 Ok\r\n"],
    ['read_bdat' => true, 'reply' => "250 2.0.0 Ok: queued as $id\r\n"]];
$silent = [['expect' => 'RSET'], ['expect' => 'MAIL FROM'], ['expect' => 'RCPT TO'], ['read_bdat' => true]];
$srv = fake_start(['conns' => [
    [['send' => "220 fake.example ESMTP\r\n"],
     ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n"],
     ...$ok('ONE'), ['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"], ...$ok('TWO'),
     // everything else was written before any reply was read: read it all, then answer RSET and the MAIL
     ['repeat' => 4, 'steps' => $silent],
     ['send' => "250 2.0.0 Ok\r\n421 4.7.0 fake.example: too many messages on this connection\r\n"],
     ['expect_close' => true]],
    [['auto' => ['ehlo' => ['PIPELINING', 'CHUNKING'], 'queue_id' => 'SECOND']]],
]]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch(array_map($msg, range(0, 5)));
fake_done($smtp);
show($results, fake_wait($srv));

echo "--- one transaction at a time: 421 to the third MAIL of each connection\n";
$limit = ['ehlo' => ['8BITMIME'], 'reply' => ['MAIL' => ['#3' => "421 4.7.0 too many messages\r\n"]]];
$srv = fake_start(['conns' => [[['auto' => $limit]], [['auto' => $limit + ['queue_id' => 'SECOND']]],
    [['auto' => $limit + ['queue_id' => 'THIRD']]]]]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch(array_map($msg, range(0, 5)));
fake_done($smtp);
show($results, fake_wait($srv));
?>
--EXPECTF--
--- pipelined BDAT: a server that takes 2 messages per connection answers the third MAIL with 421
  0 Result ONE
  1 Result TWO
  2 Result SECOND
  3 Result SECONDN2
  4 Result SECONDN3
  5 Result SECONDN4
  delivered: 2:r2@example.net 2:r3@example.net 2:r4@example.net 2:r5@example.net
  twice: 0
Array
(
)
--- one transaction at a time: 421 to the third MAIL of each connection
  0 Result ABC123
  1 Result ABC123N2
  2 Result SECOND
  3 Result SECONDN2
  4 Result THIRD
  5 Result THIRDN2
  delivered: 1:r0@example.net 1:r1@example.net 2:r2@example.net 2:r3@example.net 3:r4@example.net 3:r5@example.net
  twice: 0
Array
(
)
