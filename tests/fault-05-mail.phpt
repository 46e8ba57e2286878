--TEST--
Fault matrix, MAIL FROM: 421 / 4xx / 5xx / close / silence -> right exception, code, isTransient(); nothing sent; the object sends the next message; a 421 or a close there (before the end of data): the message sent once more on a new connection, once
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => [], 'chunking' => ['pipelining' => true, 'chunking' => true]] as $v => $f) {
    fault_step("MAIL, $v", 'mail', ['MAIL', '#1'], $f, Smtp\ResponseException::class);
}
?>
--EXPECT--
MAIL, pipelining 421                         ok
MAIL, pipelining 4xx                         ok
MAIL, pipelining 5xx                         ok
MAIL, pipelining close                       ok
MAIL, pipelining silence                     ok
MAIL, no pipelining 421                      ok
MAIL, no pipelining 4xx                      ok
MAIL, no pipelining 5xx                      ok
MAIL, no pipelining close                    ok
MAIL, no pipelining silence                  ok
MAIL, chunking   421                         ok
MAIL, chunking   4xx                         ok
MAIL, chunking   5xx                         ok
MAIL, chunking   close                       ok
MAIL, chunking   silence                     ok
