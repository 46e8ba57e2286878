--TEST--
Fault matrix, greeting: 421 / 4xx / 5xx / close / silence -> right exception, code, isTransient(); nothing sent; the object sends the next message
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    fault_step("greeting, $v", 'greeting', ['GREETING', null], $f, Smtp\ResponseException::class);
}
?>
--EXPECT--
greeting, pipelining 421                     ok
greeting, pipelining 4xx                     ok
greeting, pipelining 5xx                     ok
greeting, pipelining close                   ok
greeting, pipelining silence                 ok
greeting, no pipelining 421                  ok
greeting, no pipelining 4xx                  ok
greeting, no pipelining 5xx                  ok
greeting, no pipelining close                ok
greeting, no pipelining silence              ok
