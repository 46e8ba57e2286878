<?php
/*
 * Symfony Mailer through the extension (ext+smtp://, bridges/symfony) against Symfony's own SMTP transport
 * (smtp://), both sending the same Symfony Email objects through the private Postfix's submission port
 * (STARTTLS + AUTH), on loopback and behind bench/delay-proxy.php (a round-trip time):
 *   - N messages of 1 KB (each transport keeps its one connection): time and messages per second;
 *   - one message with an attachment of M MB (attachFromPath): time, peak RSS of the process, PHP peak memory.
 * Each measurement runs in a fresh PHP process (its peak RSS is its own).
 *
 *   SMTP_TEST_POSTFIX_ENV=STATE/env.json php bench/symfony.php [--messages=200] [--rtt=0,10] [--attach-mb=50]
 *       [--repeat=3] [--extension=modules/smtp.so] [--autoload=/usr/share/php/Symfony/Component/Mailer/autoload.php]
 *
 * The Postfix must take the attachment: start it with SMTP_PF_SIZE_LIMIT=0 (or large enough) for 50 MB,
 * which base64 makes 68 MB. The report (markdown) goes to stdout, progress to stderr.
 */

declare(strict_types=1);

$opt = getopt('', ['messages:', 'rtt:', 'attach-mb:', 'repeat:', 'extension:', 'autoload:', 'worker', 'dsn:',
    'transport:', 'count:', 'attach:', 'cafile:', 'peer-name:', 'help']);
if (isset($opt['help'])) {
    echo preg_replace('~^.*?/\*\n|\*/.*$~s', '', file_get_contents(__FILE__)), "\n";
    exit(0);
}
$autoload = (string) ($opt['autoload'] ?? (getenv('SYMFONY_MAILER_AUTOLOAD') ?: '/usr/share/php/Symfony/Component/Mailer/autoload.php'));

if (isset($opt['worker'])) {
    exit(worker($opt, $autoload));
}

$envFile = getenv('SMTP_TEST_POSTFIX_ENV');
$env = $envFile ? json_decode((string) @file_get_contents($envFile), true) : null;
if (!is_array($env)) {
    fwrite(STDERR, "set SMTP_TEST_POSTFIX_ENV to the env.json of tests/postfix/start.sh\n");
    exit(2);
}
$messages = (int) ($opt['messages'] ?? 200);
$rtts = array_map('floatval', explode(',', (string) ($opt['rtt'] ?? '0,10')));
$attachMb = (int) ($opt['attach-mb'] ?? 50);
$repeat = max(1, (int) ($opt['repeat'] ?? 3));
$extension = (string) ($opt['extension'] ?? (dirname(__DIR__) . '/modules/smtp.so'));
if (!is_file($extension)) {
    fwrite(STDERR, "no extension at $extension (bash scripts/build.sh, or --extension=)\n");
    exit(2);
}

/** A delay proxy (bench/delay-proxy.php) in front of $target; its port, and how to stop it. */
function proxy(string $target, float $rtt): array
{
    $proc = proc_open([PHP_BINARY, __DIR__ . '/delay-proxy.php', "--target=$target", "--rtt=$rtt"],
        [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $pipes);
    $line = (string) fgets($pipes[1]);
    if (!preg_match('/^LISTEN .*:(\d+)$/', trim($line), $m)) {
        throw new RuntimeException("delay proxy failed: $line");
    }

    return [(int) $m[1], static function () use ($proc, $pipes): void {
        fclose($pipes[0]);   // it exits when its stdin closes
        fclose($pipes[1]);
        proc_close($proc);
    }];
}

/** One measurement in a fresh PHP process: its JSON result. */
function run(string $transport, string $dsn, array $args): array
{
    global $extension, $autoload, $env;
    $cmd = [PHP_BINARY, '-d', 'memory_limit=-1'];
    if ($transport === 'ext') {
        array_push($cmd, '-d', "extension=$extension");
    }
    array_push($cmd, __FILE__, '--worker', "--transport=$transport", "--dsn=$dsn", "--autoload=$autoload",
        "--cafile={$env['cafile']}", "--peer-name={$env['tls_name']}");
    foreach ($args as $k => $v) {
        $cmd[] = "--$k=$v";
    }
    $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($proc);
    $r = json_decode((string) $out, true);

    return is_array($r) ? $r : ['error' => trim($out . ' ' . $err)];
}

$host = $env['host'];
$port = (int) $env['ports']['submission'];
$user = rawurlencode($env['user']);
$pass = rawurlencode($env['password']);
$file = sys_get_temp_dir() . '/smtp-bench-symfony-' . getmypid() . '.bin';
if ($attachMb > 0) {
    $h = fopen($file, 'w');
    $block = random_bytes(1 << 20);
    for ($left = $attachMb * 1000 * 1000; $left > 0; $left -= strlen($block)) {
        fwrite($h, $left >= strlen($block) ? $block : substr($block, 0, $left));
    }
    fclose($h);
}
register_shutdown_function(static fn () => @unlink($file));

$label = ['ext' => 'Symfony Mailer, `ext+smtp://` (this extension)', 'symfony' => 'Symfony Mailer, `smtp://` (its own)'];
$report = [];
foreach ($rtts as $rtt) {
    $stop = null;
    $p = $port;
    if ($rtt > 0) {
        [$p, $stop] = proxy("$host:$port", $rtt);
    }
    $dsns = [
        'ext' => "ext+smtp://$user:$pass@$host:$p?cafile=" . rawurlencode($env['cafile']) . "&peer_name={$env['tls_name']}",
        'symfony' => "smtp://$user:$pass@$host:$p",
    ];
    foreach (['ext', 'symfony'] as $t) {
        $best = null;
        for ($i = 0; $i < $repeat; $i++) {
            fwrite(STDERR, sprintf("rtt %g ms, %s, %d x 1 KB, run %d\n", $rtt, $t, $messages, $i + 1));
            $r = run($t, $dsns[$t], ['count' => $messages]);
            if (isset($r['error'])) {
                fwrite(STDERR, "  error: {$r['error']}\n");
                $best = $r;
                break;
            }
            $best = $best === null || $r['seconds'] < $best['seconds'] ? $r : $best;
        }
        $report[$rtt]['msgs'][$t] = $best;
        if ($attachMb > 0) {
            fwrite(STDERR, sprintf("rtt %g ms, %s, one %d MB attachment\n", $rtt, $t, $attachMb));
            $report[$rtt]['attach'][$t] = run($t, $dsns[$t], ['attach' => $file]);
        }
    }
    if ($stop) {
        $stop();
    }
}

$version = trim((string) shell_exec("dpkg-query -W -f='\${Version}' php-symfony-mailer 2>/dev/null"));
printf("Symfony Mailer %s, PHP %s, Postfix submission port (STARTTLS + AUTH PLAIN), best of %d runs for the messages\n\n",
    $version !== '' ? $version : '(' . $autoload . ')', PHP_VERSION, $repeat);
echo "| RTT | transport | $messages x 1 KB: s | msg/s | × Symfony's | $attachMb MB attachment: s | peak RSS MB | PHP peak MB |\n";
echo "|---|---|---|---|---|---|---|---|\n";
foreach ($report as $rtt => $r) {
    foreach (['ext', 'symfony'] as $t) {
        $m = $r['msgs'][$t];
        $a = $r['attach'][$t] ?? null;
        $cell = static fn (?array $x, string $k, string $f) => $x === null ? '' : (isset($x['error']) ? 'error' : sprintf($f, $x[$k]));
        $ratio = isset($m['rate'], $r['msgs']['symfony']['rate']) ? sprintf('%.1f', $m['rate'] / $r['msgs']['symfony']['rate']) : '';
        printf("| %s ms | %s | %s | %s | %s | %s | %s | %s |\n", $rtt, $label[$t], $cell($m, 'seconds', '%.2f'),
            $cell($m, 'rate', '%.0f'), $t === 'ext' ? $ratio : '1.0', $cell($a, 'seconds', '%.2f'),
            $cell($a, 'peak_rss_mb', '%.1f'), $cell($a, 'peak_mb', '%.1f'));
    }
}
foreach ($report as $rtt => $r) {
    foreach ($r as $kind => $byTransport) {
        foreach ($byTransport as $t => $x) {
            if (isset($x['error'])) {
                echo "\n$kind, $t, $rtt ms: error: {$x['error']}\n";
            }
        }
    }
}

/** The child: sends and prints {"seconds", "rate", "peak_rss_mb", "peak_mb"} as JSON. */
function worker(array $opt, string $autoload): int
{
    require $autoload;
    if ($opt['transport'] === 'ext') {
        spl_autoload_register(static function (string $class): void {
            $prefix = 'Smtp\\Bridge\\Symfony\\';
            if (str_starts_with($class, $prefix)) {
                require dirname(__DIR__) . '/bridges/symfony/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            }
        });
        $transport = (new Symfony\Component\Mailer\Transport([new Smtp\Bridge\Symfony\ExtSmtpTransportFactory()]))
            ->fromString($opt['dsn']);
    } else {
        $transport = Symfony\Component\Mailer\Transport::fromDsn($opt['dsn']);
        // Postfix's certificate: its CA and name, as the extension's DSN gives them
        $stream = $transport->getStream();
        $stream->setStreamOptions(array_replace_recursive($stream->getStreamOptions(),
            ['ssl' => ['cafile' => $opt['cafile'], 'peer_name' => $opt['peer-name']]]));
    }
    $body = str_repeat("A line of text of the benchmark message, 1 KB in all.\n", 16);   // 880 octets + header
    $t0 = microtime(true);
    if (isset($opt['attach'])) {
        $count = 1;
        $transport->send((new Symfony\Component\Mime\Email())->from('sender@example.com')->to('rcpt@example.net')
            ->subject('bench attachment')->text("attached\n")->attachFromPath($opt['attach'], 'big.bin'));
    } else {
        $count = (int) $opt['count'];
        for ($i = 0; $i < $count; $i++) {
            $transport->send((new Symfony\Component\Mime\Email())->from('sender@example.com')->to('rcpt@example.net')
                ->subject("bench $i")->text($body));
        }
    }
    $seconds = microtime(true) - $t0;
    $status = (string) @file_get_contents('/proc/self/status');
    echo json_encode([
        'seconds' => $seconds,
        'rate' => $count / $seconds,
        'peak_rss_mb' => preg_match('/^VmHWM:\s+(\d+) kB/m', $status, $m) ? $m[1] / 1024 : null,
        'peak_mb' => memory_get_peak_usage() / 1048576,
    ]), "\n";

    return 0;
}
