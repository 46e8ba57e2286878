--TEST--
persistent: a kept connection the server has closed, or ended with a 421 while idle, or that answers the RSET with 421, is replaced by a new one without an error
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");

function scenario(string $name, array $first, int $idleMs, string $persistent): void
{
    global $msg;
    $srv = fake_start(['conns' => [$first, [['auto' => ['queue_id' => 'SECOND']]]]]);
    $a = fake_client($srv, ['persistent' => $persistent]);
    $qa = $a->send($msg(1))->queueId;
    unset($a);
    usleep($idleMs * 1000);
    $b = fake_client($srv, ['persistent' => $persistent]);
    $e = fake_catch(function () use ($b, $msg, &$qb) { $qb = $b->send($msg(2))->queueId; });
    fake_done($b);
    $t = fake_wait($srv);
    $verbs = [];
    foreach ($t['conns'] as $n => $raw) {
        preg_match_all('/^(EHLO|MAIL|RSET|QUIT)/m', $raw, $m);
        $verbs[] = "$n: " . implode(' ', $m[1]);
    }
    echo str_pad($name, 24), "$qa then ", $e ? fake_describe($e) : $qb, ' | ', implode(' | ', $verbs),
        $t['errors'] ? ' | ' . implode(' ', $t['errors']) : '', "\n";
}

scenario('closed while idle', [['auto' => ['timeout_ms' => 200]]], 600, 'closed');
scenario('421 while idle', [
    ['send' => "220 fake.example ESMTP\r\n"],
    ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250 PIPELINING\r\n"],
    ['expect' => 'MAIL', 'reply' => "250 2.1.0 Ok\r\n"],
    ['expect' => 'RCPT', 'reply' => "250 2.1.5 Ok\r\n"],
    ['expect' => 'DATA', 'reply' => "354 go ahead\r\n"],
    ['read_data' => true, 'reply' => "250 2.0.0 Ok: queued as FIRST\r\n"],
    ['sleep_ms' => 150, 'send' => "421 4.4.2 fake.example Error: timeout exceeded\r\n"],
    ['close' => true],
], 600, 'idle421');
scenario('RSET answered 421', [['auto' => ['reply' => ['RSET' => "421 4.3.2 shutting down\r\n"]]]], 0, 'rset421');
scenario('RSET never answered', [['auto' => ['reply' => ['RSET' => "close"]]]], 0, 'rsetclose');
?>
--EXPECT--
closed while idle       ABC123 then SECOND | 1: EHLO MAIL | 2: EHLO MAIL QUIT
421 while idle          FIRST then SECOND | 1: EHLO MAIL | 2: EHLO MAIL QUIT
RSET answered 421       ABC123 then SECOND | 1: EHLO MAIL RSET | 2: EHLO MAIL QUIT
RSET never answered     ABC123 then SECOND | 1: EHLO MAIL RSET | 2: EHLO MAIL QUIT
