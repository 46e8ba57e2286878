<?php
/*
 * soak.php - many messages through a kept connection to a server that randomly drops, answers 421 and
 * stalls; checks that nothing is delivered twice and nothing reported sent is lost.
 *
 *   php -d extension=modules/smtp.so bench/soak.php [MESSAGES] [MODE] [SEED]
 *
 * MODE: "send" (one send() after another on one Smtp object) or "batch" (sendBatch() of 100 at a time).
 * The server is tests/fake/server.php in auto mode with its "chaos" option: after each command line it
 * reads it drops the connection (0.2 %), answers 421 (0.2 %) or stalls 300 ms (0.1 %, past the client's
 * 200 ms command timeout); after a message is queued it may drop before answering (0.2 %), so the client
 * cannot know. Each message has its own recipient (r<N>@example.net), so the server's record says what
 * was delivered how often. A message that failed is not sent again here: the figures are what a caller
 * is told and what the server got.
 *
 * Prints one JSON object: messages, sent (a Result), failed (an exception), of which unknown (the
 * connection was lost after the end of data), delivered, delivered_twice, lost (a Result but never
 * delivered), failed_but_delivered outside the unknown ones, connections, RSS at start and end.
 * Exits 1 when delivered_twice, lost or failed_but_delivered is not 0.
 */
declare(strict_types=1);

require dirname(__DIR__) . '/tests/fake/helpers.inc';
require __DIR__ . '/soak-accounting.inc';

$n = (int)($argv[1] ?? 100000);
$mode = $argv[2] ?? 'send';
$seed = (int)($argv[3] ?? 1);
if ($n < 1 || !in_array($mode, ['send', 'batch'], true)) {
    fwrite(STDERR, "usage: soak.php [MESSAGES] [send|batch] [SEED]\n");
    exit(2);
}

function rss_kb(): ?int
{
    $s = @file_get_contents('/proc/self/status');
    return $s !== false && preg_match('/^VmRSS:\s+(\d+)/m', $s, $m) ? (int)$m[1] : null;
}

$chaos = ['seed' => $seed, 'drop' => 0.002, '421' => 0.002, 'stall' => 0.001, 'stall_ms' => 300];
$auto = ['ehlo' => ['PIPELINING', 'CHUNKING', '8BITMIME', 'SIZE 10240000'], 'digest' => true, 'chaos' => $chaos];
$conns = array_fill(0, intdiv($n, 20) + 50, [['auto' => $auto]]);
$srv = fake_start(['nodelay' => true, 'conns' => $conns, 'time_limit' => max(60, $n / 100)]);
$smtp = new Smtp('127.0.0.1', $srv->port, ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5,
    'command_timeout' => 0.2, 'data_timeout' => 0.2]);
$body = str_repeat("soak test line of about sixty characters, repeated enough\n", 16);
$msg = fn(int $i) => (new Smtp\Message)->from('soak@example.com')->to("r$i@example.net")->subject("soak $i")->text($body);

$rssStart = rss_kb();
$memStart = memory_get_usage();
$t0 = microtime(true);
$outcome = [];      // i => 'sent' | 'failed' | 'unknown'
$record = function (int $i, $r) use (&$outcome) {
    if ($r instanceof Smtp\Result) {
        $outcome[$i] = 'sent';
    } elseif (str_starts_with($r->getMessage(), 'Not known to be sent')
        || (str_contains($r->getMessage(), 'not known whether') && !str_starts_with($r->getMessage(), 'Not sent'))) {
        $outcome[$i] = 'unknown';   // the connection was lost after the end of data: the server may have it
    } else {
        $outcome[$i] = 'failed';
    }
};
if ($mode === 'send') {
    for ($i = 0; $i < $n; $i++) {
        try {
            $record($i, $smtp->send($msg($i)));
        } catch (Smtp\Exception $e) {
            $record($i, $e);
        }
    }
} else {
    for ($i = 0; $i < $n; $i += 100) {
        $ids = range($i, min($n, $i + 100) - 1);
        try {
            $results = $smtp->sendBatch(array_map($msg, $ids));
        } catch (Smtp\Exception $e) {
            $results = array_fill(0, count($ids), $e);
        }
        foreach ($ids as $k => $id) {
            $record($id, $results[$k]);
        }
    }
}
$elapsed = microtime(true) - $t0;
$rssEnd = rss_kb();
$memEnd = memory_get_usage();
try {
    $smtp->quit();
} catch (Throwable $e) {
}
$smtp = null;
fake_stop($srv);
$t = fake_wait($srv, 10);

$account = soak_account($outcome, $n, $t);
$report = ['mode' => $mode, 'messages' => $n, 'seconds' => round($elapsed, 1)] + $account + [
    'rss_kb_start' => $rssStart, 'rss_kb_end' => $rssEnd, 'php_mem_start' => $memStart, 'php_mem_end' => $memEnd,
];
unset($report['bad']);
echo json_encode($report, JSON_PRETTY_PRINT), "\n";
exit($account['bad'] ? 1 : 0);
