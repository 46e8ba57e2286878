--TEST--
send(): a 421 before the end of data (at MAIL, RCPT, DATA) shows the server does not have the message: sent once more on a new connection, said in the transcript; a 421 after the final dot stays an error; a second 421 on the new connection is thrown (once only); sendMail() the same
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$limit = "421 4.7.0 fake.example: too many messages in this connection\r\n";

function attempt(string $label, array $conns, callable $send): void
{
    echo "-- $label\n";
    $srv = fake_start(['conns' => array_map(fn($a) => [['auto' => $a]], $conns)]);
    $log = [];
    $smtp = fake_client($srv, ['logger' => function (string $l) use (&$log) { $log[] = $l; }]);
    $e = fake_catch(function () use ($smtp, $send) {
        $r = $send($smtp);
        echo 'Result ', $r->queueId, "\n";
    });
    if ($e) {
        echo fake_describe($e), ': ', $e->getMessage(), "\n";
        echo '  previous: ', $e->getPrevious() ? get_class($e->getPrevious()) : 'none', "\n";
    }
    fake_done($smtp);
    $t = fake_stop($srv);
    foreach ($log as $l) {
        if (str_starts_with($l, '-- ')) {
            echo "  log: $l\n";
        }
    }
    echo '  connections: ', count($t['conns']), ', accepted: ', count(array_filter($t['messages'], fn($m) => $m['accepted'])), "\n";
}

$second = ['queue_id' => 'SECOND'];
attempt('421 at MAIL (pipelined)', [['reply' => ['MAIL' => $limit]], $second], fn($s) => $s->send($msg));
attempt('421 at MAIL (BDAT)', [['ehlo' => ['PIPELINING', 'CHUNKING'], 'reply' => ['MAIL' => $limit]],
    ['ehlo' => ['PIPELINING', 'CHUNKING']] + $second], fn($s) => $s->send($msg));
attempt('421 at MAIL (no pipelining)', [['ehlo' => ['8BITMIME'], 'reply' => ['MAIL' => $limit]], ['ehlo' => ['8BITMIME']] + $second],
    fn($s) => $s->send($msg));
attempt('421 at RCPT', [['ehlo' => ['8BITMIME'], 'reply' => ['RCPT' => $limit]], $second], fn($s) => $s->send($msg));
attempt('421 at DATA', [['reply' => ['DATA' => $limit]], $second], fn($s) => $s->send($msg));
attempt('closed at RCPT', [['ehlo' => ['8BITMIME'], 'reply' => ['RCPT' => 'close']], $second], fn($s) => $s->send($msg));
attempt('421 after the final dot: not known, not sent again', [['reply' => ['DOT' => $limit]], $second], fn($s) => $s->send($msg));
attempt('closed after the final dot: not known, not sent again', [['reply' => ['DOT' => 'close']], $second], fn($s) => $s->send($msg));
attempt('421 at MAIL twice: the second is thrown', [['reply' => ['MAIL' => $limit]], ['reply' => ['MAIL' => $limit]], $second],
    fn($s) => $s->send($msg));
attempt('421 at MAIL, no second connection: the 421 is thrown', [['reply' => ['MAIL' => $limit]]], fn($s) => $s->send($msg));
attempt('sendMail(): 421 at MAIL', [['reply' => ['MAIL' => $limit]], $second],
    fn($s) => $s->sendMail('a@example.com', 'b@example.com', 'subject', "body\n"));
?>
--EXPECTF--
-- 421 at MAIL (pipelined)
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 2, accepted: 1
-- 421 at MAIL (BDAT)
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 2, accepted: 1
-- 421 at MAIL (no pipelining)
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 2, accepted: 1
-- 421 at RCPT
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at RCPT TO); sending it once more on a new connection
  connections: 2, accepted: 1
-- 421 at DATA
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at DATA); sending it once more on a new connection
  connections: 2, accepted: 1
-- closed at RCPT
Result SECOND
  log: -- not sent: the server closed the connection: waiting for the reply (127.0.0.1:%d, at RCPT TO); sending it once more on a new connection
  connections: 2, accepted: 1
-- 421 after the final dot: not known, not sent again
Smtp\ResponseException code=421 transient=yes enhanced='4.7.0': %s
  previous: none
  connections: 1, accepted: 0
-- closed after the final dot: not known, not sent again
Smtp\ConnectionException code=0 transient=yes enhanced=NULL: %snot known whether the server accepted the message
  previous: none
  connections: 1, accepted: %d
-- 421 at MAIL twice: the second is thrown
Smtp\ResponseException code=421 transient=yes enhanced='4.7.0': %s
  previous: none
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 2, accepted: 0
-- 421 at MAIL, no second connection: the 421 is thrown
Smtp\ResponseException code=421 transient=yes enhanced='4.7.0': %s
  previous: Smtp\ConnectionException
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 1, accepted: 0
-- sendMail(): 421 at MAIL
Result SECOND
  log: -- not sent: the server is closing the connection: 421 4.7.0 fake.example: too many messages in this connection (127.0.0.1:%d, at MAIL FROM); sending it once more on a new connection
  connections: 2, accepted: 1
