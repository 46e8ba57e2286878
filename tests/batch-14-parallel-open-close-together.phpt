--TEST--
sendBatch() with 4 connections: the extra connections open together (the next one is connected before the one before it has had its EHLO answered) and close together (every QUIT is written before any QUIT is answered), as the server saw it; every message sent once
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/concurrent.inc';

$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m $i")->text("body $i\n");

foreach (['DATA' => false, 'BDAT' => true] as $via => $chunking) {
    // every reply held 50 ms, the reply to QUIT 300 ms more: one connection after another, the setup
    // would answer each EHLO before the next connection is made, and the closing would read each 221
    // before writing the next QUIT
    $srv = concurrent_start(['chunking' => $chunking, 'reply_delay_ms' => 50, 'quit_delay_ms' => 300]);
    $smtp = concurrent_client($srv);
    $results = $smtp->sendBatch(array_map($msg, range(1, 40)), ['connections' => 4]);
    $smtp->quit();
    $t = concurrent_wait($srv);

    $at = [];
    foreach ($t['events'] as $n => $e) {
        $at[$e['ev']][$e['conn']] ??= $n; // the first of each kind on each connection
    }
    $ok = count(array_filter($results, fn($r) => $r instanceof Smtp\Result));
    $subjects = array_count_values(array_map(fn($m) => $m['subject'], $t['messages']));
    echo "$via: $ok of 40 sent, ", count($subjects), " distinct messages received, duplicates: ",
        count(array_filter($subjects, fn($c) => $c > 1)), ", connections: {$t['conns']}\n";
    // opening: connection k + 1 accepted before connection k's EHLO arrived (k = 2, 3: the extra ones)
    foreach ([2, 3] as $k) {
        echo "  connection ", $k + 1, " made before connection $k's EHLO: ",
            json_encode(isset($at['accept'][$k + 1], $at['ehlo'][$k]) && $at['accept'][$k + 1] < $at['ehlo'][$k]), "\n";
    }
    // closing: the extra connections' QUITs all arrived before the first 221 went out
    $quits = array_map(fn($k) => $at['quit'][$k] ?? PHP_INT_MAX, [2, 3, 4]);
    $byes = array_map(fn($k) => $at['bye'][$k] ?? -1, [2, 3, 4]);
    echo "  QUIT on connections 2-4: ", count(array_filter($quits, fn($q) => $q !== PHP_INT_MAX)),
        ", all written before the first 221: ", json_encode(max($quits) < min($byes)), "\n";
    echo "  the object's own connection QUIT by quit() at the end: ", json_encode(isset($at['bye'][1]) && $at['bye'][1] > max($byes)), "\n";
}
?>
--EXPECT--
DATA: 40 of 40 sent, 40 distinct messages received, duplicates: 0, connections: 4
  connection 3 made before connection 2's EHLO: true
  connection 4 made before connection 3's EHLO: true
  QUIT on connections 2-4: 3, all written before the first 221: true
  the object's own connection QUIT by quit() at the end: true
BDAT: 40 of 40 sent, 40 distinct messages received, duplicates: 0, connections: 4
  connection 3 made before connection 2's EHLO: true
  connection 4 made before connection 3's EHLO: true
  QUIT on connections 2-4: 3, all written before the first 221: true
  the object's own connection QUIT by quit() at the end: true
