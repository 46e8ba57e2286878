<?php
/*
 * What opening and closing the extra connections of sendBatch($messages, ['connections' => N]) costs:
 * calls of a few messages each (so the setup and the QUIT of the extra connections are most of a call's
 * time), against smtp-sink through bench/delay-proxy.php.
 *
 *   php bench/batch-setup.php [--rtt=10] [--connections=4] [--messages=8] [--calls=20] [--extension=PATH ...]
 *
 * Each --extension (default: this checkout's modules/smtp.so; give several to compare builds) runs in a
 * fresh PHP process: the object's own connection is opened first (untimed), then --calls calls of
 * sendBatch() with --messages messages each are timed one by one; the median call time is reported, and
 * that time in round trips. Markdown on stdout.
 */

declare(strict_types=1);

$opt = getopt('', ['rtt:', 'connections:', 'messages:', 'calls:', 'extension:', 'help']);
if (isset($opt['help'])) {
    echo preg_replace('~^.*?/\*\n|\*/.*$~s', '', file_get_contents(__FILE__)), "\n";
    exit(0);
}
$rtt = (float)($opt['rtt'] ?? 10);
$connections = (int)($opt['connections'] ?? 4);
$messages = (int)($opt['messages'] ?? 8);
$calls = (int)($opt['calls'] ?? 20);
$extensions = (array)($opt['extension'] ?? [dirname(__DIR__) . '/modules/smtp.so']);

$sinkBin = null;
foreach (['/usr/sbin/smtp-sink', '/usr/lib/postfix/smtp-sink', '/usr/lib/postfix/sbin/smtp-sink'] as $p) {
    if (is_executable($p)) {
        $sinkBin = $p;
    }
}
if ($sinkBin === null) {
    fwrite(STDERR, "smtp-sink not found (Debian package postfix)\n");
    exit(2);
}
$probe = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($probe, false);
$sinkPort = (int)substr($name, strrpos($name, ':') + 1);
fclose($probe);
$sinkCmd = [$sinkBin];
if (function_exists('posix_getuid') && posix_getuid() === 0) {
    array_push($sinkCmd, '-u', 'nobody');
}
array_push($sinkCmd, "127.0.0.1:$sinkPort", '1000');
$sink = proc_open($sinkCmd, [0 => ['pipe', 'r'], 1 => STDERR, 2 => STDERR], $sinkPipes);
for ($i = 0; $i < 50 && !($s = @fsockopen('127.0.0.1', $sinkPort, $e, $es, 0.1)); $i++) {
    usleep(100000);
}
fclose($s);
$proxy = proc_open([PHP_BINARY, __DIR__ . '/delay-proxy.php', "--target=127.0.0.1:$sinkPort", "--rtt=$rtt"],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $proxyPipes);
if (!preg_match('/^LISTEN .*:(\d+)$/', trim((string)fgets($proxyPipes[1])), $m)) {
    fwrite(STDERR, "delay proxy failed\n");
    exit(1);
}
$port = (int)$m[1];

$code = <<<'PHP'
    [, $port, $connections, $messages, $calls] = array_map('intval', $argv);
    $smtp = new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE]);
    $smtp->noop(); // the object's own connection, untimed
    $times = [];
    for ($c = 0; $c < $calls; $c++) {
        $batch = [];
        for ($i = 0; $i < $messages; $i++) {
            $batch[] = (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m $c $i")->text("body\n");
        }
        $t = hrtime(true);
        $r = $smtp->sendBatch($batch, ['connections' => $connections]);
        $times[] = (hrtime(true) - $t) / 1e6;
        foreach ($r as $x) {
            if (!$x instanceof Smtp\Result) {
                fwrite(STDERR, "not sent: " . $x->getMessage() . "\n");
                exit(1);
            }
        }
    }
    sort($times);
    echo json_encode(['median_ms' => $times[intdiv(count($times), 2)], 'min_ms' => $times[0]]), "\n";
    PHP;

printf("- %d calls of sendBatch() with %d messages over %d connections, smtp-sink through the delay proxy at %.0f ms RTT; load average %s\n\n",
    $calls, $messages, $connections, $rtt, implode(' ', array_map(fn($x) => sprintf('%.2f', $x), sys_getloadavg())));
echo "| extension | median ms a call | in round trips | fastest call ms |\n|---|---|---|---|\n";
foreach ($extensions as $ext) {
    $out = shell_exec(implode(' ', array_map('escapeshellarg', [PHP_BINARY, '-n', '-d', "extension=$ext", '-r', $code,
        '--', (string)$port, (string)$connections, (string)$messages, (string)$calls])));
    $r = json_decode(trim((string)$out), true);
    if (!is_array($r)) {
        echo "| $ext | failed | | |\n";
        continue;
    }
    printf("| %s | %.1f | %.1f | %.1f |\n", $ext, $r['median_ms'], $r['median_ms'] / $rtt, $r['min_ms']);
}
fclose($proxyPipes[0]);
proc_terminate($proxy);
proc_close($proxy);
fclose($sinkPipes[0]);
proc_terminate($sink);
proc_close($sink);
