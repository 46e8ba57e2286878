--TEST--
Real Exim (20 messages a connection): 45 send() calls on one object; the 421 Exim gives at the MAIL FROM after its limit shows the message was not taken, so it goes once more on a new connection: 45 Results, 45 delivered, none twice
--SKIPIF--
<?php
require __DIR__ . '/exim/exim.inc';
exim_skipif();
?>
--FILE--
<?php
require __DIR__ . '/exim/exim.inc';

$run = bin2hex(random_bytes(4));    // in every Subject: an earlier run's late delivery is not counted
foreach (['BDAT' => true, 'DATA' => false] as $via => $chunking) {
    $mark = exim_mark();
    $notes = 0;
    $smtp = exim_client(['chunking' => $chunking, 'logger' => function (string $l) use (&$notes) {
        $notes += str_starts_with($l, '-- not sent: ') ? 1 : 0;
    }]);
    $sent = 0;
    $errors = [];
    for ($i = 0; $i < 45; $i++) {
        try {
            $r = $smtp->send((new Smtp\Message)->from('a@example.com')->to("r$i@example.com")
                ->subject("send $via $run.$i")->text("message $i\n"));
            $sent += $r instanceof Smtp\Result ? 1 : 0;
        } catch (Smtp\Exception $e) {
            $errors[] = "$i: " . get_class($e) . ': ' . $e->getMessage();
        }
    }
    $smtp->quit();
    $subjects = [];
    foreach (exim_delivered(45, 15) as $m) {
        preg_match('/^Subject: (.*)$/m', $m, $x);
        if (str_starts_with(trim($x[1] ?? ''), "send $via $run.")) {
            $subjects[] = trim($x[1]);
        }
    }
    $counts = array_count_values($subjects);
    echo "$via: Results $sent, delivered ", count($subjects), ", distinct ", count($counts),
        ", twice ", count(array_filter($counts, fn($n) => $n > 1)), "\n";
    echo "$via: sent again after a 421: $notes; connections Exim closed at its limit: ",
        substr_count(exim_log_since($mark), 'too many messages in one connection'), "\n";
    print_r($errors);
}
?>
--EXPECT--
BDAT: Results 45, delivered 45, distinct 45, twice 0
BDAT: sent again after a 421: 2; connections Exim closed at its limit: 2
Array
(
)
DATA: Results 45, delivered 45, distinct 45, twice 0
DATA: sent again after a 421: 2; connections Exim closed at its limit: 2
Array
(
)
