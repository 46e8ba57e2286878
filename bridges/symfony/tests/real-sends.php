<?php

/*
 * Real sends through Symfony Mailer and ExtSmtpTransport to the private Postfix (tests/postfix/start.sh):
 * text + HTML + attachment + Bcc, implicit TLS, a refused password, a rejected recipient, failover() from
 * a dead server, several messages on one connection, restart_threshold, an iterable that throws, and a
 * large attachment with its memory reported.
 *
 *   SMTP_TEST_POSTFIX_ENV=STATE/env.json [SYMFONY_MAILER_AUTOLOAD=...] [SMTP_BIG_MB=50] \
 *       php -d extension=smtp.so bridges/symfony/tests/real-sends.php
 *
 * Prints "ok: ..." / "FAILED: ..." lines, then "N passed, N failed"; exits 1 when anything failed.
 */

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

use Smtp\Bridge\Symfony\AuthenticationFailedException;
use Smtp\Bridge\Symfony\ExtSmtpTransport;
use Smtp\Bridge\Symfony\ExtSmtpTransportFactory;
use Smtp\Bridge\Symfony\RecipientRejectedException;
use Symfony\Component\Mailer\Envelope;
use Symfony\Component\Mailer\Exception\TransportException;
use Symfony\Component\Mailer\Exception\TransportExceptionInterface;
use Symfony\Component\Mailer\Mailer;
use Symfony\Component\Mailer\Transport;
use Symfony\Component\Mime\Address;
use Symfony\Component\Mime\Email;
use Symfony\Component\Mime\Message;
use Symfony\Component\Mime\Part\TextPart;

$passed = 0;
$failed = 0;
function check(string $label, bool $ok, string $detail = ''): void
{
    global $passed, $failed;
    $ok ? $passed++ : $failed++;
    echo $ok ? 'ok: ' : 'FAILED: ', $label, $detail !== '' ? " ($detail)" : '', "\n";
}

function finish(): never
{
    global $passed, $failed;
    echo "$passed passed, $failed failed\n";
    exit($failed ? 1 : 0);
}

if (!extension_loaded('smtp')) {
    check('the smtp extension is loaded', false);
    finish();
}
$envFile = getenv('SMTP_TEST_POSTFIX_ENV');
$env = $envFile ? json_decode((string) @file_get_contents($envFile), true) : null;
if (!is_array($env)) {
    check('the private Postfix is running (SMTP_TEST_POSTFIX_ENV)', false, 'start tests/postfix/start.sh');
    finish();
}

/** Summaries of the delivered copies carrying X-Test-Id: $id (tests/postfix/check.py). */
function delivered(string $id, int $count = 1, float $timeout = 15): array
{
    global $env;
    $cmd = array_map('escapeshellarg', [$env['python'], $env['check'], '--find', $env['maildir'], '--header',
        "X-Test-Id: $id", '--count', (string) $count, '--timeout', (string) $timeout]);
    $out = shell_exec(implode(' ', $cmd));
    $r = json_decode((string) $out, true);

    return is_array($r) ? $r : [];
}

function dsn(string $scheme, string $port, ?string $user, ?string $password, array $options = []): string
{
    global $env;
    $auth = $user === null ? '' : rawurlencode($user) . ':' . rawurlencode((string) $password) . '@';
    $options += ['cafile' => $env['cafile'], 'peer_name' => $env['tls_name'], 'local_domain' => 'client.example',
        'timeout' => '10'];

    return sprintf('%s://%s%s:%d?%s', $scheme, $auth, $env['host'], $env['ports'][$port], http_build_query($options));
}

function test_id(): string
{
    return 'sf-' . getmypid() . '-' . bin2hex(random_bytes(6));
}

function tagged(Email $email, string $id): Email
{
    $email->getHeaders()->addTextHeader('X-Test-Id', $id);

    return $email;
}

/** The highest resident set size of this process so far, in bytes (Linux), else null. */
function peak_rss(): ?int
{
    $status = @file_get_contents('/proc/self/status');

    return $status !== false && preg_match('/^VmHWM:\s+(\d+) kB/m', $status, $m) ? (int) $m[1] * 1024 : null;
}

$transports = new Transport([new ExtSmtpTransportFactory()]);
$user = $env['user'];
$password = $env['password'];
$tmp = sys_get_temp_dir() . '/smtp-symfony-' . getmypid();
@mkdir($tmp, 0700);
register_shutdown_function(static function () use ($tmp): void {
    foreach (glob("$tmp/*") ?: [] as $f) {
        @unlink($f);
    }
    @rmdir($tmp);
});

echo "Symfony Mailer ", class_exists(\Composer\InstalledVersions::class) && \Composer\InstalledVersions::isInstalled('symfony/mailer')
    ? \Composer\InstalledVersions::getPrettyVersion('symfony/mailer') : '(' . (new ReflectionClass(Transport::class))->getFileName() . ')',
    ", PHP ", PHP_VERSION, ", smtp ", phpversion('smtp'), "\n";

// ---- text + HTML + attachment + Bcc, STARTTLS + AUTH on the submission port -------------------------------
$id = test_id();
$attachment = random_bytes(3000) . "\r\nend";
$transport = $transports->fromString(dsn('ext+smtp', 'submission', $user, $password));
$email = tagged((new Email())
    ->from(new Address('sender@example.com', 'Sender Name'))
    ->to('rcpt@example.net')
    ->bcc('hidden@example.net')
    ->subject('Symfony through ext+smtp: ünïcode')
    ->text("Plain text body\nwith a line starting with a dot:\n.dot\n")
    ->html('<p>HTML <b>body</b></p>')
    ->attach($attachment, 'data.bin', 'application/octet-stream'), $id);
$sent = $transport->send($email);
$got = delivered($id, 2);
check('text + HTML + attachment + Bcc: delivered to To and Bcc', count($got) === 2,
    implode(',', array_map(fn ($s) => (string) $s['envelope']['to'], $got)));
$toCopy = $got[0] ?? [];
check('the Bcc header is not in the delivered message', $got !== [] && array_filter($got, fn ($s) => $s['bcc'] !== null) === []);
check('envelope: sender and both recipients', $got !== []
    && array_column(array_column($got, 'envelope'), 'from') === ['sender@example.com', 'sender@example.com']
    && array_column(array_column($got, 'envelope'), 'to') === ['hidden@example.net', 'rcpt@example.net']);
check('text and HTML bodies', ($toCopy['body_text'] ?? null) === "Plain text body\nwith a line starting with a dot:\n.dot\n"
    && ($toCopy['body_html'] ?? null) === "<p>HTML <b>body</b></p>\n" || ($toCopy['body_html'] ?? null) === '<p>HTML <b>body</b></p>',
    json_encode([$toCopy['body_text'] ?? null, $toCopy['body_html'] ?? null]));
check('the attachment arrives byte-identical', ($toCopy['attachments'][0]['sha256'] ?? null) === hash('sha256', $attachment)
    && ($toCopy['attachments'][0]['filename'] ?? null) === 'data.bin');
check('the subject (UTF-8) arrives', ($toCopy['subject'] ?? null) === 'Symfony through ext+smtp: ünïcode');
check('no MIME defects', ($toCopy['defects'] ?? ['missing']) === [], json_encode($toCopy['defects'] ?? null));
$queueLine = preg_match('/^S: 250 [^\n]*queued as ([0-9A-Za-z]+)/m', $sent->getDebug(), $m) ? $m[1] : null;
check('the message id is the server\'s queue id (Postfix: "queued as")', $queueLine !== null && $sent->getMessageId() === $queueLine,
    $sent->getMessageId() . ' / ' . var_export($queueLine, true));
check('getDebug() has the transcript, AUTH redacted',
    str_contains($sent->getDebug(), 'C: EHLO client.example') && str_contains($sent->getDebug(), 'C: AUTH ')
    && !str_contains($sent->getDebug(), base64_encode("\0$user\0$password")) && !str_contains($sent->getDebug(), $password));
check('STARTTLS was used', str_contains($sent->getDebug(), 'C: STARTTLS'));
check('the Message-ID header is the one Symfony gave', isset($toCopy['message_id'])
    && str_contains($toCopy['message_id'], $email->getHeaders()->has('Message-ID') ? $email->getHeaders()->get('Message-ID')->getId() : '@'));

// ---- several messages on the one connection; the envelope Symfony computed ---------------------------------
$ids = [];
$debugs = [];
for ($i = 0; $i < 5; $i++) {
    $ids[] = $id = test_id();
    $s = $transport->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject("n$i")->text("n$i\n"), $id),
        $i === 4 ? new Envelope(new Address('bounces@example.com'), [new Address('other@example.net')]) : null);
    $debugs[] = $s->getDebug();
}
$ehlos = array_sum(array_map(fn ($d) => substr_count($d, 'C: EHLO'), $debugs));
check('five more messages, one connection (no EHLO after the first message)', $ehlos === 0 && $transport->getSmtp()->isConnected(), "EHLO lines: $ehlos");
$last = delivered($ids[4]);
check('a given Envelope is the one used (MAIL FROM and RCPT TO)', ($last[0]['envelope']['from'] ?? null) === 'bounces@example.com'
    && ($last[0]['envelope']['to'] ?? null) === 'other@example.net' && ($last[0]['to'] ?? null) === 'rcpt@example.net');
check('all five delivered', count(array_filter($ids, fn ($i) => count(delivered($i)) === 1)) === 5);

// ---- restart_threshold: QUIT and a new connection after N messages ------------------------------------------
$restart = $transports->fromString(dsn('ext+smtp', 'submission', $user, $password, ['restart_threshold' => '2']));
$ehlo = [];
for ($i = 0; $i < 4; $i++) {
    $s = $restart->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject("r$i")->text("r$i\n"), test_id()));
    $ehlo[] = substr_count($s->getDebug(), 'C: EHLO') > 0 ? 'E' : '-';
}
check('restart_threshold=2: a new connection for messages 1 and 3', implode('', $ehlo) === 'E-E-', implode('', $ehlo));

// ---- ping_threshold: NOOP before a message when the connection has been idle longer ------------------------------
$ping = $transports->fromString(dsn('ext+smtp', 'submission', $user, $password, ['ping_threshold' => '1']));
$noop = [];
foreach ([0, 0, 1.2] as $idle) {
    usleep((int) ($idle * 1e6));
    $s = $ping->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('p')->text("p\n"), test_id()));
    $noop[] = str_contains($s->getDebug(), 'C: NOOP') ? 'N' : '-';
}
check('ping_threshold=1: NOOP only before the message after 1.2 s idle', implode('', $noop) === '--N', implode('', $noop));

// ---- implicit TLS ---------------------------------------------------------------------------------------------
$id = test_id();
$smtps = $transports->fromString(dsn('ext+smtps', 'smtps', $user, $password));
$s = $smtps->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('smtps')->text("smtps\n"), $id));
check('ext+smtps (implicit TLS): delivered', count(delivered($id)) === 1 && !str_contains($s->getDebug(), 'STARTTLS'));
check('ext+smtps names itself', str_starts_with((string) $smtps, 'ext+smtps://'), (string) $smtps);

// ---- a refused password ---------------------------------------------------------------------------------------
$bad = $transports->fromString(dsn('ext+smtp', 'submission', $user, 'wrong-password'));
$e = null;
try {
    $bad->send((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('x')->text("x\n"));
} catch (\Throwable $e) {
}
check('a refused password: a TransportExceptionInterface', $e instanceof TransportExceptionInterface, $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception');
check('... an AuthenticationFailedException (a TransportException) with the SMTP code 535',
    $e instanceof AuthenticationFailedException && $e instanceof TransportException && $e->getCode() === 535, $e ? (string) $e->getCode() : '');
check('... its previous is the extension\'s Smtp\AuthenticationException', $e?->getPrevious() instanceof Smtp\AuthenticationException);
check('... its debug has the transcript, without the password', $e instanceof TransportException
    && str_contains($e->getDebug(), 'S: 535') && !str_contains($e->getDebug(), 'wrong-password'));

// ---- a rejected recipient: nothing sent, details reachable ---------------------------------------------------------
$id = test_id();
$e = null;
try {
    $transport->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->cc('reject-me@example.net')->subject('r')->text("r\n"), $id));
} catch (\Throwable $e) {
}
check('a rejected recipient: RecipientRejectedException, code 550, getRejected() names it',
    $e instanceof RecipientRejectedException && $e->getCode() === 550 && array_keys($e->getRejected()) === ['reject-me@example.net'],
    $e ? get_class($e) . ' ' . $e->getCode() . ' ' . json_encode($e instanceof RecipientRejectedException ? $e->getRejected() : null) : 'no exception');
check('... nothing was delivered, not even to the accepted recipient', count(delivered($id, 1, 2)) === 0);

// ---- failover() from a dead server (a closed port) to Postfix ----------------------------------------------------
$probe = stream_socket_server('tcp://127.0.0.1:0');
$deadPort = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
fclose($probe);
$id = test_id();
$failover = $transports->fromString(sprintf('failover(ext+smtp://127.0.0.1:%d?timeout=3 %s)', $deadPort,
    dsn('ext+smtp', 'submission', $user, $password)));
$t0 = microtime(true);
$s = null;
$e = null;
try {
    $s = (new Mailer($failover))->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('failover')->text("f\n"), $id));
} catch (\Throwable $e) {
}
check('failover(): the dead server is skipped, Postfix delivers', $e === null && count(delivered($id)) === 1,
    $e ? get_class($e) . ': ' . $e->getMessage() : sprintf('%.2f s', microtime(true) - $t0));
$dead = $transports->fromString(sprintf('ext+smtp://127.0.0.1:%d?timeout=3', $deadPort));
try {
    $dead->send((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('x')->text("x\n"));
    $e = null;
} catch (\Throwable $e) {
}
check('a dead server alone: a TransportException whose previous is Smtp\ConnectionException',
    $e instanceof TransportException && $e->getPrevious() instanceof Smtp\ConnectionException, $e ? get_class($e) : 'no exception');

// ---- a message body that throws while it is written: nothing delivered, the transport stays usable --------------
final class FailingPart extends TextPart
{
    public function bodyToIterable(): iterable
    {
        yield str_repeat("line of the body\r\n", 20000);
        throw new \RuntimeException('the template engine failed');
    }
}
$id = test_id();
$m = new Message(null, new FailingPart('ignored'));
$m->getHeaders()->addMailboxListHeader('From', ['sender@example.com'])->addMailboxListHeader('To', ['rcpt@example.net'])
    ->addTextHeader('X-Test-Id', $id)->addTextHeader('Subject', 'throws');
$e = null;
try {
    $transport->send($m);
} catch (\Throwable $e) {
}
check('a body that throws mid-message: a TransportException, the cause reachable',
    $e instanceof TransportException && $e->getPrevious() instanceof Smtp\Exception && $e->getPrevious()->getPrevious() instanceof RuntimeException,
    $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception');
check('... nothing was delivered', count(delivered($id, 1, 2)) === 0);
$id = test_id();
$transport->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('after')->text("after\n"), $id));
check('... and the next message goes', count(delivered($id)) === 1);

// ---- a large attachment: memory stays flat ----------------------------------------------------------------------
$mb = (int) (getenv('SMTP_BIG_MB') ?: 50);
$limit = (int) ($env['size_limit'] ?? 0);
$bytes = $mb * 1000 * 1000;
// base64 makes it 4/3 larger (plus line ends): fit under the server's limit when it has one
if ($limit > 0 && $bytes * 1.37 + 100000 > $limit) {
    $bytes = (int) (($limit - 100000) / 1.37);
    echo "note: the server takes at most $limit octets: the attachment is ", round($bytes / 1e6, 1), " MB, not $mb MB\n";
}
$file = "$tmp/big.bin";
$h = fopen($file, 'w');
$block = random_bytes(1 << 20);
for ($left = $bytes; $left > 0; $left -= strlen($block)) {
    fwrite($h, $left >= strlen($block) ? $block : substr($block, 0, $left));
}
fclose($h);
$sha = hash_file('sha256', $file);
unset($block);
gc_collect_cycles();
$id = test_id();
$before = memory_get_usage();
if (function_exists('memory_reset_peak_usage')) {
    memory_reset_peak_usage();
}
$rssBefore = peak_rss();
$t0 = microtime(true);
$transport->send(tagged((new Email())->from('sender@example.com')->to('rcpt@example.net')->subject('big')->text("big\n")->attachFromPath($file, 'big.bin'), $id));
$seconds = microtime(true) - $t0;
$peak = memory_get_peak_usage() - $before;
$rss = peak_rss();
$got = delivered($id, 1, 60);
check(sprintf('a %.1f MB attachment: delivered byte-identical', $bytes / 1e6), ($got[0]['attachments'][0]['sha256'] ?? null) === $sha);
printf("memory: %.1f MB attachment sent in %.2f s; PHP peak memory during the send +%.2f MB; peak RSS %.1f MB (%.1f MB before)\n",
    $bytes / 1e6, $seconds, $peak / 1048576, ($rss ?? 0) / 1048576, ($rssBefore ?? 0) / 1048576);
check('... PHP memory stays flat (peak growth under 8 MB)', $peak < 8 * 1048576, sprintf('+%.2f MB', $peak / 1048576));
if ($rss !== null && $rssBefore !== null) {
    check('... peak RSS grows by less than 16 MB', $rss - $rssBefore < 16 * 1048576, sprintf('+%.1f MB', ($rss - $rssBefore) / 1048576));
}

finish();
