<?php
/*
 * DKIM benchmark: what signing costs, ours against PHPMailer's and Symfony Mailer's signers (Debian
 * packages libphp-phpmailer, php-symfony-mailer), and what a signed send costs in time and memory.
 *
 *   php bench/dkim.php [--attach-mb=50] [--small=300] [--large=3] [--extension=PATH]
 *
 * Section 1, signing cost per message, no network: each library builds the same message (1 KB text body;
 * or that body plus an attachment of --attach-mb MB of random bytes) into its final bytes, unsigned and
 * signed with the same 2048-bit RSA key (and ours also with Ed25519); the median of --small runs (1 KB)
 * or --large runs (attachment) is reported, and the difference is the signing cost. Ours: Smtp::render(),
 * the bytes send() transmits. PHPMailer: preSend() (builds and signs; its DKIM_Sign in it). Symfony:
 * Email::toString() and DkimSigner::sign() then toString().
 * Section 2, send() to smtp-sink (Postfix's), a fresh PHP process per run: seconds and peak RSS (VmHWM),
 * signed (rsa-sha256 + ed25519-sha256) against unsigned, 1 KB and --attach-mb MB.
 * Report (markdown) on stdout, progress on stderr.
 */

declare(strict_types=1);

$opt = getopt('', ['attach-mb:', 'small:', 'large:', 'extension:', 'worker:', 'port:', 'file:', 'sign:', 'key:']);
$root = dirname(__DIR__);
$attachMb = (int)($opt['attach-mb'] ?? 50);
$small = max(1, (int)($opt['small'] ?? 300));
$large = max(1, (int)($opt['large'] ?? 3));
$extension = $opt['extension'] ?? "$root/modules/smtp.so";
$body = str_repeat(str_repeat('x', 63) . "\n", 16);

function progress(string $s): void { fwrite(STDERR, $s . "\n"); }
function vm(string $field): float
{
    preg_match("/^$field:\\s+(\\d+) kB/m", (string)@file_get_contents('/proc/self/status'), $m);
    return isset($m[1]) ? (int)$m[1] / 1024 : 0.0;
}
function median(array $a): float { sort($a); return $a[intdiv(count($a), 2)]; }

/* ---- worker: one send() in a fresh process, prints JSON ---------------------------------------- */
if (isset($opt['worker'])) {
    $keys = json_decode(file_get_contents($opt['key']), true);
    $dkim = ['0' => null, 'rsa' => ['domain' => 'example.com', 'selector' => 'rsa', 'key' => $keys['rsa']], 'both' => [
        ['domain' => 'example.com', 'selector' => 'rsa', 'key' => $keys['rsa']],
        ['domain' => 'example.com', 'selector' => 'ed', 'key' => $keys['ed']],
    ]][$opt['sign']];
    $smtp = new Smtp('127.0.0.1', (int)$opt['port'], ['tls' => Smtp::TLS_NONE, 'dkim' => $dkim]);
    $smtp->connect();
    $m = (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('bench')->text($body);
    if ($opt['file'] !== 'none') {
        $m->attach($opt['file'], 'data.bin');
    }
    $before = vm('VmHWM');
    $t = hrtime(true);
    $smtp->send($m);
    $sec = (hrtime(true) - $t) / 1e9;
    echo json_encode(['seconds' => $sec, 'hwm' => vm('VmHWM'), 'hwm_before' => $before]), "\n";
    exit(0);
}

/* ---- keys ------------------------------------------------------------------------------------------ */
$tmp = sys_get_temp_dir() . '/smtp-dkim-bench-' . getmypid();
mkdir($tmp);
$rsa = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
openssl_pkey_export($rsa, $rsaPem);
$seed = random_bytes(32);
$edPem = "-----BEGIN PRIVATE KEY-----\n" . chunk_split(base64_encode(hex2bin('302e020100300506032b657004220420') . $seed), 64, "\n")
    . "-----END PRIVATE KEY-----\n";
file_put_contents("$tmp/keys.json", json_encode(['rsa' => $rsaPem, 'ed' => $edPem]));
file_put_contents("$tmp/rsa.pem", $rsaPem);
$file = "$tmp/attach.bin";
$fh = fopen($file, 'wb');
for ($i = 0; $i < $attachMb; $i++) {
    fwrite($fh, random_bytes(1 << 20));
}
fclose($fh);

$report = "# DKIM benchmark\n\n- " . php_uname('m') . ', PHP ' . PHP_VERSION . ', ' . OPENSSL_VERSION_TEXT . "\n"
    . "- command: `php bench/dkim.php --attach-mb=$attachMb --small=$small --large=$large`\n";

/* ---- section 1: signing cost ---------------------------------------------------------------------- */
$haveOurs = extension_loaded('smtp') || @dl(basename($extension));
$cases = [];
if (extension_loaded('smtp')) {
    $make = fn(bool $att) => (function () use ($att, $body, $file) {
        $m = (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('bench')->text($body);
        return $att ? $m->attach($file, 'data.bin') : $m;
    })();
    $plain = new Smtp('127.0.0.1', 25, ['tls' => Smtp::TLS_NONE]);
    $rsaSmtp = new Smtp('127.0.0.1', 25, ['tls' => Smtp::TLS_NONE, 'dkim' => ['domain' => 'example.com', 'selector' => 'rsa', 'key' => $rsaPem]]);
    $edSmtp = new Smtp('127.0.0.1', 25, ['tls' => Smtp::TLS_NONE, 'dkim' => ['domain' => 'example.com', 'selector' => 'ed', 'key' => $edPem]]);
    $cases['smtp ext (rsa-sha256)'] = [fn($att) => strlen($plain->render($make($att))), fn($att) => strlen($rsaSmtp->render($make($att)))];
    $cases['smtp ext (ed25519-sha256)'] = [fn($att) => strlen($plain->render($make($att))), fn($att) => strlen($edSmtp->render($make($att)))];
} else {
    progress("the smtp extension is not loaded (php -d extension=$extension bench/dkim.php): its rows are skipped");
}
if (is_file('/usr/share/php/libphp-phpmailer/autoload.php')) {
    require_once '/usr/share/php/libphp-phpmailer/autoload.php';
    $pm = function (bool $att, bool $sign) use ($body, $file, $rsaPem) {
        $mail = new PHPMailer\PHPMailer\PHPMailer(true);
        $mail->setFrom('a@example.com');
        $mail->addAddress('b@example.net');
        $mail->Subject = 'bench';
        $mail->Body = $body;
        if ($att) {
            $mail->addAttachment($file, 'data.bin');
        }
        if ($sign) {
            $mail->DKIM_domain = 'example.com';
            $mail->DKIM_selector = 'rsa';
            $mail->DKIM_private_string = $rsaPem;
        }
        $mail->preSend();
        return strlen($mail->getSentMIMEMessage());
    };
    $cases['PHPMailer ' . PHPMailer\PHPMailer\PHPMailer::VERSION . ' (rsa-sha256)'] = [fn($att) => $pm($att, false), fn($att) => $pm($att, true)];
}
if (is_file('/usr/share/php/Symfony/Component/Mailer/autoload.php')) {
    require_once '/usr/share/php/Symfony/Component/Mailer/autoload.php';
    $signer = new Symfony\Component\Mime\Crypto\DkimSigner('file://' . "$tmp/rsa.pem", 'example.com', 'rsa');
    $sm = function (bool $att, bool $sign) use ($body, $file, $signer) {
        $email = (new Symfony\Component\Mime\Email)->from('a@example.com')->to('b@example.net')->subject('bench')->text($body);
        if ($att) {
            $email->attachFromPath($file, 'data.bin');
        }
        return strlen(($sign ? $signer->sign($email) : $email)->toString());
    };
    $cases['Symfony Mailer (rsa-sha256)'] = [fn($att) => $sm($att, false), fn($att) => $sm($att, true)];
}

$report .= "\n## Signing cost per message (build the final bytes; no network; median)\n\n"
    . "| signer | message | unsigned ms | signed ms | signing cost ms | PHP peak memory MB (process) |\n|---|---|---|---|---|---|\n";
foreach ([false, true] as $att) {
    foreach ($cases as $name => [$unsigned, $signed]) {
        $runs = $att ? $large : $small;
        $u = $s = [];
        for ($i = 0; $i < $runs; $i++) {
            $t = hrtime(true);
            $unsigned($att);
            $u[] = (hrtime(true) - $t) / 1e6;
            $t = hrtime(true);
            $signed($att);
            $s[] = (hrtime(true) - $t) / 1e6;
        }
        $label = $att ? "1 KB + {$attachMb} MB attachment" : '1 KB text';
        progress(sprintf('%-32s %-26s %.3f ms / %.3f ms', $name, $label, median($u), median($s)));
        $report .= sprintf("| %s | %s | %.3f | %.3f | %.3f | %.0f |\n", $name, $label, median($u), median($s),
            median($s) - median($u), memory_get_peak_usage(true) / 1048576);
    }
}

/* ---- section 2: send() to smtp-sink, signed against unsigned --------------------------------------- */
$sinkBin = null;
foreach (['/usr/sbin/smtp-sink', '/usr/lib/postfix/sbin/smtp-sink', '/usr/bin/smtp-sink'] as $b) {
    if (is_executable($b)) { $sinkBin = $b; break; }
}
if ($sinkBin && is_file($extension)) {
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
    fclose($s);
    $cmd = [$sinkBin];
    if (function_exists('posix_geteuid') && posix_geteuid() === 0) array_push($cmd, '-u', 'nobody');
    array_push($cmd, "127.0.0.1:$port", '100');
    $sink = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $p);
    usleep(300000);
    $report .= "\n## send() to smtp-sink: time and peak RSS, a fresh process per run (median of $large)\n\n"
        . "| message | signers | unsigned s | signed s | × | unsigned VmHWM MB | signed VmHWM MB | + MB |\n|---|---|---|---|---|---|---|---|\n";
    foreach (['none' => '1 KB text', $file => "1 KB + {$attachMb} MB attachment"] as $f => $label) {
        $r = [];
        foreach (['0', 'rsa', 'both'] as $sign) {
            $runs = [];
            for ($i = 0; $i < $large; $i++) {
                $out = shell_exec(implode(' ', array_map('escapeshellarg', [PHP_BINARY, '-d', "extension=$extension", __FILE__,
                    '--worker=1', "--port=$port", "--file=$f", "--sign=$sign", "--key=$tmp/keys.json"])));
                $j = json_decode(trim((string)$out), true);
                if (!is_array($j)) { progress("worker failed: $out"); continue 2; }
                $runs[] = $j;
            }
            $r[$sign] = ['s' => median(array_column($runs, 'seconds')), 'hwm' => median(array_column($runs, 'hwm'))];
        }
        foreach (['rsa' => 'rsa-sha256', 'both' => 'rsa-sha256 + ed25519-sha256'] as $k => $signers) {
            if (!isset($r['0'], $r[$k])) {
                continue;
            }
            progress(sprintf('%-30s %-28s %.3f s / %.3f s, %.1f MB / %.1f MB', $label, $signers, $r['0']['s'], $r[$k]['s'],
                $r['0']['hwm'], $r[$k]['hwm']));
            $report .= sprintf("| %s | %s | %.3f | %.3f | %.2f | %.1f | %.1f | %+.1f |\n", $label, $signers, $r['0']['s'],
                $r[$k]['s'], $r[$k]['s'] / max($r['0']['s'], 1e-9), $r['0']['hwm'], $r[$k]['hwm'], $r[$k]['hwm'] - $r['0']['hwm']);
        }
    }
    proc_terminate($sink);
    proc_close($sink);
} else {
    progress('smtp-sink (postfix) or the extension is missing: the send() section is skipped');
}
array_map('unlink', glob("$tmp/*"));
rmdir($tmp);
echo $report;
