--TEST--
Real Exim: a batch of 50 over CHUNKING to a server that takes 20 messages a connection; each message is delivered exactly once
--SKIPIF--
<?php
require __DIR__ . '/exim/exim.inc';
exim_skipif();
// Exim closes after its 421 with our pipelined commands unread, so its kernel resets the connection;
// the client reads the replies that came before the reset even when a write fails first. Skipped
// under valgrind: it is about the real server's timing, which valgrind's slowness changes.
if (getenv('USE_ZEND_ALLOC') === '0') die('skip too slow under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/exim/exim.inc';
$env = exim_env();

// a tag of this run in every Subject: a message of an earlier run delivered late is not counted
$run = bin2hex(random_bytes(4));
foreach (['BDAT' => true, 'DATA' => false] as $via => $chunking) {
    $mark = exim_mark();
    $smtp = exim_client(['chunking' => $chunking]);
    $items = [];
    for ($i = 0; $i < 50; $i++) {
        $items[] = (new Smtp\Message)->from('a@example.com')->to("r$i@example.com")
            ->subject("batch $via $run.$i")->text("message $i\n");
    }
    $results = $smtp->sendBatch($items);
    $sent = $unknown = $other = 0;
    $sentSubjects = [];
    foreach ($results as $i => $r) {
        if ($r instanceof Smtp\Result) {
            $sent++;
            $sentSubjects[] = "batch $via $run.$i";
        } elseif ($r instanceof Smtp\Exception && $r->isTransient()) {
            $unknown++;     // not known to be sent: the caller must not assume either way
        } else {
            $other++;
        }
    }
    $smtp->quit();
    $got = exim_delivered($sent, 15);
    $subjects = [];
    foreach ($got as $k => $m) {
        preg_match('/^Subject: (.*)$/m', $m, $x);
        if (str_starts_with(trim($x[1] ?? '?'), "batch $via $run.")) {
            $subjects[] = trim($x[1]);
        } else {
            unset($got[$k]);    // an earlier run's, delivered late
        }
    }
    $counts = array_count_values($subjects);
    echo "$via: results ", count($results), ", sent $sent, unknown $unknown, other $other\n";
    echo "$via: delivered ", count($got), ", duplicates ", count(array_filter($counts, fn($n) => $n > 1)), "\n";
    echo "$via: every result that says sent was delivered: ", array_diff($sentSubjects, $subjects) === [] ? 'yes' : 'no', "\n";
    echo "$via: connections Exim closed at its limit: ", substr_count(exim_log_since($mark), 'too many messages in one connection') >= 2 ? '2 or more' : 'fewer', "\n";
}
?>
--EXPECT--
BDAT: results 50, sent 50, unknown 0, other 0
BDAT: delivered 50, duplicates 0
BDAT: every result that says sent was delivered: yes
BDAT: connections Exim closed at its limit: 2 or more
DATA: results 50, sent 50, unknown 0, other 0
DATA: delivered 50, duplicates 0
DATA: every result that says sent was delivered: yes
DATA: connections Exim closed at its limit: 2 or more
