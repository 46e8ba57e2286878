--TEST--
Real Postfix: sendBatch() over 1, 2, 4 and 8 connections at once (STARTTLS and AUTH on each), over BDAT and over DATA: every message delivered exactly once (by Subject), every result a Result in input order
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$cases = [['BDAT', 1], ['BDAT', 2], ['BDAT', 4], ['BDAT', 8], ['DATA', 4], ['DATA', 8]];
foreach ($cases as [$via, $n]) {
    $id = pf_id();
    $smtp = pf_client('submission', pf_auth(['chunking' => $via === 'BDAT']));
    $items = [];
    for ($i = 0; $i < 40; $i++) {
        $items[] = pf_message($id)->subject("$via $n $i")->text("message $i of a batch over $n connections\n");
    }
    $results = $smtp->sendBatch($items, ['connections' => $n]);
    $smtp->quit();
    $problems = [];
    foreach ($results as $i => $r) {
        if (!$r instanceof Smtp\Result) {
            $problems[] = "$i: " . pf_describe($r);
        }
    }
    $got = pf_find($id, 40, 20);
    $subjects = array_count_values(array_map(fn($s) => $s['subject'], $got));
    for ($i = 0; $i < 40; $i++) {
        if (($subjects["$via $n $i"] ?? 0) !== 1) {
            $problems[] = "$i delivered " . ($subjects["$via $n $i"] ?? 0) . ' times';
        }
    }
    // no more copies arrive later
    $late = pf_count_after($id, 0.5) - count($got);
    echo "$via, $n connection(s): ", count($results), " results, ", count($got), " delivered, ",
        $late > 0 ? "$late late" : 'none late', "\n";
    print_r($problems);
}
?>
--EXPECT--
BDAT, 1 connection(s): 40 results, 40 delivered, none late
Array
(
)
BDAT, 2 connection(s): 40 results, 40 delivered, none late
Array
(
)
BDAT, 4 connection(s): 40 results, 40 delivered, none late
Array
(
)
BDAT, 8 connection(s): 40 results, 40 delivered, none late
Array
(
)
DATA, 4 connection(s): 40 results, 40 delivered, none late
Array
(
)
DATA, 8 connection(s): 40 results, 40 delivered, none late
Array
(
)
