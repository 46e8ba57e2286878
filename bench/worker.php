<?php
/*
 * One benchmark client in its own PHP process (started by bench/run.php; usable alone).
 *
 *   php [-d extension=.../smtp.so] bench/worker.php --client=C --port=P [--host=127.0.0.1]
 *       [--mode=rate|attach] [--messages=N] [--cap=SECONDS] [--batch=N] [--file=PATH]
 *
 * Clients:
 *   ours               Smtp::send() of a new Smtp\Message per message, one connection
 *   ours-batch         Smtp::sendBatch() with --batch messages per call, one connection
 *   ours-batch-cN      Smtp::sendBatch() with 'connections' => N (N = 2, 4, 8, 16, ...); the connections
 *                      after the first are opened and closed by each call, so a call takes at least
 *                      --batch-parallel messages (default 1000)
 *   phpmailer          PHPMailer defaults, SMTPKeepAlive = true (one connection)
 *   phpmailer-nodelay  same with SMTPOptions socket tcp_nodelay = true
 *   symfony            Symfony Mailer EsmtpTransport, no TLS, restart threshold disabled (one connection)
 *   symfony-nodelay    same with the socket stream option tcp_nodelay = true
 *
 * mode=rate: connects, sends one warm-up message (so connection setup, greeting, EHLO, and
 * lazy class loading are excluded from the timing for every client), then sends up to
 * --messages identical messages, stopping early after --cap seconds (0 = no cap), and
 * reports the rate. The message object is built anew for every message by every client.
 * mode=attach: connects (not timed), then times the sending of one message with --file attached;
 * also reports PHP's memory (memory_get_usage / memory_get_peak_usage, true and false) before the
 * send and its peak during the send (memory_reset_peak_usage() just before it), and the process's
 * peak resident set (VmHWM of /proc/self/status) before and after.
 *
 * Output: one JSON object on stdout.
 */

declare(strict_types=1);

const FROM = 'bench-sender@example.com';
const TO = 'bench-rcpt@example.com';
const SUBJECT = 'Benchmark message';

$opt = getopt('', ['client:', 'host::', 'port:', 'mode::', 'messages::', 'cap::', 'batch::', 'file::',
    'batch-parallel::']);
$client = $opt['client'] ?? '';
$host = $opt['host'] ?? '127.0.0.1';
$port = (int)($opt['port'] ?? 0);
$mode = $opt['mode'] ?? 'rate';
$n = (int)($opt['messages'] ?? 1000);
$cap = (float)($opt['cap'] ?? 5);
$batch = max(1, (int)($opt['batch'] ?? 100));
$connections = preg_match('/^ours-batch-c(\d+)$/', $client, $cm) ? (int)$cm[1] : 1;
if ($connections > 1) {
    $batch = max($batch, (int)($opt['batch-parallel'] ?? 1000));
}
$file = $opt['file'] ?? null;

/** The 1 KB body: 16 lines of 63 characters + "\n" (1024 bytes; 1040 on the wire with CRLF). */
function body(): string
{
    $lines = [];
    for ($i = 0; $i < 16; $i++) {
        $lines[] = substr(sprintf('%02d ', $i) . str_repeat('The quick brown fox jumps over the lazy dog. ', 2), 0, 63);
    }
    return implode("\n", $lines) . "\n";
}

/** A "Name:   N kB" field of /proc/self/status (VmHWM, VmRSS) in kB; null where there is no procfs. */
function procStatusKb(string $field): ?int
{
    $s = @file_get_contents('/proc/self/status');
    return is_string($s) && preg_match('/^' . $field . ':\s+(\d+) kB/m', $s, $m) ? (int)$m[1] : null;
}

function out(array $r): never
{
    // whole process life; attach mode resets the peak before the send and passes the earlier peak in
    $r['peak_memory'] = max(memory_get_peak_usage(true), $r['peak_memory_before_send'] ?? 0);
    $r['peak_memory_false'] = max(memory_get_peak_usage(false), $r['peak_memory_false_before_send'] ?? 0);
    // ru_maxrss (kB on Linux) starts from the forking parent's RSS (it survives exec); VmHWM is this
    // process's own peak resident set since exec
    $r['max_rss_kb'] = getrusage()['ru_maxrss'];
    $r['vm_hwm_kb'] = procStatusKb('VmHWM');
    $r['vm_rss_kb'] = procStatusKb('VmRSS');
    echo json_encode($r, JSON_UNESCAPED_SLASHES), "\n";
    exit(0);
}

function fail(string $msg): never
{
    echo json_encode(['error' => $msg], JSON_UNESCAPED_SLASHES), "\n";
    exit(1);
}

/**
 * Each factory returns [sendOne(): string (the bytes of the message, for the size check),
 *                       connect(): void, sendMany(int $k): int (batch clients only)].
 */
function makeClient(string $client, string $host, int $port, string $body, ?string $attachPath): array
{
    switch ($client) {
        case 'ours':
        case 'ours-batch':
        case (preg_match('/^ours-batch-c\d+$/', $client) ? $client : ''):
            if (!class_exists('Smtp', false)) fail('the smtp extension is not loaded');
            $smtp = new Smtp($host, $port, ['tls' => Smtp::TLS_NONE]);
            $build = function () use ($body, $attachPath) {
                $m = (new Smtp\Message)->from(FROM)->to(TO)->subject(SUBJECT)->text($body);
                if ($attachPath !== null) {
                    if (!method_exists($m, 'attach')) fail('Smtp\Message::attach() does not exist');
                    $m->attach($attachPath);
                }
                return $m;
            };
            $last = null;
            $sendOne = function () use ($smtp, $build, &$last) {
                $last = $build();
                $smtp->send($last);
                return $last;
            };
            $size = function () use (&$last) { return $last ? strlen($last->toString()) : null; };
            $sendMany = null;
            if ($client !== 'ours') {
                global $connections;
                if (!method_exists($smtp, 'sendBatch')) fail('Smtp::sendBatch() does not exist');
                $options = $connections > 1 ? ['connections' => $connections] : [];
                $sendMany = function (int $k) use ($smtp, $build, &$last, $options): int {
                    $msgs = [];
                    for ($i = 0; $i < $k; $i++) $msgs[] = $build();
                    $last = $msgs[$k - 1];
                    // one entry per message: an Smtp\Result, or the exception that message got
                    $res = $smtp->sendBatch($msgs, $options);
                    $ok = 0;
                    foreach ($res as $r) {
                        if ($r instanceof Smtp\Result) $ok++;
                        elseif ($r instanceof Throwable) fail('sendBatch: ' . get_class($r) . ': ' . $r->getMessage());
                    }
                    if ($ok !== $k) fail("sendBatch returned $ok results for $k messages");
                    return $ok;
                };
            }
            return [$sendOne, fn() => $smtp->connect(), $sendMany, $size];

        case 'phpmailer':
        case 'phpmailer-nodelay':
            require_once '/usr/share/php/libphp-phpmailer/autoload.php';
            $m = new PHPMailer\PHPMailer\PHPMailer(true);
            $m->isSMTP();
            $m->Host = $host;
            $m->Port = $port;
            $m->SMTPAuth = false;
            $m->SMTPSecure = '';
            $m->SMTPAutoTLS = false;
            $m->SMTPKeepAlive = true;
            $m->CharSet = 'UTF-8';
            if ($client === 'phpmailer-nodelay') {
                $m->SMTPOptions = ['socket' => ['tcp_nodelay' => true]];
            }
            $sendOne = function () use ($m, $body, $attachPath) {
                $m->clearAllRecipients();
                $m->clearAttachments();
                $m->setFrom(FROM);
                $m->addAddress(TO);
                $m->Subject = SUBJECT;
                $m->Body = $body;
                if ($attachPath !== null) $m->addAttachment($attachPath);
                $m->send();
            };
            $size = fn() => strlen($m->getSentMIMEMessage());
            return [$sendOne, function () use ($m) { $m->smtpConnect($m->SMTPOptions); }, null, $size];

        case 'symfony':
        case 'symfony-nodelay':
            require_once '/usr/share/php/Symfony/Component/Mailer/autoload.php';
            $t = new Symfony\Component\Mailer\Transport\Smtp\EsmtpTransport($host, $port, false);
            // The default restarts the connection every 100 messages; "0 to disable" in 5.4
            // actually restarts after every message, so use a threshold that is never reached.
            $t->setRestartThreshold(PHP_INT_MAX);
            $stream = $t->getStream();
            if ($client === 'symfony-nodelay') {
                $stream->setStreamOptions(['socket' => ['tcp_nodelay' => true]]);
            }
            $sent = null;
            $sendOne = function () use ($t, $body, $attachPath, &$sent) {
                $e = (new Symfony\Component\Mime\Email())
                    ->from(FROM)->to(TO)->subject(SUBJECT)->text($body);
                if ($attachPath !== null) $e->attachFromPath($attachPath);
                $sent = $t->send($e);
            };
            $size = function () use (&$sent) { return $sent ? strlen($sent->toString()) : null; };
            // SmtpTransport::start() (connect, greeting, EHLO) is private; call it directly so
            // that the attachment timing excludes connection setup as for the other clients.
            $connect = function () use ($t) {
                $r = new ReflectionMethod(Symfony\Component\Mailer\Transport\Smtp\SmtpTransport::class, 'start');
                $r->setAccessible(true);
                $r->invoke($t);
            };
            return [$sendOne, $connect, null, $size];
    }
    fail("unknown client '$client'");
}

try {
    if ($mode === 'rate') {
        [$sendOne, , $sendMany, $size] = makeClient($client, $host, $port, body(), null);
        $sendOne();   // warm-up: connection, greeting, EHLO, class loading
        $sent = 0;
        $capNs = $cap > 0 ? (int)($cap * 1e9) : PHP_INT_MAX;
        $t0 = hrtime(true);
        if ($sendMany !== null) {
            while ($sent < $n) {
                $sent += $sendMany(min($batch, $n - $sent));
                if (hrtime(true) - $t0 > $capNs) break;
            }
        } else {
            while ($sent < $n) {
                $sendOne();
                $sent++;
                if (hrtime(true) - $t0 > $capNs) break;
            }
        }
        $secs = (hrtime(true) - $t0) / 1e9;
        out(['client' => $client, 'sent' => $sent, 'seconds' => $secs, 'rate' => $sent / $secs,
             'message_bytes' => $size()]);
    }
    if ($mode === 'attach') {
        if ($file === null || !is_file($file)) fail('--file is required for mode=attach');
        [$sendOne, $connect] = makeClient($client, $host, $port, "See the attached file.\n", $file);
        $connect();
        $r = ['client' => $client, 'memory_before' => memory_get_usage(true),
              'memory_before_false' => memory_get_usage(false),
              'peak_memory_before_send' => memory_get_peak_usage(true),
              'peak_memory_false_before_send' => memory_get_peak_usage(false),
              'max_rss_before_kb' => getrusage()['ru_maxrss'], 'vm_hwm_before_kb' => procStatusKb('VmHWM')];
        // so that memory_get_peak_usage() after the send is the peak during the send (PHP >= 8.2)
        $reset = function_exists('memory_reset_peak_usage');
        if ($reset) memory_reset_peak_usage();
        $t0 = hrtime(true);
        $sendOne();
        $secs = (hrtime(true) - $t0) / 1e9;
        $r['seconds'] = $secs;
        if ($reset) {
            $r['send_peak_memory'] = memory_get_peak_usage(true);
            $r['send_peak_memory_false'] = memory_get_peak_usage(false);
        }
        $r['file_bytes'] = filesize($file);
        out($r);
    }
    fail("unknown mode '$mode'");
} catch (Throwable $e) {
    fail(get_class($e) . ': ' . $e->getMessage());
}
