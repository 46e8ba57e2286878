--TEST--
Fault matrix, reply to the final dot / last BDAT: 421 / 4xx / 5xx / close / silence -> right exception, code, isTransient(); not reported as sent; the object sends the next message
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach ([
    'DATA, pipelining' => ['pipelining' => true],
    'DATA' => [],
    'BDAT, pipelining' => ['pipelining' => true, 'chunking' => true],
    'BDAT' => ['chunking' => true],
] as $v => $f) {
    fault_step("dot, $v", 'dot', ['DOT', '#1'], $f, Smtp\ResponseException::class);
}
?>
--EXPECT--
dot, DATA, pipelining 421                    ok
dot, DATA, pipelining 4xx                    ok
dot, DATA, pipelining 5xx                    ok
dot, DATA, pipelining close                  ok
dot, DATA, pipelining silence                ok
dot, DATA        421                         ok
dot, DATA        4xx                         ok
dot, DATA        5xx                         ok
dot, DATA        close                       ok
dot, DATA        silence                     ok
dot, BDAT, pipelining 421                    ok
dot, BDAT, pipelining 4xx                    ok
dot, BDAT, pipelining 5xx                    ok
dot, BDAT, pipelining close                  ok
dot, BDAT, pipelining silence                ok
dot, BDAT        421                         ok
dot, BDAT        4xx                         ok
dot, BDAT        5xx                         ok
dot, BDAT        close                       ok
dot, BDAT        silence                     ok
