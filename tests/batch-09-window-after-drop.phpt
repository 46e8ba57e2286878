--TEST--
sendBatch() over CHUNKING: after a connection dropped with messages in flight (their outcome unknown), the next connections start with one message in flight and the window grows back slowly, so that another drop leaves few messages unknown; carried over to the next sendBatch() call
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");
$ehlo = ['PIPELINING', 'CHUNKING'];
// the first connection drops right after the third BDAT LAST (the server may have that message)
$srv = fake_start(['conns' => [
    [['auto' => ['ehlo' => $ehlo, 'reply' => ['DOT' => ['#3' => 'close']]]]],
    [['auto' => ['ehlo' => $ehlo, 'queue_id' => 'SECOND']]],
]]);
$log = [];
$smtp = fake_client($srv, ['logger' => function (string $l) use (&$log) { $log[] = $l; }]);

/** The most BDAT LAST commands written on one connection before the reply to the oldest of them. */
function most_in_flight(array $log): array
{
    $conn = 0;
    $most = [];
    $inFlight = 0;
    foreach ($log as $l) {
        if (str_starts_with($l, 'S: 220')) {
            $conn++;
            $inFlight = 0;
            $most[$conn] = 0;
        } elseif (str_starts_with($l, 'C: BDAT') && str_contains($l, 'LAST')) {
            $inFlight++;
            $most[$conn] = max($most[$conn], $inFlight);
        } elseif (preg_match('/^S: 250 .*queued as/', $l)) {
            $inFlight--;
        }
    }
    return $most;
}

$results = $smtp->sendBatch(array_map($msg, range(0, 11)));
$kinds = array_map(fn($r) => $r instanceof Smtp\Result ? 'sent' : (str_starts_with($r->getMessage(), 'Not known') ? 'unknown' : 'other'), $results);
echo 'first call: ', json_encode(array_count_values($kinds)), "\n";
echo 'most in flight per connection: ', json_encode(most_in_flight($log)), "\n";
$log = [];
$results = $smtp->sendBatch(array_map($msg, range(12, 19)));
echo 'second call: ', count(array_filter($results, fn($r) => $r instanceof Smtp\Result)), ' sent, most in flight: ',
    max(most_in_flight(array_merge(['S: 220 (the connection kept)'], $log))), "\n";
fake_done($smtp);
$t = fake_wait($srv);
$got = array_map(fn($m) => $m['rcpt'][0], array_filter($t['messages'], fn($m) => $m['accepted']));
echo 'accepted: ', count($got), ', twice: ', count($got) - count(array_unique($got)), "\n";
print_r($t['errors']);
?>
--EXPECT--
first call: {"sent":2,"other":1,"unknown":9}
most in flight per connection: {"1":12}
second call: 8 sent, most in flight: 1
accepted: 10, twice: 0
Array
(
)
