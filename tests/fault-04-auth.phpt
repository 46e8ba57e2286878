--TEST--
Fault matrix, AUTH (clear text allowed, and after STARTTLS): 421 / 4xx / 5xx / close / silence -> AuthenticationException with the code, isTransient(); nothing sent; the object sends the next message
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

foreach (['clear text' => ['pipelining' => true, 'auth' => true], 'STARTTLS' => ['pipelining' => true, 'auth' => true, 'starttls' => true]] as $v => $f) {
    fault_step("AUTH, $v", 'auth', ['AUTH', '#1'], $f, [Smtp\AuthenticationException::class]);
}
?>
--EXPECT--
AUTH, clear text 421                         ok
AUTH, clear text 4xx                         ok
AUTH, clear text 5xx                         ok
AUTH, clear text close                       ok
AUTH, clear text silence                     ok
AUTH, STARTTLS   421                         ok
AUTH, STARTTLS   4xx                         ok
AUTH, STARTTLS   5xx                         ok
AUTH, STARTTLS   close                       ok
AUTH, STARTTLS   silence                     ok
