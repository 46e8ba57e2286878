<?php
/*
 * Scripted fake SMTP server for the PHPT suite (see tests/README.md).
 *
 *   php server.php CONFIG
 *
 * CONFIG is a file holding a serialize()d PHP array (or JSON if the name ends
 * in .json). The server listens on 127.0.0.1 port 0 (or 'port'), prints the
 * port on the first stdout line, serves the configured connections one after
 * another, records every byte the client sent, and exits by itself: after the
 * last connection, or when 'time_limit' seconds (default 20) have passed.
 *
 * Portable: plain stream sockets only (no pcntl, posix, sockets extension), so
 * it runs on Windows too. TLS needs the openssl extension.
 */

ini_set('display_errors', 'stderr');
ini_set('log_errors', '0');
ini_set('html_errors', '0');
error_reporting(E_ALL);

final class FakeAbort extends Exception {}      // ends the current connection
final class FakeTimeUp extends Exception {}     // ends the server

final class FakeServer
{
    public array $cfg;
    public float $deadline;
    /** @var resource|null */
    private $events = null;
    /** @var resource|null */
    private $transcript = null;
    public int $connNo = 0;
    public int $messageNo = 0;

    public function __construct(array $cfg)
    {
        $this->cfg = $cfg;
        $this->deadline = microtime(true) + (float)($cfg['time_limit'] ?? 20);
        if (!empty($cfg['transcript'])) {
            $this->transcript = fopen($cfg['transcript'], 'ab');
        }
        if (!empty($cfg['events'])) {
            $this->events = fopen($cfg['events'], 'ab');
        }
    }

    public function event(string $ev, array $data = []): void
    {
        if ($this->events) {
            $data = ['ev' => $ev, 'conn' => $this->connNo, 't' => round(microtime(true), 3)] + $data;
            fwrite($this->events, json_encode($data, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
            fflush($this->events);
        }
    }

    /* Raw bytes received from the client, as they arrived. */
    public function record(string $bytes): void
    {
        if ($this->transcript) {
            fwrite($this->transcript, $bytes);
            fflush($this->transcript);
        }
        $this->event('recv', ['b64' => base64_encode($bytes)]);
    }

    public function left(): float
    {
        return $this->deadline - microtime(true);
    }

    public function run(): int
    {
        $ctx = stream_context_create();
        $tls = $this->cfg['tls'] ?? null;
        if ($tls) {
            $opts = [
                'local_cert' => $tls['cert'],
                'local_pk' => $tls['key'],
                'verify_peer' => false,
                'verify_peer_name' => false,
                'allow_self_signed' => true,
            ];
            if (isset($tls['crypto_method'])) {
                $opts['crypto_method'] = $tls['crypto_method'];
            }
            stream_context_set_option($ctx, ['ssl' => $opts]);
        }
        if (!empty($this->cfg['nodelay'])) {
            // replies go out at once instead of waiting for the client's delayed ACK (~40 ms a message)
            stream_context_set_option($ctx, 'socket', 'tcp_nodelay', true);
        }
        $host = $this->cfg['host'] ?? '127.0.0.1';
        $port = (int)($this->cfg['port'] ?? 0);
        $addr = strpos($host, ':') !== false ? "[$host]" : $host;
        $server = @stream_socket_server("tcp://$addr:$port", $errno, $errstr,
            STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
        if (!$server) {
            fwrite(STDERR, "fake server: cannot listen: $errstr ($errno)\n");
            echo "0\n";
            return 1;
        }
        $name = stream_socket_get_name($server, false);
        $port = (int)substr($name, strrpos($name, ':') + 1);
        echo $port, "\n";
        fflush(STDOUT);
        $this->event('listen', ['port' => $port]);

        $scripts = $this->cfg['conns'] ?? [$this->cfg['script'] ?? [['auto' => []]]];
        $rc = 0;
        try {
            foreach ($scripts as $i => $steps) {
                $left = $this->left();
                if ($left <= 0) {
                    throw new FakeTimeUp();
                }
                $sock = @stream_socket_accept($server, $left, $peer);
                if (!$sock) {
                    $this->event('accept_timeout');
                    break;
                }
                $this->connNo = $i + 1;
                $this->event('connect', ['peer' => $peer]);
                $conn = new FakeConn($this, $sock);
                try {
                    if (!empty($this->cfg['tls_implicit'])) {
                        $conn->startTls();
                    }
                    $conn->runSteps($steps);
                } catch (FakeAbort $e) {
                    $this->event('abort', ['why' => $e->getMessage()]);
                }
                $conn->close();
                $this->event('disconnect');
            }
        } catch (FakeTimeUp $e) {
            $this->event('time_limit');
            fwrite(STDERR, "fake server: time limit reached\n");
            $rc = 2;
        }
        fclose($server);
        $this->event('exit', ['rc' => $rc]);
        return $rc;
    }
}

final class FakeConn
{
    private FakeServer $srv;
    /** @var resource */
    private $sock;
    private string $buf = '';
    private bool $eof = false;
    private bool $closed = false;
    public bool $tls = false;
    private array $auto = [];
    private array $counts = [];
    private int $messageNo = 0;
    private bool $quiet = false;        // digest mode: received octets are counted, not recorded
    private int $quietBytes = 0;
    private int $readSize = 65536;      // digest mode: 1024 outside messages, to record little of a BDAT chunk

    public function __construct(FakeServer $srv, $sock)
    {
        $this->srv = $srv;
        $this->sock = $sock;
        stream_set_blocking($sock, true);
        stream_set_timeout($sock, 0, 100000);
        stream_set_write_buffer($sock, 0);
        stream_set_read_buffer($sock, 0);
    }

    /* ---------- low level I/O ---------- */

    private function deadline(?int $ms): float
    {
        $d = $this->srv->deadline;
        if ($ms !== null) {
            $d = min($d, microtime(true) + $ms / 1000);
        }
        return $d;
    }

    /* Reads more bytes into the buffer; false on EOF or deadline. */
    private function fill(float $deadline): bool
    {
        if ($this->eof) {
            return false;
        }
        while (true) {
            if (microtime(true) >= $this->srv->deadline) {
                throw new FakeTimeUp();
            }
            if (microtime(true) >= $deadline) {
                return false;
            }
            $d = @fread($this->sock, $this->readSize);
            if ($d !== false && $d !== '') {
                if ($this->quiet) {
                    $this->quietBytes += strlen($d);
                } else {
                    $this->srv->record($d);
                }
                $this->buf .= $d;
                return true;
            }
            // fread() gives false on a timeout (timed_out set) or an error, '' at EOF.
            $timedOut = $d === false && !empty(stream_get_meta_data($this->sock)['timed_out']);
            if (!$timedOut && ($d === false || feof($this->sock))) {
                $this->eof = true;
                $this->srv->event('eof');
                return false;
            }
        }
    }

    /* One line including its CRLF (or bare LF); null on EOF/timeout. */
    public function readLine(?int $timeoutMs = null): ?string
    {
        $deadline = $this->deadline($timeoutMs ?? 30000);
        while (true) {
            $p = strpos($this->buf, "\n");
            if ($p !== false) {
                $line = substr($this->buf, 0, $p + 1);
                $this->buf = (string)substr($this->buf, $p + 1);
                return $line;
            }
            if (strlen($this->buf) > 1048576) {
                $line = $this->buf;
                $this->buf = '';
                return $line;
            }
            if (!$this->fill($deadline)) {
                if ($this->eof && $this->buf !== '') {
                    $line = $this->buf;       // partial last line
                    $this->buf = '';
                    return $line;
                }
                if (!$this->eof) {
                    $this->srv->event('read_timeout');
                }
                return null;
            }
        }
    }

    public function readBytes(int $n, ?int $timeoutMs = null): ?string
    {
        $deadline = $this->deadline($timeoutMs ?? 30000);
        while (strlen($this->buf) < $n) {
            if (!$this->fill($deadline)) {
                return null;
            }
        }
        $r = substr($this->buf, 0, $n);
        $this->buf = (string)substr($this->buf, $n);
        return $r;
    }

    /* DATA body up to (excluding) "\r\n.\r\n"; the body keeps its last CRLF. */
    public function readData(?int $timeoutMs = null): ?string
    {
        $deadline = $this->deadline($timeoutMs ?? 30000);
        while (true) {
            if (strncmp($this->buf, ".\r\n", 3) === 0) {
                $this->buf = (string)substr($this->buf, 3);
                return '';
            }
            $p = strpos($this->buf, "\r\n.\r\n");
            if ($p !== false) {
                $body = substr($this->buf, 0, $p + 2);
                $this->buf = (string)substr($this->buf, $p + 5);
                return $body;
            }
            if (!$this->fill($deadline)) {
                return null;
            }
        }
    }

    /* Digest mode: a DATA body up to the final dot, summarised (FakeDigest) instead of kept or recorded. */
    public function readDataDigest(?int $timeoutMs = null): ?array
    {
        $deadline = $this->deadline($timeoutMs ?? 30000);
        $d = new FakeDigest(true);
        return $this->digestFeed($d, null, $deadline) === null ? null : $d->result();
    }

    /* Digest mode: $n octets of a BDAT chunk into $d. */
    public function readBytesDigest(int $n, FakeDigest $d, ?int $timeoutMs = null): bool
    {
        return $this->digestFeed($d, $n, $this->deadline($timeoutMs ?? 30000)) !== null;
    }

    /* Feeds the buffer and what arrives to $d: $n octets, or (null) up to the end of the DATA body.
       Returns what was received beyond that (recorded as usual), or null on EOF / timeout. */
    private function digestFeed(FakeDigest $d, ?int $n, float $deadline): ?string
    {
        $this->quiet = true;
        $this->quietBytes = 0;
        $readSize = $this->readSize;
        $this->readSize = 65536;
        try {
            while (true) {
                if ($n === 0) {
                    $rest = $this->buf;
                    break;
                }
                if ($this->buf !== '') {
                    if ($n !== null) {
                        $take = min($n, strlen($this->buf));
                        $d->feed(substr($this->buf, 0, $take));
                        $this->buf = (string)substr($this->buf, $take);
                        $n -= $take;
                        continue;
                    } else {
                        $rest = $d->feed($this->buf);
                        $this->buf = '';
                        if ($rest !== null) {
                            break;
                        }
                    }
                }
                if ($n !== null) {
                    $this->readSize = min($n, 65536);    // not into what follows the chunk
                }
                if (!$this->fill($deadline)) {
                    return null;
                }
            }
        } finally {
            $this->quiet = false;
            $this->readSize = $readSize;
            $this->srv->event('recv_digested', ['bytes' => $this->quietBytes]);
        }
        // pipelined commands after the message are recorded after all (the part of them that came in
        // quietly: what was in the buffer before was recorded when it arrived)
        $q = min(strlen($rest), $this->quietBytes);
        if ($q > 0) {
            $this->srv->record(substr($rest, -$q));
        }
        $this->buf = $rest;
        return $rest;
    }

    public function send(string $bytes, int $byteDelayMs = 0): void
    {
        if ($this->closed) {
            throw new FakeAbort('send on closed connection');
        }
        $this->srv->event('send', ['b64' => base64_encode($bytes)]);
        $chunks = $byteDelayMs > 0 ? str_split($bytes) : [$bytes];
        foreach ($chunks as $i => $chunk) {
            if ($i > 0) {
                $this->sleep($byteDelayMs);
            }
            while ($chunk !== '') {
                if (microtime(true) >= $this->srv->deadline) {
                    throw new FakeTimeUp();
                }
                $n = @fwrite($this->sock, $chunk);
                if ($n === false) {
                    throw new FakeAbort('write failed (client gone)');
                }
                if ($n === 0) {
                    $meta = stream_get_meta_data($this->sock);
                    if (!$meta['timed_out']) {
                        throw new FakeAbort('write failed (client gone)');
                    }
                    continue;
                }
                $chunk = (string)substr($chunk, $n);
            }
        }
    }

    public function sleep(int $ms): void
    {
        $until = microtime(true) + $ms / 1000;
        if ($until > $this->srv->deadline) {
            usleep((int)max(0, ($this->srv->deadline - microtime(true)) * 1e6));
            throw new FakeTimeUp();
        }
        usleep($ms * 1000);
    }

    /* Waits for the client to close; records anything it still sends. */
    public function waitClose(int $timeoutMs): bool
    {
        $deadline = $this->deadline($timeoutMs);
        while (!$this->eof) {
            if (!$this->fill($deadline)) {
                break;
            }
        }
        if ($this->eof) {
            $this->srv->event('client_closed');
        } else {
            $this->srv->event('wait_close_timeout');
        }
        return $this->eof;
    }

    public function startTls(): void
    {
        if (!extension_loaded('openssl') || empty($this->srv->cfg['tls'])) {
            throw new FakeAbort('TLS requested but no certificate configured');
        }
        if ($this->buf !== '') {
            $this->srv->event('tls_plaintext_pending', ['b64' => base64_encode($this->buf)]);
            $this->buf = '';
        }
        stream_set_timeout($this->sock, (int)max(1, min(10, $this->srv->left())));
        $method = $this->srv->cfg['tls']['crypto_method'] ?? STREAM_CRYPTO_METHOD_TLS_SERVER;
        $ok = @stream_socket_enable_crypto($this->sock, true, $method);
        stream_set_timeout($this->sock, 0, 100000);
        if ($ok !== true) {
            $err = error_get_last()['message'] ?? '';
            $this->srv->event('tls_failed', ['error' => $err]);
            throw new FakeAbort('TLS handshake failed');
        }
        $this->tls = true;
        $this->srv->event('tls', ['meta' => stream_get_meta_data($this->sock)['crypto'] ?? null]);
    }

    public function close(): void
    {
        if (!$this->closed) {
            $this->closed = true;
            @fclose($this->sock);
        }
    }

    /* ---------- scripted mode ---------- */

    public function runSteps(array $steps): void
    {
        foreach ($steps as $step) {
            if ($this->closed) {
                return;
            }
            if (!$this->step($step)) {
                return;
            }
        }
    }

    /* Returns false when the script for this connection is over. */
    private function step(array $s): bool
    {
        $timeout = isset($s['timeout_ms']) ? (int)$s['timeout_ms'] : null;
        if (isset($s['sleep_ms'])) {
            $this->sleep((int)$s['sleep_ms']);
        }
        if (array_key_exists('send', $s)) {
            if (!empty($s['delay_ms'])) {
                $this->sleep((int)$s['delay_ms']);
            }
            $this->send((string)$s['send'], (int)($s['byte_delay_ms'] ?? 0));
        }
        if (array_key_exists('expect', $s) || isset($s['expect_re'])) {
            $line = $this->readLine($timeout);
            if ($line === null) {
                $this->srv->event('expect_failed', ['want' => $s['expect'] ?? $s['expect_re'], 'got' => null]);
                return false;
            }
            $want = $s['expect'] ?? null;
            $ok = true;
            if ($want !== null && $want !== '' && strncasecmp($line, $want, strlen($want)) !== 0) {
                $ok = false;
            }
            if (isset($s['expect_re']) && !preg_match($s['expect_re'], $line)) {
                $ok = false;
            }
            $this->srv->event('line', ['line' => $line]);
            if (!$ok) {
                $this->srv->event('mismatch', ['want' => $want ?? $s['expect_re'], 'got' => $line]);
                $this->send("500 5.5.2 fake server: unexpected command\r\n");
                return false;
            }
        }
        if (!empty($s['read_data'])) {
            $body = $this->readData($timeout);
            if ($body === null) {
                $this->srv->event('expect_failed', ['want' => 'DATA body', 'got' => null]);
                return false;
            }
            $this->srv->event('data', ['b64' => base64_encode($body)]);
        }
        if (!empty($s['read_bdat'])) {
            $line = $this->readLine($timeout);
            if ($line === null || !preg_match('/^BDAT (\d+)( LAST)?\r\n$/i', $line, $m)) {
                $this->srv->event('mismatch', ['want' => 'BDAT n [LAST]', 'got' => $line]);
                if ($line !== null) {
                    $this->send("500 5.5.2 fake server: unexpected command\r\n");
                }
                return false;
            }
            $chunk = $this->readBytes((int)$m[1], $timeout);
            if ($chunk === null) {
                $this->srv->event('expect_failed', ['want' => 'BDAT chunk', 'got' => null]);
                return false;
            }
            $this->srv->event('bdat', ['b64' => base64_encode($chunk), 'last' => !empty($m[2])]);
        }
        if (isset($s['read_bytes'])) {
            $b = $this->readBytes((int)$s['read_bytes'], $timeout);
            if ($b === null) {
                return false;
            }
        }
        if (array_key_exists('reply', $s)) {
            $this->send((string)$s['reply'], (int)($s['byte_delay_ms'] ?? 0));
        }
        if (!empty($s['starttls'])) {
            $this->startTls();
        }
        if (isset($s['repeat'])) {
            for ($i = 0; $i < (int)$s['repeat']; $i++) {
                foreach ($s['steps'] as $sub) {
                    if ($this->closed || !$this->step($sub)) {
                        return false;
                    }
                }
            }
        }
        if (!empty($s['expect_close'])) {
            $this->waitClose($timeout ?? 10000);
            return false;
        }
        if (isset($s['auto'])) {
            $this->runAuto((array)$s['auto']);
            return false;
        }
        if (!empty($s['close'])) {
            return false;
        }
        return true;
    }

    /* ---------- auto mode: a generic well-behaved ESMTP server ---------- */

    private function autoEhloLines(): array
    {
        $c = $this->auto;
        $kw = $this->tls && isset($c['ehlo_tls']) ? $c['ehlo_tls']
            : ($c['ehlo'] ?? ['PIPELINING', 'SIZE 10240000', 'ENHANCEDSTATUSCODES', '8BITMIME']);
        if (!$this->tls && !empty($c['starttls'])) {
            $kw[] = 'STARTTLS';
        }
        if (!empty($c['auth']) && ($this->tls || empty($c['auth']['tls_only']))) {
            $kw[] = 'AUTH ' . ($c['auth']['mechs'] ?? 'PLAIN LOGIN CRAM-MD5 XOAUTH2');
        }
        return $kw;
    }

    /* Reply override for a command, or null for the default. */
    private function override(string $cmd, string $line): ?string
    {
        $n = $this->counts[$cmd] ?? 0;
        $r = $this->auto['reply'][$cmd] ?? null;
        if ($r === null) {
            return null;
        }
        if (is_string($r)) {
            return $r;
        }
        if (isset($r["#$n"])) {
            return $r["#$n"];
        }
        foreach ($r as $k => $v) {
            $k = (string)$k;
            if ($k !== '*' && $k[0] !== '#' && stripos($line, $k) !== false) {
                return $v;
            }
        }
        return $r['*'] ?? null;
    }

    /* Sends a reply; 'close' closes without a reply; 421 closes after it. Returns false if closed. */
    private function reply(string $r): bool
    {
        if ($r === 'close') {
            $this->srv->event('auto_close');
            $this->close();
            return false;
        }
        $this->send($r);
        if (strncmp($r, '421', 3) === 0) {
            $this->close();
            return false;
        }
        return true;
    }

    public function runAuto(array $cfg): void
    {
        $this->auto = $cfg + [
            'greeting' => "220 fake.example ESMTP fake\r\n",
            'queue_id' => 'ABC123',
        ];
        $c = &$this->auto;
        $timeout = (int)($c['timeout_ms'] ?? 30000);
        if (!empty($c['digest'])) {
            // the octets of a message are not recorded, but those read along with a command line are:
            // read commands in small pieces so that little of a pipelined BDAT chunk is
            $this->readSize = 1024;
        }
        $helo = false;
        $from = null;
        $rcpts = [];
        $authUser = null;
        if ($c['greeting'] !== false && $c['greeting'] !== null) {
            $g = $this->override('GREETING', '') ?? $c['greeting'];
            if (!$this->reply($g)) {
                return;
            }
        }
        $chaos = $c['chaos'] ?? null;
        if ($chaos) {
            mt_srand((int)($chaos['seed'] ?? 1) * 1000003 + $this->srv->connNo);
        }
        while (!$this->closed) {
            $line = $this->readLine($timeout);
            if ($line === null) {
                return;
            }
            if ($chaos && !$this->chaos($chaos, false)) {
                return;
            }
            $this->srv->event('line', ['line' => $line]);
            $cmdline = rtrim($line, "\r\n");
            $verb = strtoupper((string)strtok($cmdline, ' '));
            if (str_starts_with(strtoupper($cmdline), 'MAIL FROM')) {
                $verb = 'MAIL';
            } elseif (str_starts_with(strtoupper($cmdline), 'RCPT TO')) {
                $verb = 'RCPT';
            }
            $this->counts[$verb] = ($this->counts[$verb] ?? 0) + 1;
            $ov = $this->override($verb, $cmdline);
            switch ($verb) {
                case 'EHLO':
                    $from = null;
                    $rcpts = [];
                    if ($ov !== null) {
                        $helo = $ov[0] === '2';
                        $this->reply($ov);
                        break;
                    }
                    $helo = true;
                    $lines = array_merge(['fake.example Hello ' . substr($cmdline, 5)], $this->autoEhloLines());
                    $out = '';
                    foreach ($lines as $i => $l) {
                        $out .= '250' . ($i === count($lines) - 1 ? ' ' : '-') . $l . "\r\n";
                    }
                    $this->reply($out);
                    break;
                case 'HELO':
                    $from = null;
                    $rcpts = [];
                    $helo = $ov === null || $ov[0] === '2';
                    $this->reply($ov ?? "250 fake.example\r\n");
                    break;
                case 'STARTTLS':
                    if ($ov !== null) {
                        $this->reply($ov);
                        break;
                    }
                    if ($this->tls || empty($c['starttls'])) {
                        $this->reply("502 5.5.1 STARTTLS not available\r\n");
                        break;
                    }
                    $this->reply("220 2.0.0 Ready to start TLS\r\n");
                    $this->startTls();
                    $helo = false;
                    $from = null;
                    $rcpts = [];
                    $authUser = null;
                    break;
                case 'AUTH':
                    if ($ov !== null) {
                        $this->reply($ov);
                        break;
                    }
                    if (empty($c['auth']) || (!$this->tls && !empty($c['auth']['tls_only']))) {
                        $this->reply("502 5.5.1 AUTH not available\r\n");
                        break;
                    }
                    if ($authUser !== null) {
                        $this->reply("503 5.5.1 Already authenticated\r\n");
                        break;
                    }
                    $authUser = $this->autoAuth($cmdline, $c['auth']);
                    break;
                case 'MAIL':
                    if (!$helo) {
                        $this->reply("503 5.5.1 Error: send HELO/EHLO first\r\n");
                    } elseif ($from !== null) {
                        $this->reply("503 5.5.1 Error: nested MAIL command\r\n");
                    } elseif (!empty($c['auth']['required']) && $authUser === null) {
                        $this->reply("530 5.7.0 Authentication required\r\n");
                    } elseif (!preg_match('/^MAIL FROM:<([^>]*)>/i', $cmdline, $m)) {
                        $this->reply("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
                    } elseif ($ov !== null) {
                        if ($ov[0] === '2') {
                            $from = $m[1];
                        }
                        $this->reply($ov);
                    } else {
                        $from = $m[1];
                        $this->reply("250 2.1.0 Ok\r\n");
                    }
                    break;
                case 'RCPT':
                    if ($from === null) {
                        $this->reply("503 5.5.1 Error: need MAIL command\r\n");
                    } elseif (!preg_match('/^RCPT TO:<([^>]*)>/i', $cmdline, $m)) {
                        $this->reply("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
                    } elseif ($ov !== null) {
                        if ($ov[0] === '2') {
                            $rcpts[] = $m[1];
                        }
                        $this->reply($ov);
                    } else {
                        $rcpts[] = $m[1];
                        $this->reply("250 2.1.5 Ok\r\n");
                    }
                    break;
                case 'DATA':
                    if ($from === null) {
                        $this->reply("503 5.5.1 Error: need MAIL command\r\n");
                        break;
                    }
                    if (!$rcpts) {
                        $this->reply("554 5.5.1 Error: no valid recipients\r\n");
                        break;
                    }
                    if ($ov !== null) {
                        $this->reply($ov);
                        if ($ov[0] !== '3') {
                            break;
                        }
                    } else {
                        $this->reply("354 End data with <CR><LF>.<CR><LF>\r\n");
                    }
                    if (!empty($c['digest'])) {
                        $digest = $this->readDataDigest($timeout);
                        if ($digest === null) {
                            return;
                        }
                        $this->autoMessage($from, $rcpts, '', 'DATA', $authUser, $digest);
                        $from = null;
                        $rcpts = [];
                        break;
                    }
                    $body = $this->readData($timeout);
                    if ($body === null) {
                        return;
                    }
                    $this->autoMessage($from, $rcpts, $body, 'DATA', $authUser);
                    $from = null;
                    $rcpts = [];
                    break;
                case 'BDAT':
                    if (!preg_match('/^BDAT (\d+)( LAST)?$/i', $cmdline, $m)) {
                        $this->reply("501 5.5.4 Syntax: BDAT size [LAST]\r\n");
                        break;
                    }
                    if (isset($c['bdat_misparse_over']) && ($c['_bdat_total'] ?? 0) + (int)$m[1] > $c['bdat_misparse_over']) {
                        // like Exim 4.96: once the message is over its size limit it answers 552 in the
                        // middle of the chunk and reads the rest of the chunk as commands
                        $take = max(0, $c['bdat_misparse_over'] - ($c['_bdat_total'] ?? 0));
                        if ($take > 0 && $this->readBytes($take, $timeout) === null) {
                            return;
                        }
                        $this->srv->event('misparse', ['at' => $c['_bdat_total'] ?? 0, 'chunk' => (int)$m[1]]);
                        $c['_bdat_total'] = 0;
                        $c['_bdat'] = '';
                        $from = null;
                        $rcpts = [];
                        $this->reply("552 5.3.4 Message size exceeds fixed maximum message size\r\n");
                        break;
                    }
                    $c['_bdat_total'] = ($c['_bdat_total'] ?? 0) + (int)$m[1];
                    if (!empty($c['digest'])) {
                        $c['_bdat_digest'] ??= new FakeDigest(false);
                        if (!$this->readBytesDigest((int)$m[1], $c['_bdat_digest'], $timeout)) {
                            return;
                        }
                        $chunk = '';
                    } else {
                        $chunk = $this->readBytes((int)$m[1], $timeout);
                        if ($chunk === null) {
                            return;
                        }
                    }
                    $c['_bdat'] = ($c['_bdat'] ?? '') . $chunk;
                    if ($from === null || !$rcpts) {
                        $c['_bdat'] = '';
                        $c['_bdat_digest'] = null;
                        $this->reply($from === null ? "503 5.5.1 Error: need MAIL command\r\n"
                            : "554 5.5.1 Error: no valid recipients\r\n");
                        break;
                    }
                    if (empty($m[2])) {
                        $this->reply($ov ?? "250 2.0.0 {$m[1]} octets received\r\n");
                        break;
                    }
                    $data = $c['_bdat'];
                    $c['_bdat'] = '';
                    $c['_bdat_total'] = 0;
                    $digest = isset($c['_bdat_digest']) ? $c['_bdat_digest']->result() : null;
                    $c['_bdat_digest'] = null;
                    $this->autoMessage($from, $rcpts, $data, 'BDAT', $authUser, $digest);
                    $from = null;
                    $rcpts = [];
                    break;
                case 'RSET':
                    $from = null;
                    $rcpts = [];
                    $c['_bdat'] = '';
                    $c['_bdat_total'] = 0;
                    $c['_bdat_digest'] = null;
                    $this->reply($ov ?? "250 2.0.0 Ok\r\n");
                    break;
                case 'NOOP':
                    $this->reply($ov ?? "250 2.0.0 Ok\r\n");
                    break;
                case 'VRFY':
                    $this->reply($ov ?? "252 2.0.0 Cannot VRFY user\r\n");
                    break;
                case 'QUIT':
                    $this->reply($ov ?? "221 2.0.0 Bye\r\n");
                    $this->close();
                    return;
                default:
                    $this->reply($ov ?? "502 5.5.2 Error: command not recognized\r\n");
            }
        }
    }

    /* Random faults ('chaos' auto option): drop, 421, stall. False when the connection is gone. */
    private function chaos(array $ch, bool $afterMessage): bool
    {
        $r = mt_rand() / mt_getrandmax();
        $drop = (float)($ch['drop'] ?? 0);
        $p421 = (float)($ch['421'] ?? 0);
        $stall = (float)($ch['stall'] ?? 0);
        if ($r < $drop) {
            $this->srv->event('chaos', ['what' => $afterMessage ? 'drop after message' : 'drop']);
            $this->close();
            return false;
        }
        if (!$afterMessage && $r < $drop + $p421) {
            $this->srv->event('chaos', ['what' => '421']);
            $this->reply("421 4.3.2 fake.example: chaos, closing\r\n");
            $this->close();
            return false;
        }
        if ($r < $drop + $p421 + $stall) {
            $this->srv->event('chaos', ['what' => 'stall']);
            usleep((int)($ch['stall_ms'] ?? 100) * 1000);
        }
        return true;
    }

    private function autoMessage(string $from, array $rcpts, string $raw, string $via, ?string $authUser,
        ?array $digest = null): void
    {
        $this->srv->messageNo++;
        $this->messageNo++;
        $n = $this->messageNo;     // queue ids count per connection
        $data = $via === 'DATA' ? preg_replace('/^\./m', '', $raw) : $raw;
        $this->counts['DOT'] = ($this->counts['DOT'] ?? 0) + 1;
        $ov = $this->override('DOT', '');
        $qid = $this->auto['queue_id'];
        if (is_array($qid)) {
            $qid = $qid[$n - 1] ?? ('Q' . $n);
        } elseif ($n > 1) {
            $qid .= 'N' . $n;
        }
        $accepted = $ov === null || $ov[0] === '2';
        $this->srv->event('message', [
            'from' => $from, 'rcpt' => $rcpts, 'via' => $via, 'tls' => $this->tls, 'auth' => $authUser,
            'accepted' => $accepted, 'raw' => base64_encode($raw), 'data' => base64_encode($data),
            'queue_id' => $accepted ? $qid : null,
        ] + ($digest !== null ? ['digest' => $digest] : []));
        if (!empty($this->auto['chaos']) && !$this->chaos($this->auto['chaos'], true)) {
            return; // queued, but the client never hears of it: its outcome is unknown to it
        }
        $this->reply($ov ?? "250 2.0.0 Ok: queued as $qid\r\n");
    }

    /* One AUTH exchange; returns the authenticated user or null. */
    private function autoAuth(string $cmdline, array $a): ?string
    {
        $parts = explode(' ', $cmdline);
        $mech = strtoupper($parts[1] ?? '');
        $initial = $parts[2] ?? null;
        $user = (string)($a['user'] ?? 'user@example.com');
        $pass = (string)($a['password'] ?? 'secret');
        $mechs = explode(' ', strtoupper($a['mechs'] ?? 'PLAIN LOGIN CRAM-MD5 XOAUTH2'));
        $fail = "535 5.7.8 Error: authentication failed\r\n";
        if (!in_array($mech, $mechs, true)) {
            $this->reply("504 5.5.4 Unrecognized authentication type\r\n");
            return null;
        }
        // Reads one client response line; null if cancelled or gone.
        $resp = function (string $challenge) {
            $this->reply('334 ' . $challenge . "\r\n");
            $l = $this->readLine();
            if ($l === null) {
                return null;
            }
            $this->srv->event('line', ['line' => $l]);
            $l = rtrim($l, "\r\n");
            if ($l === '*') {
                $this->reply("501 5.7.0 Authentication aborted\r\n");
                return null;
            }
            return $l;
        };
        $ok = false;
        $who = null;
        switch ($mech) {
            case 'PLAIN':
                $r = ($initial !== null && $initial !== '=') ? $initial : ($initial === '=' ? '' : $resp(''));
                if ($r === null) {
                    return null;
                }
                $dec = base64_decode($r, true);
                $f = $dec === false ? [] : explode("\0", $dec);
                $who = $f[1] ?? null;
                $ok = count($f) === 3 && $f[1] === $user && $f[2] === $pass;
                break;
            case 'LOGIN':
                $u = $initial ?? $resp(base64_encode('Username:'));
                if ($u === null) {
                    return null;
                }
                $p = $resp(base64_encode('Password:'));
                if ($p === null) {
                    return null;
                }
                $who = base64_decode($u, true);
                $ok = $who === $user && base64_decode($p, true) === $pass;
                break;
            case 'CRAM-MD5':
                $ch = '<' . random_int(1000, 99999) . '.' . time() . '@fake.example>';
                $r = $resp(base64_encode($ch));
                if ($r === null) {
                    return null;
                }
                $dec = (string)base64_decode($r, true);
                $sp = strrpos($dec, ' ');
                $who = $sp === false ? $dec : substr($dec, 0, $sp);
                $ok = $sp !== false && $who === $user
                    && hash_equals(hash_hmac('md5', $ch, $pass), substr($dec, $sp + 1));
                break;
            case 'XOAUTH2':
                $r = $initial ?? $resp('');
                if ($r === null) {
                    return null;
                }
                $dec = (string)base64_decode($r, true);
                $ok = $dec === "user=$user\x01auth=Bearer $pass\x01\x01";
                $who = preg_match('/^user=([^\x01]*)/', $dec, $m) ? $m[1] : null;
                if (!$ok) {
                    // RFC 7628 style: error challenge, client answers with an empty line.
                    $err = base64_encode('{"status":"401","schemes":"bearer","scope":"https://mail.example/"}');
                    if ($resp($err) === null) {
                        return null;
                    }
                }
                break;
            case 'OAUTHBEARER':
                // RFC 7628: gs2-header with a=user, ^A-separated key/values; a refused token gets the
                // error JSON as a 334 challenge, answered with a lone ^A, then 535.
                $r = $initial ?? $resp('');
                if ($r === null) {
                    return null;
                }
                $dec = (string)base64_decode($r, true);
                $who = preg_match('/^n,a=([^,]*),/', $dec, $m) ? str_replace(['=2C', '=3D'], [',', '='], $m[1]) : null;
                $ok = $who === $user && str_ends_with($dec, "\x01auth=Bearer $pass\x01\x01")
                    && substr_count($dec, "\x01") === 3;
                if (!$ok) {
                    $err = base64_encode('{"status":"invalid_token","scope":"https://mail.example/"}');
                    $ack = $resp($err);
                    if ($ack === null) {
                        return null;
                    }
                    $this->srv->event('oauth_ack', ['ok' => base64_decode($ack, true) === "\x01"]);
                }
                break;
            case 'SCRAM-SHA-1':
            case 'SCRAM-SHA-256':
                // RFC 5802 server side with PHP's own hash functions; 'scram_fault' breaks one step:
                // nonce (not extending the client's), iterations (i=1), signature (wrong server
                // signature), no_signature (235 straight after the proof), reject (535 after the proof).
                $algo = $mech === 'SCRAM-SHA-1' ? 'sha1' : 'sha256';
                $fault = $a['scram_fault'] ?? null;
                $r = $initial ?? $resp('');
                if ($r === null) {
                    return null;
                }
                $first = (string)base64_decode($r, true);
                if (!preg_match('/^n,,(n=([^,]*),r=([\x21-\x2b\x2d-\x7e]+))$/', $first, $m)) {
                    $this->reply("501 5.5.2 Malformed SCRAM client-first-message\r\n");
                    return null;
                }
                [, $bare, $who, $cnonce] = $m;
                $who = str_replace(['=2C', '=3D'], [',', '='], $who);
                $nonce = ($fault === 'nonce' ? strrev($cnonce) : $cnonce) . bin2hex(random_bytes(8));
                $salt = random_bytes(12);
                $iter = $fault === 'iterations' ? 1 : (int)($a['scram_iterations'] ?? 4096);
                $serverFirst = "r=$nonce,s=" . base64_encode($salt) . ",i=$iter";
                $r = $resp(base64_encode($serverFirst));
                if ($r === null) {
                    return null;
                }
                $this->srv->event('scram_final', ['sent' => true]);
                $final = (string)base64_decode($r, true);
                $salted = hash_pbkdf2($algo, $pass, $salt, $iter, 0, true);
                $storedKey = hash($algo, hash_hmac($algo, 'Client Key', $salted, true), true);
                $ok = false;
                if (preg_match('/^(c=biws,r=([^,]+)),p=([A-Za-z0-9+\/=]+)$/', $final, $m) && $m[2] === $nonce) {
                    $authMessage = "$bare,$serverFirst,{$m[1]}";
                    $clientKey = base64_decode($m[3]) ^ hash_hmac($algo, $authMessage, $storedKey, true);
                    $ok = $who === $user && hash_equals($storedKey, hash($algo, $clientKey, true));
                }
                if ($ok && $fault === 'reject') {
                    $ok = false;
                }
                if ($ok && $fault !== 'no_signature') {
                    $sig = hash_hmac($algo, $authMessage, hash_hmac($algo, 'Server Key', $salted, true), true);
                    if ($fault === 'signature') {
                        $sig[0] = chr(ord($sig[0]) ^ 1);
                    }
                    $r = $resp(base64_encode('v=' . base64_encode($sig)));
                    if ($r === null) {
                        return null;
                    }
                    $ok = $r === '';
                }
                break;
        }
        $this->srv->event('auth', ['mech' => $mech, 'user' => $who, 'ok' => $ok]);
        $this->reply($ok ? "235 2.7.0 Authentication successful\r\n" : $fail);
        return $ok ? $who : null;
    }
}

/*
 * Digest mode (auto option 'digest' => true): a DATA or BDAT message is parsed as it streams in
 * and summarised instead of kept: octets, lines, wire problems, the header section, and per MIME
 * leaf part its headers, sizes and the SHA-256 of its decoded content. Neither the server nor the
 * transcript holds the message, so it can be hundreds of megabytes.
 */
final class FakeDigest
{
    private const KEEP = 65536;         // header sections and small part bodies are kept up to this

    private bool $dot;                  // DATA: dot-stuffed, ends at the ".\r\n" line
    private string $carry = '';         // incomplete last line
    private bool $done = false;
    private bool $prevCrlf = true;      // the previous line ended in CRLF (for the terminator)
    private int $bytes = 0;             // octets received (DATA: still dot-stuffed, without ".\r\n")
    private int $lines = 0;
    private array $problems = [];
    private string $state = 'header';   // header | body (leaf) | skip (preamble / epilogue)
    private string $headers = '';
    private ?string $head = null;       // the message's own header section
    private array $boundaries = [];     // open multipart boundaries, innermost last
    private ?array $part = null;        // the leaf being read
    private array $parts = [];

    public function __construct(bool $dotStuffed)
    {
        $this->dot = $dotStuffed;
    }

    /* Feeds received octets; returns null while the message goes on, or (DATA) the octets after ".\r\n". */
    public function feed(string $data): ?string
    {
        if ($this->done) {
            return $data;
        }
        $s = $this->carry . $data;
        $this->carry = '';
        $len = strlen($s);
        $pos = 0;
        while ($pos < $len) {
            if ($this->state !== 'header' && $s[$pos] !== '-' && $s[$pos] !== '.') {
                // Fast path: a run of whole lines none of which starts with '-' or '.' can hold no
                // boundary and no terminator; take it in one piece.
                $a = strpos($s, "\n-", $pos);
                $b = strpos($s, "\n.", $pos);
                $end = $a === false ? $b : ($b === false ? $a : min($a, $b));
                if ($end === false) {
                    $end = strrpos($s, "\n", $pos);
                    if ($end === false || $end < $pos) {
                        break;
                    }
                }
                $this->run(substr($s, $pos, $end + 1 - $pos));
                $pos = $end + 1;
                continue;
            }
            $nl = strpos($s, "\n", $pos);
            if ($nl === false) {
                if ($len - $pos > 1048576) {        // a huge line without LF: take it as it is
                    $this->line(substr($s, $pos));
                    $pos = $len;
                }
                break;
            }
            $line = substr($s, $pos, $nl + 1 - $pos);
            $pos = $nl + 1;
            if ($this->dot && $this->prevCrlf && $line === ".\r\n") {
                $this->finish();
                return (string)substr($s, $pos);
            }
            $this->line($line);
        }
        $this->carry = (string)substr($s, $pos);
        return null;
    }

    /* Several whole lines in a leaf body or a preamble / epilogue. */
    private function run(string $r): void
    {
        $this->bytes += strlen($r);
        $this->lines += substr_count($r, "\n");
        $this->wire($r);
        $this->prevCrlf = substr($r, -2) === "\r\n";
        if ($this->state === 'body') {
            $this->content($r);
        }
    }

    private function wire(string $r): void
    {
        if (strpos($r, "\r") !== false && preg_match('/\r(?!\n)/', $r)) {
            $this->problems['bare CR'] = true;
        }
        if (preg_match('/(?<!\r)\n/', $r)) {
            $this->problems['bare LF'] = true;
        }
        if (strpos($r, "\0") !== false) {
            $this->problems['NUL'] = true;
        }
        if (strlen($r) > 998 && preg_match('/^[^\r\n]{999}/m', $r)) {    // anchored: fast
            $this->problems['line over 1000 octets'] = true;
        }
    }

    private function line(string $line): void
    {
        $this->bytes += strlen($line);
        $this->lines++;
        $this->wire($line);
        $this->prevCrlf = substr($line, -2) === "\r\n";
        if ($this->dot && $line[0] === '.') {
            $line = substr($line, 1);
        }
        if ($this->state === 'header') {
            if ($line === "\r\n" || $line === "\n") {
                $this->endHeaders();
            } elseif (strlen($this->headers) < self::KEEP) {
                $this->headers .= $line;
            }
            return;
        }
        if ($this->boundaries && strncmp($line, '--', 2) === 0) {
            $t = rtrim($line, " \t\r\n");
            for ($i = count($this->boundaries) - 1; $i >= 0; $i--) {
                $b = '--' . $this->boundaries[$i];
                if ($t === $b || $t === $b . '--') {
                    $this->closePart();
                    $this->boundaries = array_slice($this->boundaries, 0, $t === $b ? $i + 1 : $i);
                    $this->state = $t === $b ? 'header' : 'skip';
                    return;
                }
            }
        }
        if ($this->state === 'body') {
            $this->content($line);
        }
    }

    private static function param(string $value, string $name): ?string
    {
        return preg_match('/;\s*' . $name . '\s*=\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\s]+))/i', $value, $m)
            ? (isset($m[2]) ? $m[2] : stripcslashes($m[1])) : null;
    }

    private function endHeaders(): void
    {
        $h = $this->headers;
        $this->headers = '';
        if ($this->head === null) {
            $this->head = $h;
        }
        $fields = [];
        foreach (explode("\n", preg_replace('/\r?\n(?=[ \t])/', '', $h)) as $l) {
            if (($c = strpos($l, ':')) !== false) {
                $fields[strtolower(trim(substr($l, 0, $c)))] ??= trim(substr($l, $c + 1));
            }
        }
        $ct = $fields['content-type'] ?? 'text/plain';
        $type = strtolower(trim(explode(';', $ct)[0]));
        $boundary = self::param($ct, 'boundary');
        if (str_starts_with($type, 'multipart/') && $boundary !== null) {
            $this->boundaries[] = $boundary;
            $this->state = 'skip';
            return;
        }
        $disp = $fields['content-disposition'] ?? null;
        $enc = strtolower($fields['content-transfer-encoding'] ?? '7bit');
        $this->part = [
            'headers' => $h, 'content_type' => $type, 'encoding' => $enc,
            'disposition' => $disp === null ? null : strtolower(trim(explode(';', $disp)[0])),
            'filename' => $disp === null ? null : self::param($disp, 'filename'),
            'encoded_bytes' => 0, 'decoded_bytes' => null, 'sha256' => null, 'body' => '',
            '_hash' => in_array($enc, ['base64', '7bit', '8bit', 'binary'], true) ? hash_init('sha256') : null,
            '_b64' => '', '_crlf' => '', '_decoded' => 0,
        ];
        $this->state = 'body';
    }

    /* Encoded content of the current leaf (whole lines, dot-stuffing removed). */
    private function content(string $s): void
    {
        $p = &$this->part;
        $p['encoded_bytes'] += strlen($s);
        if ($p['body'] !== null) {
            $p['body'] = strlen($p['body']) + strlen($s) <= self::KEEP ? $p['body'] . $s : null;
        }
        if ($p['_hash'] === null) {
            return;
        }
        if ($p['encoding'] === 'base64') {
            $p['_b64'] .= str_replace(["\r", "\n", ' ', "\t"], '', $s);
            if (strlen($p['_b64']) >= 65536) {
                $n = strlen($p['_b64']) & ~3;
                $this->decoded(base64_decode(substr($p['_b64'], 0, $n)));
                $p['_b64'] = (string)substr($p['_b64'], $n);
            }
            return;
        }
        // identity: the CRLF before the next boundary belongs to the boundary, so hold back the last one
        $tail = substr($s, -2) === "\r\n" ? 2 : (substr($s, -1) === "\n" ? 1 : 0);
        $this->decoded($p['_crlf'] . substr($s, 0, strlen($s) - $tail));
        $p['_crlf'] = substr($s, strlen($s) - $tail);
    }

    private function decoded(string $d): void
    {
        hash_update($this->part['_hash'], $d);
        $this->part['_decoded'] += strlen($d);
    }

    private function closePart(): void
    {
        if ($this->part === null) {
            return;
        }
        $p = &$this->part;
        if ($p['_hash'] !== null) {
            if ($p['_b64'] !== '') {
                $this->decoded(base64_decode($p['_b64']));
            }
            $p['decoded_bytes'] = $p['_decoded'];
            $p['sha256'] = hash_final($p['_hash']);
        }
        unset($p['_hash'], $p['_b64'], $p['_crlf'], $p['_decoded']);
        $this->parts[] = $p;
        unset($p);
        $this->part = null;
    }

    /* End of the message (DATA: the ".\r\n" line; BDAT: the LAST chunk). */
    public function finish(): void
    {
        if ($this->done) {
            return;
        }
        if ($this->carry !== '') {
            $c = $this->carry;
            $this->carry = '';
            $this->line($c);
        }
        if ($this->state === 'header') {
            $this->endHeaders();
        }
        $this->closePart();
        $this->done = true;
    }

    public function result(): array
    {
        $this->finish();
        return ['bytes' => $this->bytes, 'lines' => $this->lines, 'problems' => array_keys($this->problems),
            'head' => (string)$this->head, 'parts' => $this->parts, 'open_multiparts' => count($this->boundaries)];
    }
}

/* ---------- main ---------- */

if ($argc < 2) {
    fwrite(STDERR, "usage: php server.php CONFIG (serialize()d array, or .json)\n");
    exit(64);
}
$raw = file_get_contents($argv[1]);
$cfg = substr($argv[1], -5) === '.json' ? json_decode($raw, true) : unserialize($raw, ['allowed_classes' => false]);
if (!is_array($cfg)) {
    fwrite(STDERR, "fake server: bad config file\n");
    exit(64);
}
if (!empty($cfg['tls']) && !extension_loaded('openssl') && function_exists('dl')) {
    @dl('openssl');     // e.g. a Windows php.ini without extension=openssl
}
if (isset($cfg['tls']) && is_string($cfg['tls'])) {
    require __DIR__ . '/cert.inc';
    $cfg['tls'] = fake_cert($cfg['tls']);
}
exit((new FakeServer($cfg))->run());
