--TEST--
Fault matrix, first and second RCPT TO: 421 / 4xx / 5xx / close / silence -> RecipientException (ResponseException for 421) with the code, isTransient(); nothing sent; the object sends the next message; a 421 or a close there (before the end of data): the message sent once more on a new connection, once
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    foreach (['#1' => 'rcpt1', '#2' => 'rcpt2'] as $nth => $step) {
        fault_step("RCPT $nth, $v", $step, ['RCPT', $nth], $f, [Smtp\RecipientException::class, Smtp\ResponseException::class]);
    }
}
?>
--EXPECT--
RCPT #1, pipelining 421                      ok
RCPT #1, pipelining 4xx                      ok
RCPT #1, pipelining 5xx                      ok
RCPT #1, pipelining close                    ok
RCPT #1, pipelining silence                  ok
RCPT #2, pipelining 421                      ok
RCPT #2, pipelining 4xx                      ok
RCPT #2, pipelining 5xx                      ok
RCPT #2, pipelining close                    ok
RCPT #2, pipelining silence                  ok
RCPT #1, no pipelining 421                   ok
RCPT #1, no pipelining 4xx                   ok
RCPT #1, no pipelining 5xx                   ok
RCPT #1, no pipelining close                 ok
RCPT #1, no pipelining silence               ok
RCPT #2, no pipelining 421                   ok
RCPT #2, no pipelining 4xx                   ok
RCPT #2, no pipelining 5xx                   ok
RCPT #2, no pipelining close                 ok
RCPT #2, no pipelining silence               ok
