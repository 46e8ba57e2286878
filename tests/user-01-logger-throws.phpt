--TEST--
User code during a send: a logger that throws before the end of data aborts the transaction (nothing delivered, the exception is the previous of the error); after the server accepted the message the Result is returned with the exception in $loggerException; the same rule for sendBatch() and sendMail()
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function throwing_at(string $prefix): Closure
{
    $thrown = false;
    return function (string $line) use ($prefix, &$thrown) {
        if (!$thrown && str_starts_with($line, $prefix)) {
            $thrown = true;
            throw new RuntimeException("log disk full at [$line]");
        }
    };
}

function outcome($r): string
{
    if ($r instanceof Smtp\Result) {
        return 'Result ' . $r->queueId . ($r->loggerException ? ' + loggerException: ' . $r->loggerException->getMessage() : '');
    }
    $p = $r->getPrevious();
    return get_class($r) . ($p ? ' <- ' . get_class($p) . ': ' . $p->getMessage() : ' (no previous)');
}

$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text(str_repeat("body line\n", 10));
$cases = [
    'DATA' => [['PIPELINING', '8BITMIME'], ['C: MAIL', 'C: RCPT', 'C: DATA', 'S: 354', 'C: <message body>', 'C: .', 'S: 250 2.0.0 Ok: queued']],
    'DATA, no pipelining' => [['8BITMIME'], ['S: 250 2.1.0', 'S: 354', 'C: .', 'S: 250 2.0.0 Ok: queued']],
    'BDAT' => [['PIPELINING', 'CHUNKING'], ['C: MAIL', 'C: RCPT', 'C: BDAT', 'S: 250 2.1.0', 'S: 250 2.0.0 Ok: queued']],
    'BDAT, no pipelining' => [['CHUNKING'], ['C: MAIL', 'S: 250 2.1.5', 'C: BDAT', 'S: 250 2.0.0 Ok: queued']],
];
foreach ($cases as $name => [$ehlo, $steps]) {
    echo "--- $name\n";
    foreach ($steps as $at) {
        $srv = fake_auto(['ehlo' => $ehlo]);
        $smtp = fake_client($srv, ['logger' => throwing_at($at)]);
        try {
            $r = $smtp->send($msg);
        } catch (Throwable $e) {
            $r = $e;
        }
        fake_done($smtp);
        $t = fake_wait($srv);
        printf("%-20s %s; delivered %d\n", $at, outcome($r), count($t['messages']));
    }
}

echo "--- sendMail(), after the final reply\n";
$srv = fake_auto([]);
$smtp = fake_client($srv, ['logger' => throwing_at('S: 250 2.0.0 Ok: queued')]);
echo outcome($smtp->sendMail('a@example.com', 'b@example.com', 'subject', "body\n")), "\n";
fake_done($smtp);
echo count(fake_wait($srv)['messages']), " delivered\n";

echo "--- sendBatch() of 3, the logger throws at the final reply of the second\n";
foreach (['one at a time' => ['8BITMIME'], 'pipelined DATA' => ['PIPELINING'], 'pipelined BDAT' => ['PIPELINING', 'CHUNKING']] as $name => $ehlo) {
    $srv = fake_start(['conns' => [[['auto' => $ehlo ? ['ehlo' => $ehlo] : []]], [['auto' => ['ehlo' => $ehlo]]]]]);
    $smtp = fake_client($srv, ['logger' => throwing_at('S: 250 2.0.0 Ok: queued as ABC123N2')]);
    $results = $smtp->sendBatch([$msg, $msg, $msg]);
    fake_done($smtp);
    $t = fake_wait($srv);
    echo "$name:\n";
    foreach ($results as $i => $r) {
        echo "  $i ", outcome($r), "\n";
    }
    echo '  delivered ', count($t['messages']), ', connections ', count($t['conns']), "\n";
}

echo "--- a stream wrapper that throws while the message is read\n";
final class FailingStream
{
    public $context;
    private int $reads = 0;
    public function stream_open(string $path, string $mode, int $options, ?string &$opened): bool { return true; }
    public function stream_read(int $n): string
    {
        if (++$this->reads === 3) {
            throw new LogicException('the source failed');
        }
        return "Subject: x\r\n" . str_repeat("line\r\n", 1000);
    }
    public function stream_eof(): bool { return false; }
    public function stream_tell(): int { return 0; }
}
stream_wrapper_register('failing', FailingStream::class);
foreach (['DATA' => ['PIPELINING'], 'BDAT' => ['PIPELINING', 'CHUNKING']] as $name => $ehlo) {
    $srv = fake_auto(['ehlo' => $ehlo]);
    $smtp = fake_client($srv);
    $e = fake_catch(fn() => $smtp->send(fopen('failing://x', 'r'), 'a@example.com', 'b@example.com'));
    fake_done($smtp);
    echo "$name: ", outcome($e), '; delivered ', count(fake_wait($srv)['messages']), "\n";
}
?>
--EXPECTF--
--- DATA
C: MAIL              Smtp\ConnectionException <- RuntimeException: log disk full at [C: MAIL FROM:<a@example.com>]; delivered 0
C: RCPT              Smtp\ConnectionException <- RuntimeException: log disk full at [C: RCPT TO:<b@example.com>]; delivered 0
C: DATA              Smtp\ConnectionException <- RuntimeException: log disk full at [C: DATA]; delivered 0
S: 354               Smtp\ConnectionException <- RuntimeException: log disk full at [S: 354 End data with <CR><LF>.<CR><LF>]; delivered 0
C: <message body>    Smtp\ConnectionException <- RuntimeException: log disk full at [C: <message body>]; delivered 0
C: .                 Smtp\ConnectionException <- RuntimeException: log disk full at [C: .]; delivered 0
S: 250 2.0.0 Ok: queued Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123]; delivered 1
--- DATA, no pipelining
S: 250 2.1.0         Smtp\ConnectionException <- RuntimeException: log disk full at [S: 250 2.1.0 Ok]; delivered 0
S: 354               Smtp\ConnectionException <- RuntimeException: log disk full at [S: 354 End data with <CR><LF>.<CR><LF>]; delivered 0
C: .                 Smtp\ConnectionException <- RuntimeException: log disk full at [C: .]; delivered 0
S: 250 2.0.0 Ok: queued Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123]; delivered 1
--- BDAT
C: MAIL              Smtp\ConnectionException <- RuntimeException: log disk full at [C: MAIL FROM:<a@example.com>]; delivered 0
C: RCPT              Smtp\ConnectionException <- RuntimeException: log disk full at [C: RCPT TO:<b@example.com>]; delivered 0
C: BDAT              Smtp\ConnectionException <- RuntimeException: log disk full at [C: BDAT %d LAST]; delivered 0
S: 250 2.1.0         Result ABC123 + loggerException: log disk full at [S: 250 2.1.0 Ok]; delivered 1
S: 250 2.0.0 Ok: queued Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123]; delivered 1
--- BDAT, no pipelining
C: MAIL              Smtp\ConnectionException <- RuntimeException: log disk full at [C: MAIL FROM:<a@example.com>]; delivered 0
S: 250 2.1.5         Smtp\ConnectionException <- RuntimeException: log disk full at [S: 250 2.1.5 Ok]; delivered 0
C: BDAT              Smtp\ConnectionException <- RuntimeException: log disk full at [C: BDAT %d LAST]; delivered 0
S: 250 2.0.0 Ok: queued Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123]; delivered 1
--- sendMail(), after the final reply
Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123]
1 delivered
--- sendBatch() of 3, the logger throws at the final reply of the second
one at a time:
  0 Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  1 Result ABC123N2 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  2 Smtp\ConnectionException <- RuntimeException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  delivered 2, connections 1
pipelined DATA:
  0 Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  1 Result ABC123N2 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  2 Smtp\ConnectionException <- RuntimeException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  delivered 2, connections 1
pipelined BDAT:
  0 Result ABC123 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  1 Result ABC123N2 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  2 Result ABC123N3 + loggerException: log disk full at [S: 250 2.0.0 Ok: queued as ABC123N2]
  delivered 3, connections 1
--- a stream wrapper that throws while the message is read
DATA: Smtp\Exception <- LogicException: the source failed; delivered 0
BDAT: Smtp\Exception <- LogicException: the source failed; delivered 0
