--TEST--
A kept connection the server closed without answering anything of the next send: sent once more on a new connection; also when it answered part of it, or the connection was new, as long as the end of data had not gone out (the server cannot have the message); once only
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$ehlo = "250-fake.example\r\n250 PIPELINING\r\n";
$first = [
    ['send' => "220 fake.example ESMTP\r\n"],
    ['expect' => 'EHLO', 'reply' => $ehlo],
    ['expect' => 'MAIL FROM:'], ['expect' => 'RCPT TO:'], ['expect' => 'DATA', 'reply' => "250 ok\r\n250 ok\r\n354 go\r\n"],
    ['read_data' => true, 'reply' => "250 2.0.0 Ok: queued as FIRST\r\n"],
];

echo "-- closed before answering the next MAIL: the send goes out on a new connection\n";
$srv = fake_start(['conns' => [
    array_merge($first, [['expect' => 'MAIL FROM:', 'close' => true]]),
    [['auto' => ['queue_id' => 'SECOND']]],
]]);
$log = [];
$smtp = fake_client($srv, ['logger' => function (string $l) use (&$log) { $log[] = $l; }]);
echo $smtp->send($msg)->queueId, "\n";
echo $smtp->send($msg)->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['conns']), " connections, ", count(array_filter($t['messages'], fn($m) => $m['accepted'])), " accepted on the second\n";
echo count(array_filter($log, fn($l) => str_starts_with($l, 'C: MAIL'))), " MAIL commands\n";

echo "-- closed after answering MAIL, before the end of data: sent once more on a new connection\n";
$srv = fake_start(['conns' => [
    array_merge($first, [['expect' => 'MAIL FROM:'], ['expect' => 'RCPT TO:'], ['expect' => 'DATA', 'reply' => "250 ok\r\n", 'close' => true]]),
    [['auto' => ['queue_id' => 'AGAIN']]],
]]);
$smtp = fake_client($srv);
echo $smtp->send($msg)->queueId, "\n";
echo $smtp->send($msg)->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['conns']), " connections\n";

echo "-- a new connection closed at MAIL: sent once more on a new connection\n";
$srv = fake_start(['conns' => [
    [['send' => "220 fake.example ESMTP\r\n"], ['expect' => 'EHLO', 'reply' => $ehlo], ['expect' => 'MAIL FROM:', 'close' => true]],
    [['auto' => ['queue_id' => 'AGAIN']]],
]]);
$smtp = fake_client($srv);
echo $smtp->send($msg)->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['conns']), " connections\n";

echo "-- closed at MAIL on the new connection too: not sent a third time\n";
$closing = [['send' => "220 fake.example ESMTP\r\n"], ['expect' => 'EHLO', 'reply' => $ehlo], ['expect' => 'MAIL FROM:', 'close' => true]];
$srv = fake_start(['conns' => [$closing, $closing, [['auto' => ['queue_id' => 'NEVER']]]]]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send($msg));
echo fake_describe($e), "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['conns']), " connections\n";
?>
--EXPECT--
-- closed before answering the next MAIL: the send goes out on a new connection
FIRST
SECOND
2 connections, 1 accepted on the second
3 MAIL commands
-- closed after answering MAIL, before the end of data: sent once more on a new connection
FIRST
AGAIN
2 connections
-- a new connection closed at MAIL: sent once more on a new connection
AGAIN
2 connections
-- closed at MAIL on the new connection too: not sent a third time
Smtp\ConnectionException code=0 transient=yes enhanced=NULL
2 connections
