--TEST--
sendBatch() options: a bad "connections" or "max_per_second", an unknown option, a wrong type: a ValueError or TypeError naming the option, thrown before anything is sent or any item is looked at
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
// nothing listens there: an error other than the option's would be a ConnectionException
$smtp = new Smtp('127.0.0.1', 1, ['tls' => Smtp::TLS_NONE, 'timeout' => 1]);
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->text("x\n");
$cases = [
    ['connections' => 0], ['connections' => -3], ['connections' => 65], ['connections' => PHP_INT_MAX],
    ['connections' => '4'], ['connections' => 2.0], ['connections' => null],
    ['max_per_second' => -1], ['max_per_second' => -0.5], ['max_per_second' => INF], ['max_per_second' => NAN],
    ['max_per_second' => '10'], ['max_per_second' => true],
    ['conections' => 2], [4], ['connections' => 2, 'retries' => 1],
];
foreach ($cases as $o) {
    try {
        $smtp->sendBatch([$msg, 'not even an item'], $o);
        echo "no error\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
// the good ones get as far as connecting
foreach ([['connections' => 1], ['connections' => 64], ['max_per_second' => 0], ['max_per_second' => 2.5], []] as $o) {
    try {
        $smtp->sendBatch([$msg], $o);
    } catch (Throwable $e) {
        echo get_class($e), "\n";
    }
}
// an empty batch with options sends nothing and returns []
var_dump($smtp->sendBatch([], ['connections' => 8, 'max_per_second' => 1]));
?>
--EXPECT--
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be between 1 and 64, 0 given
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be between 1 and 64, -3 given
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be between 1 and 64, 65 given
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be between 1 and 64, 9223372036854775807 given
TypeError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be of type int, string given
TypeError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be of type int, float given
TypeError: Smtp::sendBatch(): Argument #2 ($options) option "connections" must be of type int, null given
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be a finite number, 0 or more (0: no cap)
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be a finite number, 0 or more (0: no cap)
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be a finite number, 0 or more (0: no cap)
ValueError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be a finite number, 0 or more (0: no cap)
TypeError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be of type int|float, string given
TypeError: Smtp::sendBatch(): Argument #2 ($options) option "max_per_second" must be of type int|float, bool given
ValueError: Smtp::sendBatch(): Argument #2 ($options) contains unknown option "conections"
ValueError: Smtp::sendBatch(): Argument #2 ($options) must have option names as keys
ValueError: Smtp::sendBatch(): Argument #2 ($options) contains unknown option "retries"
Smtp\ConnectionException
Smtp\ConnectionException
Smtp\ConnectionException
Smtp\ConnectionException
Smtp\ConnectionException
array(0) {
}
