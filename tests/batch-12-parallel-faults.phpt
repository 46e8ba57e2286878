--TEST--
sendBatch() over 3 connections at once, one of them dropped after its 2nd message's end of data, another answering 421 to its 2nd message: the others go on; the messages in flight on the dropped one are "not known to be sent" (never resent), the ones the 421 refused and the ones never started go out on the other or reopened connections; nothing delivered twice, every Result delivered
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/concurrent.inc';

$msg = fn(string $tag, int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")
    ->subject("$tag $i")->text("body $i\n");

foreach (['DATA' => false, 'BDAT' => true] as $via => $chunking) {
    // replies take 20 ms, so that every connection is open before the batch is over (a connection that
    // opens while the others send would otherwise find nothing left on loopback) and reaches its fault
    $srv = concurrent_start(['chunking' => $chunking, 'reply_delay_ms' => 20,
        'faults' => ['2' => ['at' => 3, 'do' => 'drop'], '3' => ['at' => 2, 'do' => '421']]]);
    $smtp = concurrent_client($srv);
    $results = $smtp->sendBatch(array_map(fn($i) => $msg($via, $i), range(0, 39)), ['connections' => 3]);
    $smtp->quit();
    $t = concurrent_wait($srv);
    $delivered = array_count_values(array_map(fn($m) => $m['subject'], $t['messages']));
    $sent = $unknown = 0;
    $problems = [];
    foreach ($results as $i => $r) {
        if ($r instanceof Smtp\Result) {
            $sent++;
            if (($delivered["$via $i"] ?? 0) !== 1) {
                $problems[] = "$i reported sent, delivered " . ($delivered["$via $i"] ?? 0) . ' times';
            }
        } elseif ($r instanceof Smtp\ConnectionException && $r->isTransient()
            && preg_match('/not known (whether|to be sent)/i', $r->getMessage())) {
            $unknown++;
            if (isset($delivered["$via $i"])) {
                $problems[] = "$i not known to be sent, and delivered"; // the fake server hung up before taking it
            }
        } else {
            $problems[] = "$i: " . get_class($r) . ': ' . $r->getMessage();
        }
    }
    echo "$via: ", count($results), " results, sent + not known = ", $sent + $unknown,
        ", not known: ", $via === 'DATA' ? $unknown : ($unknown >= 1 ? '1 or more' : 'none'),
        ", duplicates: ", count(array_filter($delivered, fn($n) => $n > 1)),
        ", delivered = sent: ", count($t['messages']) === $sent ? 'yes' : 'no',
        ", connections: ", $t['conns'] >= 4 ? '4 or more' : $t['conns'], "\n";
    print_r($problems);
}
?>
--EXPECT--
DATA: 40 results, sent + not known = 40, not known: 1, duplicates: 0, delivered = sent: yes, connections: 4 or more
Array
(
)
BDAT: 40 results, sent + not known = 40, not known: 1 or more, duplicates: 0, delivered = sent: yes, connections: 4 or more
Array
(
)
