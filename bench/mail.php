<?php
/*
 * mail() through the smtp extension against PHP's own mail() and the Smtp class, all sending to the
 * private Postfix (tests/postfix/start.sh): the override and the class on its submission port (STARTTLS
 * + AUTH), PHP's own mail() through that instance's sendmail (sendmail -C its config dir).
 *
 *   php bench/mail.php --postfix=STATE_DIR [--messages=100] [--rtt=0,10] [--repeat=3] [--extension=PATH]
 *
 * Each cell is a fresh PHP process that sends --messages messages (1 KB body) and times the whole loop,
 * connection setup, STARTTLS and AUTH included: that is what a script calling mail() pays. At RTT > 0 the
 * client connects through bench/delay-proxy.php; PHP's own mail() has no network leg (sendmail writes to
 * the local queue), so it has no RTT column. The median of --repeat runs is reported (markdown on stdout,
 * progress on stderr).
 */

declare(strict_types=1);

$opt = getopt('', ['postfix:', 'messages:', 'rtt:', 'repeat:', 'extension:', 'help']);
if (isset($opt['help']) || !isset($opt['postfix'])) {
    echo preg_replace('~^.*?/\*\n|\*/.*$~s', '', file_get_contents(__FILE__)), "\n";
    exit(isset($opt['help']) ? 0 : 2);
}
$root = dirname(__DIR__);
$N = max(1, (int)($opt['messages'] ?? 100));
$rtts = array_map('floatval', explode(',', (string)($opt['rtt'] ?? '0,10')));
$repeat = max(1, (int)($opt['repeat'] ?? 3));
$extension = (string)($opt['extension'] ?? $root . '/modules/smtp.so');
$env = json_decode((string)@file_get_contents($opt['postfix'] . '/env.json'), true);
if (!is_array($env)) {
    fwrite(STDERR, "no env.json in {$opt['postfix']}: start the instance with tests/postfix/start.sh DIR\n");
    exit(2);
}
if (!is_file($extension)) {
    fwrite(STDERR, "extension not found: $extension (bash scripts/build.sh)\n");
    exit(2);
}

function progress(string $s): void
{
    fwrite(STDERR, $s . "\n");
}

/* The delay proxy in front of the submission port; its listening port. */
function start_proxy(string $target, float $rtt, ?array &$proc): int
{
    $proc = [];
    $proc['p'] = proc_open([PHP_BINARY, __DIR__ . '/delay-proxy.php', "--target=$target", "--rtt=$rtt"],
        [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $proc['pipes']);
    $line = trim((string)fgets($proc['pipes'][1]));
    if (!preg_match('/^LISTEN .*:(\d+)$/', $line, $m)) {
        throw new RuntimeException("delay proxy failed: $line");
    }
    return (int)$m[1];
}

function stop_proxy(array $proc): void
{
    fclose($proc['pipes'][0]);
    fclose($proc['pipes'][1]);
    proc_terminate($proc['p']);
    proc_close($proc['p']);
}

/* The loop each cell runs: $send($i) sends message $i and returns whether it was accepted. */
const LOOP = <<<'PHP'
    $n = (int)$argv[1];
    $body = str_repeat(str_repeat('x', 63) . "\n", 16);
    $ok = 0;
    $t0 = hrtime(true);
    for ($i = 1; $i <= $n; $i++) {
        $ok += $send($i, $body) ? 1 : 0;
    }
    $seconds = (hrtime(true) - $t0) / 1e9;
    echo json_encode(['sent' => $ok, 'seconds' => $seconds]), "\n";
    PHP;

/* The command line of one cell: [argv, description]. */
function cell(string $client, array $env, string $extension, string $host, int $port, int $n): array
{
    $php = [PHP_BINARY, '-n'];
    $ext = ['-d', "extension=$extension", '-d', 'openssl.cafile=' . $env['cafile']];
    $smtpIni = ['-d', 'smtp.override_mail=1', '-d', "smtp.host=$host", '-d', "smtp.port=$port",
        '-d', 'smtp.username=' . $env['user'], '-d', 'smtp.password=' . $env['password'],
        '-d', 'smtp.from=sender@example.com'];
    $mail = '$send = fn($i, $body) => mail("rcpt@example.net", "bench $i", $body, "X-Bench: mail");';
    switch ($client) {
        case 'override':
            $code = $mail . LOOP;
            return array_merge($php, $ext, $smtpIni, ['-r', $code, '--', (string)$n]);
        case 'override-per-call':
            // what every mail() call cost before the connection was kept: a connection of its own
            $code = '$send = function ($i, $body) { $r = mail("rcpt@example.net", "bench $i", $body, "X-Bench: mail"); '
                . 'smtp_mail_quit(); return $r; };' . LOOP;
            return array_merge($php, $ext, $smtpIni, ['-r', $code, '--', (string)$n]);
        case 'php-mail':
            $sendmail = '/usr/sbin/sendmail -C ' . $env['dir'] . '/etc -t -i';
            $code = $mail . LOOP;
            return array_merge($php, ['-d', "sendmail_path=$sendmail", '-d', 'sendmail_from=sender@example.com',
                '-r', 'ini_set("sendmail_from", "sender@example.com");' . str_replace('"X-Bench: mail"',
                '"From: sender@example.com\r\nX-Bench: mail"', $code), '--', (string)$n]);
        case 'class':
            $code = '$smtp = new Smtp(' . var_export($host, true) . ', ' . $port . ', ["username" => '
                . var_export($env['user'], true) . ', "password" => ' . var_export($env['password'], true) . ']);'
                . '$send = fn($i, $body) => $smtp->sendMail("sender@example.com", "rcpt@example.net", "bench $i", $body, '
                . '["X-Bench" => "class"]) instanceof Smtp\Result;' . LOOP;
            return array_merge($php, $ext, ['-r', $code, '--', (string)$n]);
    }
    throw new LogicException($client);
}

function run_cell(array $cmd): ?array
{
    $p = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($p);
    $r = json_decode(trim((string)$out), true);
    if (!is_array($r)) {
        progress('  cell failed: ' . trim($out . ' ' . $err));
        return null;
    }
    if (trim($err) !== '') {
        progress('  stderr: ' . substr(trim($err), 0, 300));
    }
    return $r;
}

function median(array $v): float
{
    sort($v);
    $n = count($v);
    return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}

$labels = [
    'override' => '`mail()` through `smtp.override_mail = 1`',
    'override-per-call' => '`mail()` through the override, a connection per call (what each call cost before: `smtp_mail_quit()` after each)',
    'php-mail' => 'PHP\'s own `mail()` through Postfix\'s `sendmail`',
    'class' => '`Smtp::sendMail()` on one object',
];
$load0 = sys_getloadavg();
$t0 = microtime(true);
$rates = [];
foreach ($rtts as $rtt) {
    $proxy = null;
    $port = (int)$env['ports']['submission'];
    if ($rtt > 0) {
        $port = start_proxy($env['host'] . ':' . $port, $rtt, $proxy);
    }
    foreach (array_keys($labels) as $client) {
        if ($client === 'php-mail' && $rtt > 0) {
            continue; // no network between PHP and the local queue
        }
        $runs = [];
        for ($r = 0; $r < $repeat; $r++) {
            $res = run_cell(cell($client, $env, $extension, $env['tls_name'], $port, $N));
            if ($res === null || $res['sent'] !== $N) {
                progress("  $client @ $rtt ms: " . ($res === null ? 'failed' : "{$res['sent']} of $N accepted"));
                continue;
            }
            $runs[] = $N / $res['seconds'];
            progress(sprintf('%-18s @ %4.1f ms run %d: %.1f msg/s', $client, $rtt, $r + 1, end($runs)));
        }
        $rates[$client][(string)$rtt] = $runs ? median($runs) : null;
    }
    if ($proxy) {
        stop_proxy($proxy);
    }
}

$fmt = fn(?float $v) => $v === null ? '-' : ($v >= 100 ? sprintf('%.0f', $v) : sprintf('%.1f', $v));
printf("- PHP %s, %d CPU(s), load average at start %s, at end %s; %d messages a cell, median of %d run(s); %.0f s in all\n\n",
    PHP_VERSION, (int)trim((string)shell_exec('nproc')), implode(' ', array_map(fn($x) => sprintf('%.2f', $x), $load0)),
    implode(' ', array_map(fn($x) => sprintf('%.2f', $x), sys_getloadavg())), $N, $repeat, microtime(true) - $t0);
echo '| client | ', implode(' | ', array_map(fn($r) => "msg/s, $r ms RTT", $rtts)), ' | × PHP\'s own `mail()` (loopback) |', "\n";
echo '|---|', str_repeat('---|', count($rtts)), "---|\n";
$base = $rates['php-mail']['0'] ?? null;
foreach ($labels as $client => $label) {
    $cells = array_map(fn($r) => $fmt($rates[$client][(string)$r] ?? null), $rtts);
    $x = $base && isset($rates[$client]['0']) ? sprintf('%.2f×', $rates[$client]['0'] / $base) : '-';
    echo "| $label | ", implode(' | ', $cells), " | $x |\n";
}
