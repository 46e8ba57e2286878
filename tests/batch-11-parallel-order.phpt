--TEST--
sendBatch() with "connections": the messages go over that many connections open at the same time, each result at its message's index (checked through the queue ids against what each connection received), over DATA and BDAT; the logger's lines of connection N start with [N]; "max_per_second" spaces the messages out
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/concurrent.inc';

$msg = fn(string $tag, int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")
    ->subject("$tag $i")->text("body $i\n");

foreach (['DATA' => false, 'BDAT' => true] as $via => $chunking) {
    foreach ([2, 4] as $n) {
        $srv = concurrent_start(['chunking' => $chunking]);
        $log = [];
        $smtp = concurrent_client($srv, ['logger' => function (string $line) use (&$log) { $log[] = $line; }]);
        $results = $smtp->sendBatch(array_map(fn($i) => $msg("$via$n", $i), range(0, 29)), ['connections' => $n]);
        $smtp->quit();
        $t = concurrent_wait($srv);
        // the Nth message connection C received has queue id CcMn
        $byId = [];
        $perConn = [];
        foreach ($t['messages'] as $m) {
            $perConn[$m['conn']] = ($perConn[$m['conn']] ?? 0) + 1;
            $byId['C' . $m['conn'] . 'M' . $perConn[$m['conn']]] = $m['subject'];
        }
        $inOrder = true;
        foreach ($results as $i => $r) {
            if (!$r instanceof Smtp\Result || ($byId[$r->queueId] ?? null) !== "$via$n $i") {
                $inOrder = false;
            }
        }
        $tags = [];
        foreach ($log as $line) {
            $tags[preg_match('/^\[(\d+)\] /', $line, $x) ? $x[1] : '1'] = true;
        }
        ksort($tags);
        echo "$via, $n connections: ", count($results), " results, in input order: ", $inOrder ? 'yes' : 'no',
            ", delivered ", count($t['messages']), ", connections ", $t['conns'], ", open at once ", $t['max_open'],
            ", logger tags ", implode(',', array_keys($tags)), "\n";
    }
}

echo "--- max_per_second\n";
foreach ([1, 2] as $n) {
    $srv = concurrent_start([]);
    $smtp = concurrent_client($srv);
    $t0 = microtime(true);
    $results = $smtp->sendBatch(array_map(fn($i) => $msg('rate', $i), range(0, 9)), ['connections' => $n, 'max_per_second' => 20]);
    $elapsed = microtime(true) - $t0;
    $smtp->quit();
    $t = concurrent_wait($srv);
    echo "$n connection(s), 10 messages at 20/s: ", count(array_filter($results, fn($r) => $r instanceof Smtp\Result)),
        " sent, at least 0.45 s: ", $elapsed >= 0.45 ? 'yes' : sprintf('no (%.3f s)', $elapsed), "\n";
}
?>
--EXPECT--
DATA, 2 connections: 30 results, in input order: yes, delivered 30, connections 2, open at once 2, logger tags 1,2
DATA, 4 connections: 30 results, in input order: yes, delivered 30, connections 4, open at once 4, logger tags 1,2,3,4
BDAT, 2 connections: 30 results, in input order: yes, delivered 30, connections 2, open at once 2, logger tags 1,2
BDAT, 4 connections: 30 results, in input order: yes, delivered 30, connections 4, open at once 4, logger tags 1,2,3,4
--- max_per_second
1 connection(s), 10 messages at 20/s: 10 sent, at least 0.45 s: yes
2 connection(s), 10 messages at 20/s: 10 sent, at least 0.45 s: yes
