--TEST--
Fault matrix, EHLO (and a HELO fallback): 421 / 4xx / 5xx / close / silence -> right exception, code, isTransient(); nothing sent; the object sends the next message
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    fault_step("EHLO, $v", 'ehlo', ['EHLO', '#1'], $f, Smtp\ResponseException::class, ['HELO']);
}
?>
--EXPECT--
EHLO, pipelining 421                         ok
EHLO, pipelining 4xx                         ok
EHLO, pipelining 5xx                         ok
EHLO, pipelining close                       ok
EHLO, pipelining silence                     ok
EHLO, no pipelining 421                      ok
EHLO, no pipelining 4xx                      ok
EHLO, no pipelining 5xx                      ok
EHLO, no pipelining close                    ok
EHLO, no pipelining silence                  ok
