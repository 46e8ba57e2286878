<?php
/*
 * TCP delay proxy: simulates a network round-trip time on loopback (netem is not available).
 *
 *   php bench/delay-proxy.php --target=HOST:PORT --rtt=MS [--listen=127.0.0.1:0]
 *
 * Every chunk read from either side is forwarded to the other side RTT/2 ms after it was read,
 * so a command and its reply cost one RTT. Per connection and per direction the chunks form a
 * FIFO: the order of bytes is preserved, and an EOF (half-close) travels through the same queue,
 * so it is delivered after the data that preceded it and also delayed by RTT/2 (the other side
 * then sees shutdown(SHUT_WR), i.e. full-duplex half-close is preserved). An error (reset) on
 * either side closes both sides at once. All sockets are non-blocking and have TCP_NODELAY,
 * so the proxy adds no Nagle delay of its own; reading from a side stops while more than
 * MAX_QUEUED bytes wait to be written to the other side (back-pressure, bounded memory).
 *
 * Once listening it prints "LISTEN host:port" on stdout. It exits when its stdin is closed
 * (its parent went away) or on SIGTERM/SIGINT.
 *
 * What it does not simulate: the TCP handshake is not delayed (the upstream connection is
 * opened when the client connects; the server greeting is delayed by RTT/2 like any data),
 * and ACKs / window limits are not delayed (the proxy reads as fast as the sender writes), so
 * bulk transfers are not bounded by window/RTT as on a real long link.
 */

declare(strict_types=1);

const MAX_QUEUED = 4 << 20;   // per direction
const READ_SIZE = 65536;
const SPIN_NS = 250000;     // see the select() timeout below

$opt = getopt('', ['target:', 'rtt:', 'listen::']);
if (!isset($opt['target'], $opt['rtt'])) {
    fwrite(STDERR, "usage: php delay-proxy.php --target=HOST:PORT --rtt=MS [--listen=HOST:PORT]\n");
    exit(2);
}
$target = (string)$opt['target'];
$oneWayNs = (int)round((float)$opt['rtt'] * 1e6 / 2);   // RTT/2 in nanoseconds
$listenAddr = isset($opt['listen']) && $opt['listen'] !== false ? (string)$opt['listen'] : '127.0.0.1:0';

$ctx = stream_context_create(['socket' => ['tcp_nodelay' => true, 'backlog' => 512]]);
$server = @stream_socket_server("tcp://$listenAddr", $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
if (!$server) {
    fwrite(STDERR, "delay-proxy: cannot listen on $listenAddr: $errstr\n");
    exit(1);
}
stream_set_blocking($server, false);
fwrite(STDOUT, 'LISTEN ' . stream_socket_get_name($server, false) . "\n");
fflush(STDOUT);

$running = true;
if (function_exists('pcntl_async_signals')) {
    pcntl_async_signals(true);
    pcntl_signal(SIGTERM, function () use (&$running) { $running = false; });
    pcntl_signal(SIGINT, function () use (&$running) { $running = false; });
}
$stdinOpen = true;
stream_set_blocking(STDIN, false);

function nodelay($stream): void
{
    if (function_exists('socket_import_stream')) {
        $sock = @socket_import_stream($stream);
        if ($sock) {
            @socket_set_option($sock, SOL_TCP, TCP_NODELAY, 1);
        }
    }
}

function prepare($stream): void
{
    stream_set_blocking($stream, false);
    stream_set_read_buffer($stream, 0);   // fread() reads straight from the socket
    stream_set_write_buffer($stream, 0);
    stream_set_chunk_size($stream, READ_SIZE);
    nodelay($stream);
}

/*
 * A direction: bytes read from $src are queued and written to $dst when due.
 * queue: FIFO of [dueNs, string|null]; null = EOF marker (shutdown the write side of dst).
 */
final class Direction
{
    public SplQueue $queue;
    public int $queued = 0;     // bytes waiting
    public bool $srcEof = false;
    public bool $done = false;  // EOF delivered to dst
    public function __construct(public $src, public $dst) { $this->queue = new SplQueue(); }
    public function pending(): bool { return !$this->queue->isEmpty(); }
    public function dueNs(): ?int { return $this->queue->isEmpty() ? null : $this->queue->bottom()[0]; }
}

final class Pair
{
    public Direction $up;    // client -> server
    public Direction $down;  // server -> client
    public bool $closed = false;
    public function __construct(public $client, public $server)
    {
        $this->up = new Direction($client, $server);
        $this->down = new Direction($server, $client);
    }
    public function close(): void
    {
        if ($this->closed) return;
        $this->closed = true;
        @fclose($this->client);
        @fclose($this->server);
    }
}

/** @var Pair[] $pairs */
$pairs = [];

while ($running) {
    $now = hrtime(true);
    $read = [$server];
    if ($stdinOpen) $read[] = STDIN;
    $write = [];
    $nextDue = null;
    foreach ($pairs as $p) {
        foreach ([$p->up, $p->down] as $d) {
            if (!$d->srcEof && $d->queued < MAX_QUEUED) $read[] = $d->src;
            $due = $d->dueNs();
            if ($due !== null) {
                if ($due <= $now) {
                    $write[] = $d->dst;
                } elseif ($nextDue === null || $due < $nextDue) {
                    $nextDue = $due;
                }
            }
        }
    }
    // Wait for input, for writability of a socket with due data, or for the next deadline.
    $r = $read; $w = $write; $e = null;
    if ($nextDue === null) {
        $timeoutUs = 1000000;   // 1 s tick so signals are seen
    } else {
        // Wake up SPIN_NS early and poll for the rest: select()'s wake-up latency would
        // otherwise add ~0.1-0.2 ms to every hop.
        $timeoutUs = max(0, intdiv($nextDue - $now - SPIN_NS, 1000));
    }
    $n = @stream_select($r, $w, $e, intdiv($timeoutUs, 1000000), $timeoutUs % 1000000);
    if ($n === false) {
        if (!$running) break;
        continue;   // EINTR
    }
    $now = hrtime(true);

    foreach ($r as $s) {
        if ($s === $server) {
            while ($c = @stream_socket_accept($server, 0)) {
                $up = @stream_socket_client("tcp://$target", $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
                if (!$up) {
                    fwrite(STDERR, "delay-proxy: cannot connect to $target: $errstr\n");
                    fclose($c);
                    continue;
                }
                prepare($c);
                prepare($up);
                $pairs[(int)$c] = new Pair($c, $up);
            }
            continue;
        }
        if ($s === STDIN) {
            $data = fread(STDIN, 8192);
            if (($data === '' || $data === false) && feof(STDIN)) $stdinOpen = $running = false;
            continue;
        }
    }
    // reads (one chunk per readable socket per round, stamped with its arrival time)
    foreach ($pairs as $key => $p) {
        foreach ([$p->up, $p->down] as $d) {
            if ($p->closed || $d->srcEof || !in_array($d->src, $r, true)) continue;
            $data = @fread($d->src, READ_SIZE);
            if ($data === false) { $p->close(); break; }
            if ($data === '') {
                if (feof($d->src)) {
                    $d->srcEof = true;
                    $d->queue->enqueue([$now + $oneWayNs, null]);
                }
                continue;
            }
            $d->queue->enqueue([$now + $oneWayNs, $data]);
            $d->queued += strlen($data);
        }
    }
    // writes: everything that is due, in order
    $now = hrtime(true);
    foreach ($pairs as $key => $p) {
        foreach ([$p->up, $p->down] as $d) {
            if ($p->closed) break;
            while (!$d->queue->isEmpty() && $d->queue->bottom()[0] <= $now) {
                $chunk = $d->queue->bottom()[1];
                if ($chunk === null) {
                    @stream_socket_shutdown($d->dst, STREAM_SHUT_WR);
                    $d->done = true;
                    $d->queue->dequeue();
                    continue;
                }
                $wrote = @fwrite($d->dst, $chunk);
                if ($wrote === false) { $p->close(); break 2; }
                $d->queued -= $wrote;
                if ($wrote < strlen($chunk)) {
                    $d->queue->offsetSet(0, [$d->queue->bottom()[0], substr($chunk, $wrote)]);
                    break;   // socket buffer full: wait for writability
                }
                $d->queue->dequeue();
            }
        }
        if (!$p->closed && $p->up->done && $p->down->done) $p->close();
        if ($p->closed) unset($pairs[$key]);
    }
}

foreach ($pairs as $p) $p->close();
fclose($server);
