--TEST--
Fault matrix, during the message: a reply + close in the middle of DATA, a failed BDAT chunk, a dropped connection, a server that stops reading or stays silent -> transient exception (or the reply's code), nothing reported sent; the object sends the next message
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

$line = str_repeat('x', 75) . "\n";
$mid = fault_message(1, str_repeat($line, (int)(1048576 / 76)));       // 1 MB: still being written when the server answers
$chunks = fault_message(1, str_repeat($line, (int)(600000 / 76)));     // three BDAT chunks
$huge = fault_message(1, str_repeat($line, (int)(6291456 / 76)));      // 6 MB: more than the socket buffers hold

echo "-- DATA\n";
$f = ['pipelining' => true];
foreach (['421', '4xx', '5xx', 'close'] as $class) {
    // The client may be writing when the reply and the close come: it may see the reply, or the
    // drop. Either way the failure is transient unless it read a 5xx.
    $code = fault_code($class);
    fault_case(sprintf('%-16s %s', 'DATA body', $class), [
        'conn1' => fault_script('body', $class, $f),
        'auto2' => fault_auto($f),
        'client' => fault_client_options($f),
        'message' => $mid,
        'expect' => ['class' => $class === 'close' ? Smtp\ConnectionException::class : [Smtp\ResponseException::class, Smtp\ConnectionException::class],
            'code' => array_unique([$code, 0])]
            // a 4xx/5xx read as the final reply ends only the transaction: the close that follows is seen
            // by the next send, which reconnects (checked below)
            + (in_array($class, ['421', 'close'], true) ? ['connected' => false] : [])
            + ($class === '5xx' ? [] : ['transient' => true]),
    ]);
}
// The server stops reading for 3 s (then closes): the write must hit the 1 s deadline well before.
fault_case(sprintf('%-16s %s', 'DATA body', 'stall'), [
    'conn1' => fault_script('body', 'stall', $f, 3000),
    'auto2' => fault_auto($f),
    'client' => fault_client_options($f),
    'message' => $huge,
    'expect' => fault_expect('silence', null, ['max_time' => 2.5]),
    'pause' => 1.5,
]);

echo "-- BDAT\n";
foreach (['pipelining' => ['pipelining' => true, 'chunking' => true], 'no pipelining' => ['chunking' => true]] as $v => $f) {
    foreach (['421', '4xx', '5xx', 'close'] as $class) {
        $replyClass = $class === '421' ? [Smtp\ResponseException::class, Smtp\ConnectionException::class] : Smtp\ResponseException::class;
        $e = fault_expect($class, $replyClass);
        if ($class === '421') {
            $e['code'] = [421, 0];
        }
        fault_case(sprintf('%-16s %s', "BDAT 1, $v", $class), [
            'conn1' => ['auto' => fault_auto($f) + ['reply' => ['BDAT' => ['#1' => fault_reply($class)]]]],
            'client' => fault_client_options($f),
            'message' => $chunks,
            'expect' => $e,
            // the auto server does not discard the rest of a failed BDAT transaction (RFC 3030 says
            // it must): what it "accepted" after the failed chunk says nothing about the client
            'no_delivery_check' => true,
        ]);
    }
    fault_case(sprintf('%-16s %s', "BDAT 1, $v", 'silence'), [
        'conn1' => fault_script('body', 'silence', $f),
        'auto2' => fault_auto($f),
        'client' => fault_client_options($f),
        'message' => $chunks,
        'expect' => fault_expect('silence', null),
    ]);
    fault_case(sprintf('%-16s %s', "BDAT 1, $v", 'stall'), [
        'conn1' => fault_script('body', 'stall', $f, 3000),
        'auto2' => fault_auto($f),
        'client' => fault_client_options($f),
        'message' => $huge,
        'expect' => fault_expect('silence', null, ['max_time' => 2.5]),
        'pause' => 1.5,
    ]);
}
?>
--EXPECT--
-- DATA
DATA body        421                         ok
DATA body        4xx                         ok
DATA body        5xx                         ok
DATA body        close                       ok
DATA body        stall                       ok
-- BDAT
BDAT 1, pipelining 421                       ok
BDAT 1, pipelining 4xx                       ok
BDAT 1, pipelining 5xx                       ok
BDAT 1, pipelining close                     ok
BDAT 1, pipelining silence                   ok
BDAT 1, pipelining stall                     ok
BDAT 1, no pipelining 421                    ok
BDAT 1, no pipelining 4xx                    ok
BDAT 1, no pipelining 5xx                    ok
BDAT 1, no pipelining close                  ok
BDAT 1, no pipelining silence                ok
BDAT 1, no pipelining stall                  ok
