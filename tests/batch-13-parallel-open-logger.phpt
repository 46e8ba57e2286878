--TEST--
sendBatch() with several connections: the ones that cannot be opened take no messages (the others send their share); when the object's own cannot be opened nothing is sent and it throws, as with one connection; a logger that throws on connection 2 stops every connection: Results (delivered) carry its exception, the others say why they were not sent
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/concurrent.inc';

$msg = fn(string $tag, int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")
    ->subject("$tag $i")->text("body $i\n");

echo "--- connections 2 and 3 refused (closed before the greeting)\n";
$srv = concurrent_start(['faults' => ['2' => ['do' => 'refuse'], '3' => ['do' => 'refuse']]]);
$smtp = concurrent_client($srv);
$results = $smtp->sendBatch(array_map(fn($i) => $msg('a', $i), range(0, 19)), ['connections' => 3]);
$smtp->quit();
$t = concurrent_wait($srv);
echo count(array_filter($results, fn($r) => $r instanceof Smtp\Result)), " of ", count($results), " sent, ",
    count($t['messages']), " delivered, all on connection ", implode(',', array_unique(array_column($t['messages'], 'conn'))),
    ", connections tried: ", $t['conns'], "\n";

echo "--- the object's own connection refused\n";
$srv = concurrent_start(['faults' => ['1' => ['do' => 'refuse']]]);
$smtp = concurrent_client($srv);
try {
    $smtp->sendBatch(array_map(fn($i) => $msg('b', $i), range(0, 9)), ['connections' => 3]);
    echo "no exception\n";
} catch (Smtp\ConnectionException $e) {
    echo get_class($e), ': ', preg_replace('/:\d+,/', ':PORT,', $e->getMessage()), "\n";
}
$smtp = null;
$t = concurrent_wait($srv);
echo 'delivered: ', count($t['messages']), ', connections: ', $t['conns'], "\n";

echo "--- the logger throws at connection 2's second MAIL FROM\n";
$srv = concurrent_start([]);
$mails = 0;
$smtp = concurrent_client($srv, ['logger' => function (string $line) use (&$mails) {
    if (str_starts_with($line, '[2] C: MAIL') && ++$mails === 2) {
        throw new RuntimeException('logger failed');
    }
}]);
$results = $smtp->sendBatch(array_map(fn($i) => $msg('c', $i), range(0, 19)), ['connections' => 2]);
$smtp->quit();
$t = concurrent_wait($srv);
$delivered = array_count_values(array_column($t['messages'], 'subject'));
$kinds = [];
$problems = [];
foreach ($results as $i => $r) {
    $got = $delivered["c $i"] ?? 0;
    if ($r instanceof Smtp\Result) {
        $kinds['Result with the logger exception'] = 1;
        if ($got !== 1 || $r->loggerException?->getMessage() !== 'logger failed') {
            $problems[] = "$i: Result, delivered $got times";
        }
    } elseif (str_starts_with($r->getMessage(), 'Not sent: the logger threw')) {
        $kinds['not sent, previous: the logger exception'] = 1;
        if ($got !== 0 || $r->getPrevious()?->getMessage() !== 'logger failed') {
            $problems[] = "$i: not sent, delivered $got times";
        }
    } elseif ($r instanceof Smtp\ConnectionException && str_starts_with($r->getMessage(), 'Not known to be sent')) {
        $kinds['not known'] = 1; // its end of data was written before the logger threw
    } else {
        $problems[] = "$i: " . get_class($r) . ': ' . $r->getMessage();
    }
}
ksort($kinds);
echo count($results), " results: ", implode('; ', array_keys($kinds)), "\n";
echo "delivered twice: ", count(array_filter($delivered, fn($n) => $n > 1)), "\n";
print_r($problems);
// the object is usable again
$srv = concurrent_start([]);
$smtp = concurrent_client($srv);
echo 'next batch: ', count(array_filter($smtp->sendBatch([$msg('d', 0), $msg('d', 1)], ['connections' => 2]),
    fn($r) => $r instanceof Smtp\Result)), " sent\n";
$smtp->quit();
concurrent_wait($srv);
?>
--EXPECTF--
--- connections 2 and 3 refused (closed before the greeting)
20 of 20 sent, 20 delivered, all on connection 1, connections tried: 3
--- the object's own connection refused
Smtp\ConnectionException: the server closed the connection: waiting for the reply (127.0.0.1:PORT, at the greeting)
delivered: 0, connections: 1
--- the logger throws at connection 2's second MAIL FROM
20 results: Result with the logger exception; not sent, previous: the logger exception%S
delivered twice: 0
Array
(
)
next batch: 2 sent
