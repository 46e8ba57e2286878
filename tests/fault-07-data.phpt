--TEST--
Fault matrix, DATA command: 421 / 4xx / 5xx / close / silence -> right exception, code, isTransient(); nothing sent; the object sends the next message; a 421 or a close there (before the end of data): the message sent once more on a new connection, once
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    fault_step("DATA, $v", 'data', ['DATA', '#1'], $f, Smtp\ResponseException::class);
}
?>
--EXPECT--
DATA, pipelining 421                         ok
DATA, pipelining 4xx                         ok
DATA, pipelining 5xx                         ok
DATA, pipelining close                       ok
DATA, pipelining silence                     ok
DATA, no pipelining 421                      ok
DATA, no pipelining 4xx                      ok
DATA, no pipelining 5xx                      ok
DATA, no pipelining close                    ok
DATA, no pipelining silence                  ok
