<?php

declare(strict_types=1);

/*
 * The Laravel bridge in a real Laravel application (tests/app/, run through its artisan script)
 * against the private Postfix:
 *
 *   php -d extension=smtp.so bridges/laravel/tests/laravel.php
 *
 * Needs SMTP_TEST_POSTFIX_ENV (tests/postfix/start.sh's env.json) and Illuminate: Debian's
 * php-laravel-framework, or the vendor/autoload.php named by SMTP_LARAVEL_AUTOLOAD. Symfony Mailer
 * and Illuminate must come from the same autoloader. Ends with "laravel V (PHP V): N passed, N failed".
 */

require __DIR__ . '/../../../tests/postfix/postfix.inc';

$php = PHP_BINARY;
$ext = getenv('SMTP_EXTENSION') ?: null;
$autoload = getenv('SMTP_LARAVEL_AUTOLOAD') ?: '/usr/share/php/Illuminate/autoload.php';
$env = pf_env();

$passed = 0;
$failed = 0;
function check(string $name, bool $ok, string $detail = ''): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
        echo "ok - $name\n";
    } else {
        $failed++;
        echo "FAILED - $name" . ($detail !== '' ? ": $detail" : '') . "\n";
    }
}

function finish(string $label): never
{
    global $passed, $failed;
    echo "$label: $passed passed, $failed failed\n";
    exit($failed === 0 ? 0 : 1);
}

$label = 'laravel ? (PHP ' . PHP_VERSION . ')';

// ---------------------------------------------------------------- config/mail.php keys -> the DSN
if (!is_file($autoload)) {
    check('set-up', false, "no Illuminate autoloader at $autoload");
    finish($label);
}
require $autoload;
spl_autoload_register(static function (string $class): void {
    foreach (['Smtp\\Bridge\\Laravel\\' => __DIR__ . '/../src/', 'Smtp\\Bridge\\Symfony\\' => __DIR__ . '/../../symfony/src/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix) && is_file($file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php')) {
            require $file;
        }
    }
});
$dsn = static fn (array $c): string => (static function (Symfony\Component\Mailer\Transport\Dsn $d): string {
    $o = (new ReflectionProperty($d, 'options'))->getValue($d);
    ksort($o);
    return sprintf('%s://%s:%s@%s:%s %s', $d->getScheme(), $d->getUser() ?? '-', $d->getPassword() ?? '-',
        $d->getHost(), $d->getPort() ?? '-', json_encode($o));
})(Smtp\Bridge\Laravel\MailerDsn::fromConfig($c));
$error = static function (array $c): string {
    try {
        Smtp\Bridge\Laravel\MailerDsn::fromConfig($c);
        return 'no exception';
    } catch (InvalidArgumentException $e) {
        return 'InvalidArgumentException';
    }
};
$base = ['transport' => 'ext-smtp', 'host' => 'mx.example', 'port' => 587, 'username' => 'u', 'password' => 'p',
    'timeout' => null, 'local_domain' => null, 'from' => ['address' => 'a@example.com']];
$cases = [
    'encryption tls: ext+smtp, STARTTLS required' => [$base + ['encryption' => 'tls'], 'ext+smtp://u:p@mx.example:587 []'],
    'encryption null: STARTTLS when offered' => [$base + ['encryption' => null], 'ext+smtp://u:p@mx.example:587 {"require_tls":false}'],
    'encryption ssl: implicit TLS' => [['encryption' => 'ssl'] + $base, 'ext+smtps://u:p@mx.example:587 []'],
    'port 465 with tls: implicit TLS, as Laravel' => [['port' => '465', 'encryption' => 'tls'] + $base, 'ext+smtps://u:p@mx.example:465 []'],
    'Laravel 12 scheme smtps' => [['scheme' => 'smtps'] + $base, 'ext+smtps://u:p@mx.example:587 []'],
    'Laravel 12 scheme smtp, no encryption' => [['scheme' => 'smtp'] + $base, 'ext+smtp://u:p@mx.example:587 {"require_tls":false}'],
    'timeout and local_domain' => [['timeout' => 5, 'local_domain' => 'app.example', 'encryption' => 'tls'] + $base,
        'ext+smtp://u:p@mx.example:587 {"command_timeout":5,"local_domain":"app.example","timeout":5}'],
    'url wins, credentials decoded, query options' => [['url' => 'ext-smtp://us%40r:p%3Ass@url.example:2525?verify_peer=0', 'encryption' => 'tls'] + $base,
        'ext+smtp://us@r:p:ss@url.example:2525 {"verify_peer":"0"}'],
    'the keys Laravel adds (name) are not options' => [['name' => 'ext', 'encryption' => 'tls'] + $base, 'ext+smtp://u:p@mx.example:587 []'],
    'empty username: no AUTH' => [['username' => '', 'password' => null, 'encryption' => 'tls'] + $base, 'ext+smtp://-:-@mx.example:587 []'],
];
foreach ($cases as $name => [$config, $want]) {
    $got = $dsn($config);
    check("config: $name", $got === $want, "got $got, want $want");
}
foreach ([
    'an unknown encryption' => ['encryption' => 'tsl'] + $base,
    'an unknown scheme' => ['scheme' => 'http'] + $base,
    'no host' => ['host' => null] + $base,
    'port 0' => ['port' => 0] + $base,
    'a port that is not a number' => ['port' => '25x'] + $base,
    'a url without a host' => ['url' => 'ext-smtp:///nohost'] + $base,
] as $name => $config) {
    check("config: $name is refused when the mailer is made", $error($config) === 'InvalidArgumentException', $error($config));
}

if (!extension_loaded('smtp') || $env === null) {
    check('set-up', false, !extension_loaded('smtp') ? 'the smtp extension is not loaded' : 'no private Postfix (SMTP_TEST_POSTFIX_ENV)');
    finish($label);
}

// ---------------------------------------------------------------- the provider's transport
$transport = Smtp\Bridge\Laravel\SmtpMailServiceProvider::transport(['host' => '127.0.0.1', 'port' => 2465, 'encryption' => 'ssl']);
check('the provider makes the Symfony bridge\'s transport', $transport instanceof Smtp\Bridge\Symfony\ExtSmtpTransport
    && (string)$transport === 'ext+smtps://127.0.0.1:2465', get_debug_type($transport) . ' ' . $transport);
try {
    Smtp\Bridge\Laravel\SmtpMailServiceProvider::transport(['host' => '127.0.0.1', 'auth_mode' => 'login']);
    $e = null;
} catch (Throwable $e) {
}
check('a key the transport does not know (auth_mode) is refused when the mailer is made',
    $e instanceof Symfony\Component\Mailer\Exception\InvalidArgumentException && str_contains($e->getMessage(), 'auth_mode'),
    $e === null ? 'no exception' : get_class($e) . ': ' . $e->getMessage());

// ---------------------------------------------------------------- the application, in a work dir
$work = sys_get_temp_dir() . '/smtp-laravel-' . getmypid();
$app = $work . '/app';
exec('rm -rf ' . escapeshellarg($work) . ' && mkdir -p ' . escapeshellarg($work)
    . ' && cp -a ' . escapeshellarg(__DIR__ . '/app') . ' ' . escapeshellarg($app), $out, $rc);
if ($rc !== 0) {
    check('set-up', false, 'cannot copy the test application');
    finish($label);
}
register_shutdown_function(static fn () => exec('rm -rf ' . escapeshellarg($work)));
foreach (['storage/logs', 'storage/framework/views', 'storage/framework/cache', 'storage/app', 'bootstrap/cache', 'vendor/composer'] as $d) {
    mkdir("$app/$d", 0777, true);
}
touch("$app/storage/queue.sqlite");
// package discovery reads Composer's installed.json: the bridge's own composer.json, as installed
$package = json_decode((string)file_get_contents(__DIR__ . '/../composer.json'), true);
file_put_contents("$app/vendor/composer/installed.json", json_encode(['packages' => [
    ['name' => $package['name'], 'version' => 'dev-main', 'type' => $package['type'], 'extra' => $package['extra']],
]], JSON_PRETTY_PRINT));
$attachment = "$work/report.csv";
$csv = "id,value\n" . implode("\n", array_map(static fn ($i) => "$i," . bin2hex(random_bytes(8)), range(1, 200))) . "\n";
file_put_contents($attachment, $csv);

/** Runs artisan with the mail settings in $mail (MAIL_* variables); returns [exit code, output]. */
function artisan(array $args, array $mail, bool $background = false): array
{
    global $php, $app, $env, $ext, $autoload;
    $cmd = [$php, '-d', 'openssl.cafile=' . $env['cafile']];
    if ($ext !== null) {
        $cmd[] = '-d';
        $cmd[] = 'extension=' . $ext;
    }
    $cmd = array_merge($cmd, [$app . '/artisan'], $args);
    $vars = getenv() + [];
    foreach (array_keys($vars) as $k) {
        if (str_starts_with($k, 'MAIL_')) {
            unset($vars[$k]);
        }
    }
    $vars = array_merge($vars, ['SMTP_LARAVEL_AUTOLOAD' => $autoload,
        'SMTP_BRIDGES_DIR' => getenv('SMTP_BRIDGES_DIR') ?: realpath(__DIR__ . '/../..'), 'MAIL_HOST' => $env['host'],
        'MAIL_MAILER' => 'ext', 'MAIL_TIMEOUT' => '20'], $mail);
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, $app, $vars);
    if ($background) {
        return [$p, $pipes[1]];
    }
    $out = stream_get_contents($pipes[1]);
    fclose($pipes[1]);
    return [proc_close($p), (string)$out];
}

function short(string $out): string
{
    $out = trim(preg_replace('/\s+/', ' ', $out));
    return strlen($out) > 600 ? substr($out, 0, 600) . '...' : $out;
}

$submission = ['MAIL_PORT' => (string)$env['ports']['submission'], 'MAIL_ENCRYPTION' => 'tls',
    'MAIL_USERNAME' => $env['user'], 'MAIL_PASSWORD' => $env['password'], 'MAIL_EHLO_DOMAIN' => 'app.example'];

[$rc, $out] = artisan(['--version'], $submission);
$version = preg_match('/(\d+\.\d+\.\d+)/', $out, $m) ? $m[1] : '?';
$label = "laravel $version (PHP " . PHP_VERSION . ')';
check('artisan runs (' . trim($out) . ')', $rc === 0 && $version !== '?', short($out));
[$rc, $out] = artisan(['smtp-test:setup'], $submission);
check('the database queue\'s jobs table', $rc === 0, short($out));

/** The delivered copies of $id checked: recipients, headers, both bodies, the attachment. */
function check_delivered(string $name, string $id, array $recipients, ?string $protocol): void
{
    global $csv;
    $got = pf_find($id, count($recipients), 15);
    $to = array_map(static fn ($s) => $s['envelope']['to'], $got);
    sort($to);
    sort($recipients);
    check("$name: delivered to " . implode(', ', $recipients), $to === $recipients, 'delivered to ' . json_encode($to));
    if ($got === []) {
        return;
    }
    $s = $got[0];
    $problems = [];
    if ($s['subject'] !== "Report $id") {
        $problems[] = 'subject ' . json_encode($s['subject']);
    }
    if (!str_contains((string)$s['from'], 'app@example.com')) {
        $problems[] = 'from ' . json_encode($s['from']);
    }
    if (!str_contains((string)$s['to'], 'rcpt@example.net') || ($s['bcc'] ?? null) !== null) {
        $problems[] = 'to ' . json_encode($s['to']) . ' bcc ' . json_encode($s['bcc']);
    }
    if (trim((string)$s['body_text']) !== "Report $id attached.") {
        $problems[] = 'text ' . json_encode($s['body_text']);
    }
    if (!str_contains((string)$s['body_html'], "<b>$id</b>")) {
        $problems[] = 'html ' . json_encode($s['body_html']);
    }
    $att = $s['attachments'][0] ?? null;
    if (count($s['attachments']) !== 1 || $att['filename'] !== 'report.csv' || $att['content_type'] !== 'text/csv'
        || $att['sha256'] !== hash('sha256', $csv)) {
        $problems[] = 'attachments ' . json_encode($s['attachments']);
    }
    if (!preg_match('/^<[^@>]+@[^>]+>$/', (string)$s['message_id'])) {
        $problems[] = 'message-id ' . json_encode($s['message_id']);
    }
    if (($s['defects'] ?? []) !== []) {
        $problems[] = 'MIME defects ' . json_encode($s['defects']);
    }
    if ($protocol !== null && pf_protocol($s) !== $protocol) {
        $problems[] = 'received with ' . json_encode(pf_protocol($s)) . ", not $protocol";
    }
    check("$name: headers, text, HTML and the attachment as sent", $problems === [], implode('; ', $problems));
}

// ---------------------------------------------------------------- 1. Mail::send() through the provider
$id = pf_id();
[$rc, $out] = artisan(['smtp-test:send', $id, 'rcpt@example.net', $attachment, '--bcc=hidden@example.org'], $submission);
check('Mail::send() on the ext mailer (STARTTLS + AUTH)', $rc === 0 && preg_match('/^sent /m', $out) === 1, short($out));
check_delivered('sent', $id, ['rcpt@example.net', 'hidden@example.org'], 'ESMTPSA');

// ---------------------------------------------------------------- 2. queued, run by queue:work --once
$id = pf_id();
[$rc, $out] = artisan(['smtp-test:send', $id, 'rcpt@example.net', $attachment, '--queue'], $submission);
check('Mail::queue() stores the job', $rc === 0 && preg_match('/^queued$/m', $out) === 1, short($out));
$pdo = new PDO('sqlite:' . "$app/storage/queue.sqlite");
$jobs = static fn (): int => (int)$pdo->query('SELECT COUNT(*) FROM jobs')->fetchColumn();
check('one job waits in the queue', $jobs() === 1, 'jobs: ' . $jobs());
[$rc, $out] = artisan(['queue:work', '--once', '--tries=1'], $submission);
check('queue:work --once runs the job', $rc === 0 && str_contains($out, 'DONE') && !str_contains($out, 'FAIL'), short($out));
check('the queue is empty afterwards', $jobs() === 0, 'jobs: ' . $jobs());
check_delivered('queued', $id, ['rcpt@example.net'], 'ESMTPSA');

// ---------------------------------------------------------------- 3. a url, implicit TLS
$id = pf_id();
$url = sprintf('ext-smtp://%s:%s@%s:%d?encryption=ssl&local_domain=url.example', rawurlencode($env['user']),
    rawurlencode($env['password']), $env['host'], $env['ports']['smtps']);
[$rc, $out] = artisan(['smtp-test:send', $id, 'rcpt@example.net', $attachment], ['MAIL_URL' => $url, 'MAIL_PORT' => '1']);
check('MAIL_URL=ext-smtp://user:pass@host:port?encryption=ssl (implicit TLS; the url wins over the port key)', $rc === 0, short($out));
check_delivered('url', $id, ['rcpt@example.net'], 'ESMTPSA');

// ---------------------------------------------------------------- 4. a refused password
$id = pf_id();
[$rc, $out] = artisan(['smtp-test:send', $id, 'rcpt@example.net', $attachment], ['MAIL_PASSWORD' => 'wrong'] + $submission);
check('a refused password fails the send (535 in the error)', $rc !== 0 && str_contains($out, '535'), "exit $rc: " . short($out));
check('and nothing is delivered', pf_count_after($id, 1.0) === 0);

// ---------------------------------------------------------------- 5. an idle worker whose connection the server closed
// The plain port gets a 2 s idle timeout (smtpd_timeout): between the two jobs the server says
// 421 and closes; the worker's second mail goes out on a new connection.
$plain = ['MAIL_PORT' => (string)$env['ports']['plain'], 'MAIL_ENCRYPTION' => 'null'];
$mastercf = $env['dir'] . '/etc/master.cf';
$saved = (string)file_get_contents($mastercf);
$hup = static function () use ($env): void {
    exec('kill -HUP ' . (int)trim((string)file_get_contents($env['dir'] . '/spool/pid/master.pid')));
    usleep(500000); // the idle smtpd processes of the old configuration go away
};
file_put_contents($mastercf, preg_replace('~^(\S+:' . $env['ports']['plain'] . ' inet .*\n)~m', "$1  -o smtpd_timeout=2s\n", $saved, 1));
$hup();
$logStart = (int)@filesize($env['maillog']);
$first = pf_id();
$second = pf_id();
[$rc, $out] = artisan(['smtp-test:send', $first, 'rcpt@example.net', $attachment, '--queue'], $plain);
[$worker, $workerOut] = artisan(['queue:work', '--max-jobs=2', '--sleep=1', '--tries=1', '--timeout=60'], $plain, true);
$gotFirst = pf_find($first, 1, 15);
check('worker: the first job sent (plain port, opportunistic STARTTLS)', count($gotFirst) === 1
    && pf_protocol($gotFirst[0]) === 'ESMTPS', json_encode(array_map('pf_protocol', $gotFirst)));
sleep(4); // past the server's idle timeout: its 421 and the close wait for the worker
[$rc, $out] = artisan(['smtp-test:send', $second, 'rcpt@example.net', $attachment, '--queue'], $plain);
$deadline = microtime(true) + 30;
while (proc_get_status($worker)['running'] && microtime(true) < $deadline) {
    usleep(100000);
}
$running = proc_get_status($worker)['running'];
if ($running) {
    proc_terminate($worker);
}
$wout = (string)stream_get_contents($workerOut);
$wrc = proc_close($worker);
check('worker: the second job, after the server closed the idle connection, is sent', !$running
    && count(pf_find($second, 1, 15)) === 1 && !str_contains($wout, 'FAIL'), "exit $wrc: " . short($wout));
check('worker: no job left', $jobs() === 0, 'jobs: ' . $jobs());
clearstatcache();
$log = (string)@file_get_contents($env['maillog'], false, null, $logStart);
check('the server did close the idle connection (Postfix: timeout after END-OF-MESSAGE)',
    str_contains($log, 'timeout after END-OF-MESSAGE'), 'no timeout in the mail log');
file_put_contents($mastercf, $saved);
$hup();

finish($label);
