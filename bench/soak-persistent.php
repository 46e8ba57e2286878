<?php
/*
 * soak-persistent.php - the soak of soak.php through persistent connections: a PHP built-in web server
 * (php -S, one worker process) answers REQUESTS requests; each one makes a new Smtp object with
 * 'persistent' => true, sends PER_REQUEST messages with send() and ends, so every request after the
 * first takes over the connection the one before left open (or opens one when the server dropped it).
 * The SMTP server is tests/fake/server.php with the same "chaos" as soak.php: random drops, 421 answers,
 * stalls past the client's deadline, and drops after a message was queued.
 *
 *   php -d extension=modules/smtp.so bench/soak-persistent.php [REQUESTS=1000] [PER_REQUEST=10] [SEED=1]
 *
 * The web server loads the same extension (modules/smtp.so beside this folder, or $SMTP_EXT). Prints one
 * JSON object: requests, messages, sent, failed (of which the outcome is unknown), delivered,
 * delivered_twice, lost, failed_but_delivered, connections the SMTP server saw, faults injected, and the
 * web server's RSS after the first request and at the end. Exits 1 when delivered_twice, lost or
 * failed_but_delivered is not 0.
 */
declare(strict_types=1);

require dirname(__DIR__) . '/tests/fake/helpers.inc';
require __DIR__ . '/soak-accounting.inc';

$requests = (int)($argv[1] ?? 1000);
$perRequest = (int)($argv[2] ?? 10);
$seed = (int)($argv[3] ?? 1);
$ext = getenv('SMTP_EXT') ?: dirname(__DIR__) . '/modules/smtp.so';
if ($requests < 1 || $perRequest < 1 || !is_file($ext)) {
    fwrite(STDERR, "usage: soak-persistent.php [REQUESTS] [PER_REQUEST] [SEED]   (extension: $ext)\n");
    exit(2);
}
$n = $requests * $perRequest;

function rss_kb_of(int $pid): ?int
{
    $s = @file_get_contents("/proc/$pid/status");
    return $s !== false && preg_match('/^VmRSS:\s+(\d+)/m', $s, $m) ? (int)$m[1] : null;
}

$chaos = ['seed' => $seed, 'drop' => 0.002, '421' => 0.002, 'stall' => 0.001, 'stall_ms' => 300];
$auto = ['ehlo' => ['PIPELINING', 'CHUNKING', '8BITMIME', 'SIZE 10240000'], 'digest' => true, 'chaos' => $chaos];
$srv = fake_start(['nodelay' => true, 'conns' => array_fill(0, intdiv($n, 20) + 50, [['auto' => $auto]]),
    'time_limit' => max(60, $n / 50)]);

// One request: PER_REQUEST messages on a persistent connection; one line "i outcome" per message.
$dir = fake_tmpdir();
$router = $dir . '/router.php';
file_put_contents($router, '<?php
$first = (int)$_GET["first"];
$smtp = new Smtp("127.0.0.1", ' . $srv->port . ', ["tls" => Smtp::TLS_NONE, "helo" => "client.example",
    "timeout" => 5, "command_timeout" => 0.2, "data_timeout" => 0.2, "persistent" => true]);
$body = str_repeat("soak test line of about sixty characters, repeated enough\n", 16);
for ($i = $first; $i < $first + ' . $perRequest . '; $i++) {
    $m = (new Smtp\Message)->from("soak@example.com")->to("r$i@example.net")->subject("soak $i")->text($body);
    try {
        $smtp->send($m);
        echo "$i sent\n";
    } catch (Smtp\Exception $e) {
        $unknown = str_starts_with($e->getMessage(), "Not known to be sent")
            || (str_contains($e->getMessage(), "not known whether") && !str_starts_with($e->getMessage(), "Not sent"));
        echo "$i ", $unknown ? "unknown" : "failed", "\n";
    }
}
');

$sock = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($sock, false), ':'), 1);
fclose($sock);
$web = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $ext, '-S', "127.0.0.1:$port", $router],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $dir . '/web.log', 'w']], $pipes);
$webPid = proc_get_status($web)['pid'];
for ($i = 0; $i < 100 && !@fsockopen('127.0.0.1', $port); $i++) {
    usleep(50000);
}

$outcome = [];
$t0 = microtime(true);
$rssFirst = null;
$http = stream_context_create(['http' => ['timeout' => 60]]);
for ($r = 0; $r < $requests; $r++) {
    $out = @file_get_contents("http://127.0.0.1:$port/?first=" . ($r * $perRequest), false, $http);
    foreach (explode("\n", trim((string)$out)) as $line) {
        if (preg_match('/^(\d+) (sent|failed|unknown)$/', $line, $m)) {
            $outcome[(int)$m[1]] = $m[2];
        }
    }
    $rssFirst ??= rss_kb_of($webPid);
}
$elapsed = microtime(true) - $t0;
$rssEnd = rss_kb_of($webPid);
proc_terminate($web);
proc_close($web);
fake_stop($srv);
$t = fake_wait($srv, 10);

$account = soak_account($outcome, $n, $t);
$report = ['requests' => $requests, 'messages' => $n, 'seconds' => round($elapsed, 1)] + $account + [
    'web_rss_kb_after_first_request' => $rssFirst, 'web_rss_kb_end' => $rssEnd,
];
unset($report['bad']);
echo json_encode($report, JSON_PRETTY_PRINT), "\n";
exit($account['bad'] ? 1 : 0);
