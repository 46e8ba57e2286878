--TEST--
Real Exim (20 messages a connection): sendBatch() of 100 messages over 3 connections at once, over BDAT and over DATA: the connections reopened at its limit (3 of them at least), every message delivered exactly once (by Subject)
--SKIPIF--
<?php
require __DIR__ . '/exim/exim.inc';
exim_skipif();
if (getenv('USE_ZEND_ALLOC') === '0') die('skip too slow under valgrind (see ex-02)');
?>
--FILE--
<?php
require __DIR__ . '/exim/exim.inc';

// a tag of this run in every Subject: a message of an earlier run delivered late is not counted
$run = bin2hex(random_bytes(4));
foreach (['BDAT' => true, 'DATA' => false] as $via => $chunking) {
    $mark = exim_mark();
    $smtp = exim_client(['chunking' => $chunking]);
    $items = [];
    for ($i = 0; $i < 100; $i++) {
        $items[] = (new Smtp\Message)->from('a@example.com')->to("r$i@example.com")
            ->subject("parallel $via $run.$i")->text("message $i\n");
    }
    $results = $smtp->sendBatch($items, ['connections' => 3]);
    $smtp->quit();
    $sent = 0;
    $other = [];
    foreach ($results as $i => $r) {
        if ($r instanceof Smtp\Result) {
            $sent++;
        } else {
            $other[] = "$i: " . get_class($r) . ': ' . $r->getMessage();
        }
    }
    $got = exim_delivered(100, 15);
    $subjects = [];
    foreach ($got as $k => $m) {
        preg_match('/^Subject: (.*)$/m', $m, $x);
        if (str_starts_with(trim($x[1] ?? '?'), "parallel $via $run.")) {
            $subjects[] = trim($x[1]);
        } else {
            unset($got[$k]);    // an earlier run's, delivered late
        }
    }
    $counts = array_count_values($subjects);
    $once = 0;
    for ($i = 0; $i < 100; $i++) {
        $once += ($counts["parallel $via $run.$i"] ?? 0) === 1 ? 1 : 0;
    }
    echo "$via: results ", count($results), ", sent $sent, delivered ", count($got), ", each exactly once: $once\n";
    echo "$via: connections Exim closed at its limit: ",
        substr_count(exim_log_since($mark), 'too many messages in one connection') >= 3 ? '3 or more' : 'fewer', "\n";
    print_r($other);
}
?>
--EXPECT--
BDAT: results 100, sent 100, delivered 100, each exactly once: 100
BDAT: connections Exim closed at its limit: 3 or more
Array
(
)
DATA: results 100, sent 100, delivered 100, each exactly once: 100
DATA: connections Exim closed at its limit: 3 or more
Array
(
)
