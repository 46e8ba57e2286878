--TEST--
Fault matrix, QUIT after an accepted message: 421 / 4xx / 5xx / close / silence -> send() returned its Result, quit() ends the session within the deadline (an Smtp\Exception at most); the object sends the next message
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    foreach (FAULT_CLASSES as $class) {
        fault_case(sprintf('%-16s %s', "QUIT, $v", $class), [
            'conn1' => $class === 'silence' ? fault_script('quit', 'silence', $f)
                : ['auto' => fault_auto($f) + ['reply' => ['QUIT' => ['#1' => fault_reply($class)]]]],
            'auto2' => fault_auto($f),
            'client' => fault_client_options($f),
            'quit' => true,
            'expect' => 'any',
            'max_time' => 2.5,
        ]);
    }
}
?>
--EXPECT--
QUIT, pipelining 421                         ok
QUIT, pipelining 4xx                         ok
QUIT, pipelining 5xx                         ok
QUIT, pipelining close                       ok
QUIT, pipelining silence                     ok
QUIT, no pipelining 421                      ok
QUIT, no pipelining 4xx                      ok
QUIT, no pipelining 5xx                      ok
QUIT, no pipelining close                    ok
QUIT, no pipelining silence                  ok
