<?php
/*
 * Benchmark of the smtp extension against PHPMailer and Symfony Mailer (Debian packages).
 *
 *   php bench/run.php [--messages=5000] [--rtt=0,10] [--cap=5] [--repeat=3] [--repeat-rtt=1] [--quick]
 *                     [--clients=ours,ours-batch,ours-batch-c4,ours-batch-c8,ours-batch-c16,phpmailer,...]
 *                     [--batch=100] [--batch-parallel=1000] [--attach-mb=50] [--attach-repeat=1] [--attach-bare]
 *                     [--no-throughput] [--no-attach] [--no-callgrind] [--no-smtp-source]
 *                     [--postfix[=STATE_DIR]] [--extension=PATH]
 *
 * See bench/README.md for what is measured and how. Progress goes to stderr, the report
 * (markdown) to stdout.
 */

declare(strict_types=1);

const ALL_CLIENTS = ['ours', 'ours-batch', 'ours-batch-c4', 'ours-batch-c8', 'ours-batch-c16', 'phpmailer',
    'phpmailer-nodelay', 'symfony', 'symfony-nodelay'];
const PARALLEL_CLIENTS = ['ours-batch-c4', 'ours-batch-c8', 'ours-batch-c16'];
const CLIENT_LABEL = [
    'ours' => 'smtp ext `send()`',
    'ours-batch' => 'smtp ext `sendBatch()`',
    'ours-batch-c4' => 'smtp ext `sendBatch()`, 4 connections',
    'ours-batch-c8' => 'smtp ext `sendBatch()`, 8 connections',
    'ours-batch-c16' => 'smtp ext `sendBatch()`, 16 connections',
    'phpmailer' => 'PHPMailer (default, keep-alive)',
    'phpmailer-nodelay' => 'PHPMailer + tcp_nodelay',
    'symfony' => 'Symfony Mailer (EsmtpTransport)',
    'symfony-nodelay' => 'Symfony Mailer + tcp_nodelay',
];

$opt = getopt('', ['messages:', 'rtt:', 'cap:', 'repeat:', 'quick', 'clients:', 'batch:', 'attach-mb:',
    'no-attach', 'no-callgrind', 'no-smtp-source', 'postfix::', 'extension:', 'repeat-rtt:', 'help',
    'attach-repeat:', 'attach-bare', 'no-throughput', 'batch-parallel:']);
if (isset($opt['help'])) {
    echo preg_replace('~^.*?/\*\n|\*/.*$~s', '', file_get_contents(__FILE__)), "\n";
    exit(0);
}
$quick = isset($opt['quick']);
$N = (int)($opt['messages'] ?? ($quick ? 1000 : 5000));
$rtts = array_map('floatval', explode(',', (string)($opt['rtt'] ?? '0,10')));
$cap = (float)($opt['cap'] ?? ($quick ? 2 : 5));
$repeat = max(1, (int)($opt['repeat'] ?? ($quick ? 1 : 3)));
// At RTT > 0 the time is dominated by the simulated round trips and varies little between runs.
$repeatRtt = max(1, (int)($opt['repeat-rtt'] ?? 1));
$batch = max(1, (int)($opt['batch'] ?? 100));
// sendBatch() with several connections opens and closes the extra ones in each call: a call takes this many
$batchParallel = max(1, (int)($opt['batch-parallel'] ?? 1000));
$attachMb = (int)($opt['attach-mb'] ?? 50);
$attachRepeat = max(1, (int)($opt['attach-repeat'] ?? 1));
// also run ours with `php -n` (no php.ini, so none of the distribution's shared extensions): the
// process's resident set without the ~8 MB those add
$attachBare = isset($opt['attach-bare']);
$doThroughput = !isset($opt['no-throughput']);
$clients = isset($opt['clients']) ? explode(',', (string)$opt['clients']) : ALL_CLIENTS;
foreach ($clients as $c) {
    if (!in_array($c, ALL_CLIENTS, true)) { fwrite(STDERR, "unknown client $c\n"); exit(2); }
}
$doAttach = !isset($opt['no-attach']);
$doCallgrind = !isset($opt['no-callgrind']);
$doSource = !isset($opt['no-smtp-source']);
$postfixDir = null;
if (array_key_exists('postfix', $opt)) {
    $postfixDir = is_string($opt['postfix']) && $opt['postfix'] !== ''
        ? $opt['postfix'] : (getenv('TMPDIR') ?: '/tmp') . '/smtp-postfix-test';
}
$root = dirname(__DIR__);
$extension = $opt['extension'] ?? $root . '/modules/smtp.so';

function progress(string $s): void { fwrite(STDERR, $s . "\n"); }

function findTool(string $name): ?string
{
    foreach (['/usr/sbin', '/usr/lib/postfix', '/usr/lib/postfix/sbin', '/usr/bin', '/usr/local/sbin'] as $d) {
        if (is_executable("$d/$name")) return "$d/$name";
    }
    $p = trim((string)shell_exec('command -v ' . escapeshellarg($name) . ' 2>/dev/null'));
    return $p !== '' ? $p : null;
}

function freePort(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
    fclose($s);
    return $port;
}

/** EHLO probe: returns the list of EHLO keyword lines (after the first line). */
function ehlo(string $host, int $port): array
{
    $s = @stream_socket_client("tcp://$host:$port", $errno, $errstr, 5);
    if (!$s) return [];
    stream_set_timeout($s, 5);
    $readReply = function () use ($s): array {
        $lines = [];
        while (($l = fgets($s)) !== false) {
            $lines[] = rtrim($l, "\r\n");
            if (strlen($l) < 4 || $l[3] !== '-') break;
        }
        return $lines;
    };
    $readReply();
    fwrite($s, "EHLO bench.example\r\n");
    $lines = $readReply();
    fwrite($s, "QUIT\r\n");
    $readReply();
    fclose($s);
    return array_map(fn($l) => substr($l, 4), array_slice($lines, 1));
}

final class Sink
{
    public $proc;
    public array $pipes = [];
    public int $port;
    private string $counterFile;

    public function __construct(string $bin)
    {
        // smtp-sink -c writes a counter line per message to stdout. It goes to a file, not a pipe:
        // a pipe that is not drained while a client runs fills up and then blocks smtp-sink.
        $this->counterFile = tempnam(sys_get_temp_dir(), 'smtp-sink-counter-');
        for ($try = 0; $try < 5; $try++) {
            $this->port = freePort();
            $cmd = [$bin, '-c'];
            if (function_exists('posix_geteuid') && posix_geteuid() === 0) array_push($cmd, '-u', 'nobody');
            array_push($cmd, "127.0.0.1:{$this->port}", '1000');
            $this->proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->counterFile, 'w'],
                2 => ['pipe', 'w']], $this->pipes);
            stream_set_blocking($this->pipes[2], false);
            for ($i = 0; $i < 100; $i++) {
                if ($c = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $e, $es, 1)) { fclose($c); return; }
                if (!proc_get_status($this->proc)['running']) break;
                usleep(20000);
            }
            $err = stream_get_contents($this->pipes[2]);
            $this->stop();
        }
        throw new RuntimeException('cannot start smtp-sink: ' . $err);
    }

    /** Messages received so far ("." seen), from smtp-sink -c's counter line "sess=N quit=N mesg=N". */
    public function messages(): int
    {
        clearstatcache(true, $this->counterFile);
        $size = (int)@filesize($this->counterFile);
        $tail = (string)@file_get_contents($this->counterFile, false, null, max(0, $size - 256));
        return preg_match_all('/mesg=(\d+)/', $tail, $m) ? (int)end($m[1]) : 0;
    }

    /** Waits until the counter reaches $expected (smtp-sink updates it asynchronously). */
    public function waitFor(int $expected, float $timeout = 1.0): int
    {
        $t = microtime(true);
        do {
            $n = $this->messages();
            if ($n >= $expected) return $n;
            usleep(5000);
        } while (microtime(true) - $t < $timeout);
        return $n;
    }

    public function stop(): void
    {
        if ($this->proc) {
            $st = proc_get_status($this->proc);
            if ($st['running']) posix_kill($st['pid'], SIGTERM);
            foreach ($this->pipes as $p) @fclose($p);
            proc_close($this->proc);
            $this->proc = null;
        }
        @unlink($this->counterFile);
    }
}

final class Proxy
{
    public $proc;
    public array $pipes = [];
    public int $port;

    public function __construct(string $target, float $rtt)
    {
        $this->proc = proc_open([PHP_BINARY, __DIR__ . '/delay-proxy.php', "--target=$target", "--rtt=$rtt"],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $this->pipes);
        $line = (string)fgets($this->pipes[1]);
        if (!preg_match('/^LISTEN .*:(\d+)$/', trim($line), $m)) throw new RuntimeException("delay proxy failed: $line");
        $this->port = (int)$m[1];
    }

    public function stop(): void
    {
        if (!$this->proc) return;
        fclose($this->pipes[0]);   // the proxy exits when its stdin closes
        $t = microtime(true);
        while (proc_get_status($this->proc)['running'] && microtime(true) - $t < 2) usleep(10000);
        $st = proc_get_status($this->proc);
        if ($st['running']) posix_kill($st['pid'], SIGTERM);
        fclose($this->pipes[1]);
        proc_close($this->proc);
        $this->proc = null;
    }
}

/** Runs bench/worker.php in a fresh PHP process; returns its JSON result (or ['error' => ...]). */
function worker(string $client, array $args, array $prefix = [], array $phpArgs = []): array
{
    global $extension;
    $cmd = array_merge($prefix, [PHP_BINARY], $phpArgs, ['-d', 'memory_limit=-1']);
    if (str_starts_with($client, 'ours')) array_push($cmd, '-d', "extension=$extension");
    $cmd[] = __DIR__ . '/worker.php';
    $cmd[] = "--client=$client";
    foreach ($args as $k => $v) $cmd[] = "--$k=$v";
    $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]); fclose($pipes[2]);
    $rc = proc_close($proc);
    $lines = array_values(array_filter(explode("\n", trim($out))));
    $res = $lines ? json_decode(end($lines), true) : null;
    if (!is_array($res)) $res = ['error' => "worker exit $rc: " . trim($out . ' ' . $err)];
    $res['stderr'] = $err;
    return $res;
}

function median(array $xs): float
{
    sort($xs);
    $n = count($xs);
    return $n % 2 ? $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2;
}

function fmtRate(?float $r): string
{
    if ($r === null) return 'n/a';
    return $r >= 100 ? number_format($r, 0, '.', '') : number_format($r, 1, '.', '');
}

function fmtRatio(?float $a, ?float $b): string
{
    if ($a === null || $b === null || $b <= 0) return 'n/a';
    return ($a / $b >= 10 ? number_format($a / $b, 0) : number_format($a / $b, 2)) . '×';
}

function loadavg(): string
{
    $l = @file_get_contents('/proc/loadavg');
    return $l ? implode(' ', array_slice(explode(' ', $l), 0, 3)) : 'n/a';
}

/**
 * Measures every client at every RTT against host:port (through a delay proxy when RTT > 0).
 * Returns [client][rtt] => ['rate' => median msg/s, 'runs' => [...], 'note' => string].
 */
function rateMatrix(array $clients, array $rtts, string $host, int $port, ?Sink $sink, array $args): array
{
    global $repeat, $repeatRtt;
    $res = [];
    foreach ($rtts as $rtt) {
        $proxy = $rtt > 0 ? new Proxy("$host:$port", $rtt) : null;
        $p = $proxy ? $proxy->port : $port;
        $h = $proxy ? '127.0.0.1' : $host;
        foreach ($clients as $c) {
            $runs = [];
            $note = '';
            for ($i = 0, $reps = $rtt > 0 ? $repeatRtt : $repeat; $i < $reps; $i++) {
                $before = $sink ? $sink->messages() : 0;
                $r = worker($c, $args + ['host' => $h, 'port' => $p, 'mode' => 'rate']);
                if (isset($r['error'])) { $note = $r['error']; break; }
                if ($sink) {
                    // the worker sends one untimed warm-up message before the timed ones
                    $got = $sink->waitFor($before + $r['sent'] + 1) - $before;
                    if ($got !== $r['sent'] + 1) $note = "sink received $got messages, client reported " . ($r['sent'] + 1);
                }
                $runs[] = $r;
                progress(sprintf('  %-18s rtt %4s ms  run %d: %5d msgs in %6.3f s = %8.1f msg/s  (%s B/msg)',
                    $c, $rtt, $i + 1, $r['sent'], $r['seconds'], $r['rate'], $r['message_bytes'] ?? '?'));
            }
            if ($note !== '') progress("  $c rtt $rtt ms: $note");
            $res[$c][(string)$rtt] = [
                'rate' => $runs ? median(array_column($runs, 'rate')) : null,
                'runs' => $runs,
                'note' => $note,
                'bytes' => $runs ? $runs[0]['message_bytes'] ?? null : null,
            ];
        }
        $proxy?->stop();
    }
    return $res;
}

function rateTable(array $res, array $clients, array $rtts, bool $withRatios): string
{
    $hdr = ['client'];
    foreach ($rtts as $r) $hdr[] = "msg/s @ {$r} ms";
    if ($withRatios) {
        $rs = implode(' / ', array_map(fn($r) => "$r", $rtts));
        $hdr[] = "× PHPMailer+nodelay ($rs ms)";
        $hdr[] = "× Symfony ($rs ms)";
    }
    $hdr[] = 'msgs timed (' . implode(' / ', $rtts) . ' ms)';
    $hdr[] = 'bytes/msg';
    $out = '| ' . implode(' | ', $hdr) . " |\n|" . str_repeat('---|', count($hdr)) . "\n";
    foreach ($clients as $c) {
        $row = [CLIENT_LABEL[$c] ?? $c];
        foreach ($rtts as $r) {
            $cell = $res[$c][(string)$r] ?? null;
            $row[] = $cell && $cell['rate'] !== null ? fmtRate($cell['rate']) : 'n/a';
        }
        if ($withRatios) {
            foreach (['phpmailer-nodelay', 'symfony'] as $ref) {
                $row[] = implode(' / ', array_map(fn($r) => fmtRatio($res[$c][(string)$r]['rate'] ?? null,
                    $res[$ref][(string)$r]['rate'] ?? null), $rtts));
            }
        }
        $row[] = implode(' / ', array_map(fn($r) => ($res[$c][(string)$r]['runs'] ?? [])
            ? (string)median(array_column($res[$c][(string)$r]['runs'], 'sent')) : '-', $rtts));
        $row[] = (string)($res[$c][(string)$rtts[0]]['bytes'] ?? 'n/a');
        $out .= '| ' . implode(' | ', $row) . " |\n";
    }
    $notes = [];
    foreach ($clients as $c) foreach ($rtts as $r) {
        if (($res[$c][(string)$r]['note'] ?? '') !== '') $notes[] = "- $c @ $r ms: " . $res[$c][(string)$r]['note'];
    }
    return $out . ($notes ? "\n" . implode("\n", $notes) . "\n" : '');
}

/** sendBatch() over 1, 4, 8, 16 connections beside PHPMailer and Symfony, and how many times one connection's batch. */
function parallelTable(array $res, array $clients, array $rtts): string
{
    $rows = array_values(array_intersect(['ours-batch', ...PARALLEL_CLIENTS, 'phpmailer', 'phpmailer-nodelay', 'symfony',
        'symfony-nodelay'], $clients));
    if (!array_intersect(PARALLEL_CLIENTS, $rows) || !in_array('ours-batch', $rows, true)) {
        return '';
    }
    $hdr = ['client'];
    foreach ($rtts as $r) {
        $hdr[] = "msg/s @ {$r} ms";
        $hdr[] = "× one connection's batch @ {$r} ms";
    }
    $out = '| ' . implode(' | ', $hdr) . " |\n|" . str_repeat('---|', count($hdr)) . "\n";
    foreach ($rows as $c) {
        $row = [CLIENT_LABEL[$c] ?? $c];
        foreach ($rtts as $r) {
            $rate = $res[$c][(string)$r]['rate'] ?? null;
            $row[] = fmtRate($rate);
            $row[] = fmtRatio($rate, $res['ours-batch'][(string)$r]['rate'] ?? null);
        }
        $out .= '| ' . implode(' | ', $row) . " |\n";
    }
    return $out;
}

// ------------------------------------------------------------------------------------------------

$sinkBin = findTool('smtp-sink');
$sourceBin = findTool('smtp-source');
if (!$sinkBin) { fwrite(STDERR, "smtp-sink not found (apt-get install -y postfix)\n"); exit(1); }
$haveExt = is_file($extension);
$available = [];
foreach ($clients as $c) {
    if (str_starts_with($c, 'ours') && !$haveExt) { progress("skipping $c: $extension does not exist"); continue; }
    if ($c === 'ours-batch' && !str_contains((string)shell_exec(escapeshellarg(PHP_BINARY) . ' -d ' . escapeshellarg("extension=$extension")
            . ' -r ' . escapeshellarg('echo method_exists("Smtp", "sendBatch") ? "yes" : "no";') . ' 2>/dev/null'), 'yes')) {
        progress("skipping ours-batch: Smtp::sendBatch() does not exist in this build");
        continue;
    }
    if (in_array($c, PARALLEL_CLIENTS, true) && !str_contains((string)shell_exec(escapeshellarg(PHP_BINARY) . ' -d '
            . escapeshellarg("extension=$extension") . ' -r ' . escapeshellarg('echo method_exists("Smtp", "sendBatch") '
            . '&& (new ReflectionMethod("Smtp", "sendBatch"))->getNumberOfParameters() >= 2 ? "yes" : "no";') . ' 2>/dev/null'), 'yes')) {
        progress("skipping $c: Smtp::sendBatch() takes no options in this build");
        continue;
    }
    $available[] = $c;
}
$skipped = array_values(array_diff($clients, $available));

$sink = new Sink($sinkBin);
register_shutdown_function(fn() => $sink->stop());
if (function_exists('pcntl_async_signals')) {   // Ctrl-C / kill: still stop smtp-sink
    pcntl_async_signals(true);
    foreach ([SIGINT, SIGTERM] as $sig) pcntl_signal($sig, function () { progress('interrupted'); exit(130); });
}
$caps = ehlo('127.0.0.1', $sink->port);
$load0 = loadavg();
$t0 = microtime(true);

$report = "## Environment\n\n";
$report .= sprintf("- %s, PHP %s, %d CPU(s), load average at start %s\n", php_uname('s') . ' ' . php_uname('r'), PHP_VERSION,
    (int)trim((string)shell_exec('nproc 2>/dev/null')) ?: 0, $load0);
$pm = @file_get_contents('/usr/share/php/libphp-phpmailer/src/PHPMailer.php');
$report .= '- PHPMailer ' . (preg_match("/VERSION = '([^']+)'/", (string)$pm, $m) ? $m[1] : '?')
    . ', Symfony Mailer ' . trim((string)shell_exec("dpkg-query -W -f='\${Version}' php-symfony-mailer 2>/dev/null"))
    . ', Postfix ' . trim((string)shell_exec('postconf -h mail_version 2>/dev/null')) . "\n";
$report .= "- smtp-sink EHLO: " . implode(', ', array_map(fn($l) => $l === '' ? '(empty last line)' : $l, $caps))
    . (in_array('CHUNKING', array_map('strtoupper', $caps), true) ? '' : ' — **no CHUNKING**') . "\n";
if ($doThroughput) {
    $report .= sprintf("- up to %d messages per cell, time cap %.0f s per cell, median of %d run(s) at 0 ms and %d at RTT > 0, batch size %d\n",
        $N, $cap, $repeat, $repeatRtt, $batch);
}
if ($doAttach) {
    $report .= sprintf("- attachment: %d MB, %d run(s) per client%s\n", $attachMb, $attachRepeat,
        $attachBare ? ', ours also with `php -n`' : '');
}
if ($skipped) $report .= '- skipped: ' . implode(', ', $skipped) . "\n";

// ---------------------------------------------------------------- throughput
if ($doThroughput) {
    progress("== throughput against smtp-sink 127.0.0.1:{$sink->port}");
    $res = rateMatrix($available, $rtts, '127.0.0.1', $sink->port, $sink,
        ['messages' => $N, 'cap' => $cap, 'batch' => $batch, 'batch-parallel' => $batchParallel]);
    $single = array_values(array_diff($available, PARALLEL_CLIENTS));
    $report .= "\n## Throughput: 1 KB message, one connection, smtp-sink\n\n" . rateTable($res, $single, $rtts, true);
    $par = parallelTable($res, $available, $rtts);
    if ($par !== '') {
        $report .= "\n## Several connections: `sendBatch(\$messages, ['connections' => N])`, smtp-sink (no CHUNKING: over DATA)\n\n"
            . "(Same run as above; $batchParallel messages a call, each call opening and closing the connections after the first;"
            . " the delay proxy keeps one queue per connection and direction.)\n\n" . $par;
    }
}

// ---------------------------------------------------------------- smtp-source reference
/**
 * Postfix's smtp-source against host:port at every RTT; returns markdown table rows.
 * $variants: list of flag lists, e.g. [['-d'], []].
 */
function smtpSourceRows(string $bin, string $host, int $port, ?Sink $sink, array $variants): array
{
    global $rtts, $N, $cap, $repeat, $repeatRtt;
    $rows = [];
    foreach ($variants as $flags) {
        $row = [$flags ? '`smtp-source -d` (one connection)' : '`smtp-source` (new connection per message)'];
        $counts = [];
        foreach ($rtts as $rtt) {
            $proxy = $rtt > 0 ? new Proxy("$host:$port", $rtt) : null;
            $p = $proxy ? $proxy->port : $port;
            $h = $proxy ? '127.0.0.1' : $host;
            // smtp-source has no time cap: size the run so that it takes about --cap seconds
            $m = $rtt > 0 ? max(10, min($N, (int)($cap * 1000 / ($rtt * ($flags ? 4 : 6))))) : min($N, 2000);
            $rates = [];
            for ($i = 0, $reps = $rtt > 0 ? $repeatRtt : $repeat; $i < $reps; $i++) {
                $before = $sink ? $sink->messages() : 0;
                $cmd = array_merge([$bin, '-s', '1', '-m', (string)$m, '-l', '1024'], $flags,
                    ['-f', 'bench-sender@example.com', '-t', 'bench-rcpt@example.com', "$h:$p"]);
                $t = hrtime(true);
                $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']], $pipes);
                $err = stream_get_contents($pipes[2]);
                fclose($pipes[2]);
                $rc = proc_close($proc);
                $secs = (hrtime(true) - $t) / 1e9;
                if ($rc !== 0) progress("  smtp-source exit $rc: $err");
                if ($sink && ($got = $sink->waitFor($before + $m) - $before) !== $m) progress("  smtp-source: sink got $got of $m");
                $rates[] = $m / $secs;
                progress(sprintf('  smtp-source %-3s rtt %4s ms: %5d msgs in %6.3f s = %8.1f msg/s', implode(' ', $flags), $rtt, $m, $secs, $m / $secs));
            }
            $row[] = fmtRate(median($rates));
            $counts[] = $m;
            $proxy?->stop();
        }
        $row[] = implode(' / ', $counts);
        $rows[] = $row;
    }
    return $rows;
}

if ($doSource && $sourceBin) {
    progress('== smtp-source');
    $rows = smtpSourceRows($sourceBin, '127.0.0.1', $sink->port, $sink, [['-d'], []]);
    $report .= "\nReference, Postfix's C client (`smtp-source -s 1 -m M -l 1024`, no pipelining; timing includes its process start and connection):\n\n";
    $report .= '| client | ' . implode(' | ', array_map(fn($r) => "msg/s @ {$r} ms", $rtts)) . " | messages |\n|"
        . str_repeat('---|', count($rtts) + 2) . "\n";
    foreach ($rows as $row) $report .= '| ' . implode(' | ', $row) . " |\n";
}

// ---------------------------------------------------------------- 50 MB attachment
function mb(?float $bytes, int $dec = 1): string
{
    return $bytes === null ? 'n/a' : number_format($bytes / 1048576, $dec, '.', '');
}

if ($doAttach) {
    progress("== {$attachMb} MB attachment");
    $tmp = sys_get_temp_dir() . '/smtp-bench-' . getmypid();
    @mkdir($tmp, 0700);
    $file = "$tmp/attachment.bin";
    $fh = fopen($file, 'wb');
    for ($i = 0; $i < $attachMb; $i++) fwrite($fh, random_bytes(1 << 20));
    fclose($fh);
    $variants = [];   // [key, client, label, php args]
    foreach (array_values(array_intersect(['ours', 'phpmailer', 'symfony'], $available)) as $c) {
        $variants[] = [$c, $c, CLIENT_LABEL[$c], []];
        if ($c === 'ours' && $attachBare) $variants[] = ['ours-bare', $c, CLIENT_LABEL[$c] . ', `php -n`', ['-n']];
    }
    $rows = [];
    $runs = [];       // key => list of worker results
    foreach ($variants as [$key, $c, $label, $phpArgs]) {
        for ($i = 1; $i <= $attachRepeat; $i++) {
            $before = $sink->messages();
            $r = worker($c, ['host' => '127.0.0.1', 'port' => $sink->port, 'mode' => 'attach', 'file' => $file], [], $phpArgs);
            $run = $attachRepeat > 1 ? (string)$i : '';
            if (isset($r['error'])) {
                progress("  $key: {$r['error']}");
                $rows[] = [$label, $run, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', $r['error']];
                continue 2;
            }
            $got = $sink->waitFor($before + 1, 10) - $before;
            $growth = isset($r['send_peak_memory_false']) ? $r['send_peak_memory_false'] - $r['memory_before_false'] : null;
            $hwm = isset($r['vm_hwm_kb']) ? $r['vm_hwm_kb'] * 1024 : null;
            $hwm0 = isset($r['vm_hwm_before_kb']) ? $r['vm_hwm_before_kb'] * 1024 : null;
            progress(sprintf('  %-10s run %d: %.3f s, PHP peak %s MB (true) / %s MB (false), PHP growth during send %s MB, VmHWM %s MB (%s MB before sending)',
                $key, $i, $r['seconds'], mb($r['peak_memory']), mb($r['peak_memory_false'], 2), mb($growth, 2), mb($hwm, 2), mb($hwm0, 2)));
            $rows[] = [$label, $run, sprintf('%.3f', $r['seconds']), mb($r['peak_memory']), mb($r['peak_memory_false'], 2),
                mb($growth, 2), mb($hwm, 2), mb($hwm0, 2), $got === 1 ? '' : "sink received $got messages"];
            $runs[$key][] = $r + ['label' => $label];
        }
    }
    unlink($file);
    @rmdir($tmp);
    $report .= "\n## {$attachMb} MB attachment (random bytes, one message, smtp-sink at 0 ms; fresh PHP process per run; connection set up before timing)\n\n";
    $report .= "| client | run | seconds | memory_get_peak_usage(true) MB | memory_get_peak_usage(false) MB | PHP memory growth during send MB | peak RSS (VmHWM) MB | VmHWM before send MB | note |\n"
        . "|---|---|---|---|---|---|---|---|---|\n";
    foreach ($rows as $row) $report .= '| ' . implode(' | ', $row) . " |\n";
    if (isset($runs['ours']) && count($runs) > 1) {
        // medians over the runs; the ratios are "times ours"
        $med = fn(string $k, string $f) => median(array_map(fn($r) => (float)($r[$f] ?? 0), $runs[$k]));
        $report .= "\nMedians over the runs, and how many times ours each figure is:\n\n"
            . "| client | seconds | × ours | memory_get_peak_usage(true) MB | × ours | peak RSS (VmHWM) MB | × ours |\n|---|---|---|---|---|---|---|\n";
        foreach ($runs as $k => $rs) {
            $report .= sprintf("| %s | %.3f | %s | %s | %s | %s | %s |\n", $rs[0]['label'],
                $med($k, 'seconds'), fmtRatio($med($k, 'seconds'), $med('ours', 'seconds')),
                mb($med($k, 'peak_memory')), fmtRatio($med($k, 'peak_memory'), $med('ours', 'peak_memory')),
                mb($med($k, 'vm_hwm_kb') * 1024, 2), fmtRatio($med($k, 'vm_hwm_kb'), $med('ours', 'vm_hwm_kb')));
        }
    }
}

// ---------------------------------------------------------------- callgrind
if ($doCallgrind) {
    $valgrind = findTool('valgrind');
    if (!$valgrind) {
        $report .= "\n(callgrind skipped: valgrind not installed)\n";
    } else {
        progress('== callgrind');
        $rows = [];
        $lo = 20; $hi = 200;
        foreach (array_values(array_intersect(['ours', 'ours-batch', 'phpmailer-nodelay', 'symfony-nodelay'], $available)) as $c) {
            $ir = [];
            foreach ([$lo, $hi] as $k) {
                $r = worker($c, ['host' => '127.0.0.1', 'port' => $sink->port, 'mode' => 'rate', 'messages' => $k, 'cap' => 0,
                    'batch' => min($batch, 20)],
                    [$valgrind, '--tool=callgrind', '--callgrind-out-file=/dev/null']);
                if (isset($r['error']) || !preg_match('/Collected\s*:\s*(\d+)/', $r['stderr'], $m)) {
                    progress("  $c x$k: " . ($r['error'] ?? 'no "Collected" line'));
                    continue 2;
                }
                $ir[$k] = (int)$m[1];
                progress(sprintf('  %-18s %3d msgs: %s instructions', $c, $k, number_format($ir[$k])));
            }
            $rows[$c] = ($ir[$hi] - $ir[$lo]) / ($hi - $lo);
        }
        $report .= "\n## Instructions per message (callgrind, client process only, smtp-sink at 0 ms)\n\n"
            . "(Ir of a run with $hi messages minus Ir of a run with $lo, divided by " . ($hi - $lo) . "; start-up, connection and the warm-up message cancel out.)\n\n"
            . "| client | instructions / message | × ours |\n|---|---|---|\n";
        foreach ($rows as $c => $v) {
            $report .= sprintf("| %s | %s | %s |\n", CLIENT_LABEL[$c], number_format($v, 0, '.', ','),
                isset($rows['ours']) ? fmtRatio($v, $rows['ours']) : 'n/a');
        }
    }
}

// ---------------------------------------------------------------- private Postfix
if ($postfixDir !== null) {
    $envFile = "$postfixDir/env.json";
    if (!is_file($envFile)) {
        $report .= "\n(--postfix: $envFile not found; start the instance with `tests/postfix/start.sh $postfixDir` as root)\n";
    } else {
        $env = json_decode(file_get_contents($envFile), true);
        $pfHost = $env['host'] ?? '127.0.0.1';
        $pfPort = (int)($env['ports']['plain'] ?? 0);
        $pfCaps = ehlo($pfHost, $pfPort);
        progress("== private Postfix $pfHost:$pfPort");
        $pfClients = array_values(array_intersect(['ours', 'ours-batch', ...PARALLEL_CLIENTS, 'phpmailer-nodelay'], $available));
        $pf = rateMatrix($pfClients, $rtts, $pfHost, $pfPort, null, ['messages' => $N, 'cap' => $cap, 'batch' => $batch,
            'batch-parallel' => $batchParallel]);
        $report .= "\n## Throughput against the private Postfix (plain port $pfPort, real queueing and Maildir delivery)\n\n"
            . '- Postfix EHLO: ' . implode(', ', $pfCaps) . "\n\n" . rateTable($pf, $pfClients, $rtts, false);
        $par = parallelTable($pf, $pfClients, $rtts);
        if ($par !== '') {
            $report .= "\nSeveral connections against this Postfix, and how many times one connection's batch:\n\n" . $par;
        }
        if ($doSource && $sourceBin) {
            progress('== smtp-source against Postfix');
            $report .= "\nPostfix's own client against the same instance (how fast this Postfix accepts mail at all, without pipelining):\n\n"
                . '| client | ' . implode(' | ', array_map(fn($r) => "msg/s @ {$r} ms", $rtts)) . " | messages |\n|"
                . str_repeat('---|', count($rtts) + 2) . "\n";
            foreach (smtpSourceRows($sourceBin, $pfHost, $pfPort, null, [['-d']]) as $row) $report .= '| ' . implode(' | ', $row) . " |\n";
        }
    }
}

$report .= sprintf("\nTotal %.0f s; load average at end %s.\n", microtime(true) - $t0, loadavg());
$sink->stop();
echo $report;
