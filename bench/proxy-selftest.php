<?php
/*
 * Self-test of bench/delay-proxy.php:  php bench/proxy-selftest.php [--rtt=10]
 *
 * 1. latency: a 4-byte ping/pong through the proxy takes >= RTT (and not much more);
 * 2. full duplex + order: 16 MB each way at the same time, random write sizes, SHA-256 checked;
 * 3. half-close: the client's shutdown(WR) reaches the server as EOF after all data, while the
 *    server can still answer; the server's close then reaches the client as EOF;
 * 4. many small request/replies in sequence (the SMTP pattern) keep their order.
 * Exit status 0 when everything passes.
 */

declare(strict_types=1);

$opt = getopt('', ['rtt::']);
$rtt = isset($opt['rtt']) ? (float)$opt['rtt'] : 10.0;
$fail = 0;
function check(bool $ok, string $what): void
{
    global $fail;
    echo ($ok ? 'ok   ' : 'FAIL ') . $what . "\n";
    if (!$ok) $fail++;
}

$srv = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
$target = stream_socket_get_name($srv, false);
$proc = proc_open([PHP_BINARY, __DIR__ . '/delay-proxy.php', "--target=$target", "--rtt=$rtt"],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $pipes);
$line = fgets($pipes[1]);
if (!preg_match('/^LISTEN (\S+)/', (string)$line, $m)) {
    fwrite(STDERR, "proxy did not start: $line\n");
    exit(1);
}
$proxyAddr = $m[1];

function pair($srv, string $proxyAddr): array
{
    $ctx = stream_context_create(['socket' => ['tcp_nodelay' => true]]);
    $c = stream_socket_client("tcp://$proxyAddr", $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
    $s = stream_socket_accept($srv, 5);
    foreach ([$c, $s] as $x) {
        stream_set_read_buffer($x, 0);
        $sock = socket_import_stream($x);
        socket_set_option($sock, SOL_TCP, TCP_NODELAY, 1);
    }
    return [$c, $s];
}

function readExactly($s, int $n): string
{
    $buf = '';
    while (strlen($buf) < $n) {
        $d = fread($s, $n - strlen($buf));
        if ($d === '' || $d === false) {
            if (feof($s)) break;
            $r = [$s]; $w = $e = null;
            stream_select($r, $w, $e, 5);
            continue;
        }
        $buf .= $d;
    }
    return $buf;
}

// 1. latency
[$c, $s] = pair($srv, $proxyAddr);
$times = [];
for ($i = 0; $i < 10; $i++) {
    $t0 = hrtime(true);
    fwrite($c, 'ping');
    $got = readExactly($s, 4);
    fwrite($s, 'pong');
    $back = readExactly($c, 4);
    $times[] = (hrtime(true) - $t0) / 1e6;
    if ($got !== 'ping' || $back !== 'pong') { check(false, 'ping/pong content'); break; }
}
sort($times);
$median = $times[intdiv(count($times), 2)];
check($times[0] >= $rtt * 0.98 && $median < $rtt + 2.0,
    sprintf('round trip: min %.2f ms, median %.2f ms, max %.2f ms (RTT %.1f ms)', $times[0], $median, end($times), $rtt));

// 4. sequential small exchanges keep their order
$okSeq = true;
for ($i = 0; $i < 20; $i++) {
    fwrite($c, "CMD $i\r\n");
    $l = readExactly($s, strlen("CMD $i\r\n"));
    if ($l !== "CMD $i\r\n") $okSeq = false;
    fwrite($s, "250 reply $i\r\n");
    if (readExactly($c, strlen("250 reply $i\r\n")) !== "250 reply $i\r\n") $okSeq = false;
}
check($okSeq, '20 sequential command/reply exchanges in order');
fclose($c); fclose($s);

// 2. full duplex bulk, 3. half-close
[$c, $s] = pair($srv, $proxyAddr);
stream_set_blocking($c, false);
stream_set_blocking($s, false);
$size = 16 << 20;
$upData = random_bytes($size);
$downData = random_bytes($size);
$state = [
    'c' => ['sock' => $c, 'out' => $upData, 'off' => 0, 'in' => hash_init('sha256'), 'inLen' => 0, 'eof' => false, 'shut' => false],
    's' => ['sock' => $s, 'out' => $downData, 'off' => 0, 'in' => hash_init('sha256'), 'inLen' => 0, 'eof' => false, 'shut' => false],
];
$deadline = microtime(true) + 60;
while (microtime(true) < $deadline) {
    $r = $w = [];
    foreach ($state as $k => $x) {
        if (!$x['eof']) $r[] = $x['sock'];
        if ($x['off'] < strlen($x['out'])) $w[] = $x['sock'];
    }
    if (!$r && !$w) break;
    $e = null;
    if (stream_select($r, $w, $e, 5) === false) break;
    foreach ($state as $k => &$x) {
        if (in_array($x['sock'], $w, true)) {
            $len = min(strlen($x['out']) - $x['off'], random_int(1, 200000));
            $n = fwrite($x['sock'], substr($x['out'], $x['off'], $len));
            if ($n) $x['off'] += $n;
            if ($x['off'] === strlen($x['out']) && $k === 'c' && !$x['shut']) {
                stream_socket_shutdown($x['sock'], STREAM_SHUT_WR);   // client half-closes
                $x['shut'] = true;
            }
        }
        if (in_array($x['sock'], $r, true)) {
            $d = fread($x['sock'], 1 << 20);
            if ($d !== '' && $d !== false) {
                hash_update($x['in'], $d);
                $x['inLen'] += strlen($d);
            } elseif (feof($x['sock'])) {
                $x['eof'] = true;   // reading stops here, so the EOF must come after all the data
            }
        }
        // the server closes its side only after it saw the client's EOF and sent everything
        if ($k === 's' && $x['eof'] && $x['off'] === strlen($x['out']) && !$x['shut']) {
            stream_socket_shutdown($x['sock'], STREAM_SHUT_WR);
            $x['shut'] = true;
        }
    }
    unset($x);
}
check($state['s']['inLen'] === $size && hash_final($state['s']['in']) === hash('sha256', $upData),
    "client->server 16 MB intact and in order ({$state['s']['inLen']} bytes)");
check($state['c']['inLen'] === $size && hash_final($state['c']['in']) === hash('sha256', $downData),
    "server->client 16 MB intact and in order, concurrently ({$state['c']['inLen']} bytes)");
check($state['s']['eof'], 'client half-close reached the server as EOF after all data');
check($state['c']['eof'], 'server close reached the client as EOF after all data');
fclose($c); fclose($s);

// 5. server closes first: client sees EOF
[$c, $s] = pair($srv, $proxyAddr);
fwrite($s, "221 bye\r\n");
fclose($s);
$got = readExactly($c, 100);
check($got === "221 bye\r\n" && feof($c), 'server close after data: client gets the data then EOF');
fclose($c);

fclose($pipes[0]);   // proxy exits when its stdin closes
$t = microtime(true);
while (proc_get_status($proc)['running'] && microtime(true) - $t < 3) usleep(10000);
check(!proc_get_status($proc)['running'], 'proxy exits when its stdin is closed');
proc_close($proc);
echo $fail ? "$fail FAILED\n" : "all passed\n";
exit($fail ? 1 : 0);
