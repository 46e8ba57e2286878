<?php
/*
 * A small ESMTP server that serves its connections at the same time (stream_select), for the tests of
 * sendBatch() over several connections (server.php serves one connection after another).
 *
 *   php concurrent.php CONFIG.json
 *
 * Prints the port on the first stdout line. Every connection is the same well-behaved server (EHLO with
 * PIPELINING, and CHUNKING when 'chunking' is true), except for the faults of 'faults', keyed by the
 * connection's number (1 for the first accepted):
 *   {"at": N, "do": "drop"}  closes without a word after reading the end of data of its Nth message
 *   {"at": N, "do": "421"}   answers the end of data of its Nth message with 421 and closes (not accepted)
 *   {"do": "refuse"}         closes as soon as it is accepted, before the greeting (a server at its limit)
 * 'reply_delay_ms' (default 0) holds every reply, the greeting included, that long after what it answers
 * arrived (in order, per connection, the others served meanwhile); 'quit_delay_ms' (default 0) holds the
 * reply to QUIT that much longer.
 * Exits once no connection has been open for 'idle_ms' (default 500) after the first one, or at
 * 'time_limit' seconds, writing to 'out' (JSON): the messages accepted, with their connection and
 * Subject, the connection count, the most connections open at once, and 'events', in the order they
 * happened: ['conn' => N, 'ev' => 'accept' | 'ehlo' (read) | 'quit' (read) | 'bye' (221 written)].
 */

$cfg = json_decode((string)file_get_contents($argv[1]), true);
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if (!$server) {
    fwrite(STDERR, "cannot listen: $errstr\n");
    exit(1);
}
$name = stream_socket_get_name($server, false);
echo substr($name, strrpos($name, ':') + 1), "\n";
fclose(STDOUT);

$deadline = microtime(true) + (float)($cfg['time_limit'] ?? 20);
$chunking = !empty($cfg['chunking']);
$faults = $cfg['faults'] ?? [];
$idle = (float)($cfg['idle_ms'] ?? 500) / 1000;
$idleSince = null;
$conns = [];
$accepted = 0;
$closed = 0;
$maxOpen = 0;
$messages = [];
$events = [];
$replyDelay = (float)($cfg['reply_delay_ms'] ?? 0) / 1000;
$quitDelay = (float)($cfg['quit_delay_ms'] ?? 0) / 1000;

function conn_close(array &$conns, int $id, int &$closed): void
{
    @fclose($conns[$id]['sock']);
    unset($conns[$id]);
    $closed++;
}

/* What one connection does with the bytes it has: the replies to every complete command. */
function conn_feed(array &$c, array $faults, bool $chunking, array &$messages): array
{
    $out = '';
    for (;;) {
        if ($c['bdat'] !== null) {
            if (strlen($c['buf']) < $c['bdat']) {
                break;
            }
            $c['data'] .= substr($c['buf'], 0, $c['bdat']);
            $c['buf'] = substr($c['buf'], $c['bdat']);
            $c['bdat'] = null;
            if (!$c['last']) {
                $out .= "250 2.0.0 chunk ok\r\n";
                continue;
            }
            [$reply, $end] = conn_message($c, $faults, $messages);
            $out .= $reply;
            if ($end) {
                return [$out, $end];
            }
            continue;
        }
        $nl = strpos($c['buf'], "\n");
        if ($nl === false) {
            break;
        }
        $line = rtrim(substr($c['buf'], 0, $nl + 1), "\r\n");
        $c['buf'] = substr($c['buf'], $nl + 1);
        if ($c['in_data']) {
            if ($line === '.') {
                $c['in_data'] = false;
                [$reply, $end] = conn_message($c, $faults, $messages);
                $out .= $reply;
                if ($end) {
                    return [$out, $end];
                }
            } else {
                $c['data'] .= (str_starts_with($line, '.') ? substr($line, 1) : $line) . "\n";
            }
            continue;
        }
        $verb = strtoupper(substr($line, 0, 4));
        if ($verb === 'EHLO' || $verb === 'QUIT') {
            $GLOBALS['events'][] = ['conn' => $c['id'], 'ev' => strtolower($verb)];
        }
        if ($verb === 'EHLO') {
            $out .= "250-fake.example\r\n250-PIPELINING\r\n" . ($chunking ? "250-CHUNKING\r\n" : '') . "250 8BITMIME\r\n";
        } elseif ($verb === 'MAIL') {
            $c['rcpt'] = [];
            $c['data'] = '';
            $out .= "250 2.1.0 Ok\r\n";
        } elseif ($verb === 'RCPT') {
            preg_match('/<([^>]*)>/', $line, $m);
            $c['rcpt'][] = $m[1] ?? '';
            $out .= "250 2.1.5 Ok\r\n";
        } elseif ($verb === 'DATA') {
            $c['in_data'] = true;
            $out .= "354 End data with <CR><LF>.<CR><LF>\r\n";
        } elseif ($verb === 'BDAT') {
            $parts = explode(' ', $line);
            $c['bdat'] = (int)($parts[1] ?? 0);
            $c['last'] = strtoupper($parts[2] ?? '') === 'LAST';
        } elseif ($verb === 'QUIT') {
            return [$out . "221 2.0.0 Bye\r\n", 'quit'];
        } else {
            $out .= "250 2.0.0 Ok\r\n"; // RSET, NOOP
        }
    }
    return [$out, null];
}

/* A whole message has arrived: accept it, or the connection's fault. */
function conn_message(array &$c, array $faults, array &$messages): array
{
    $c['n']++;
    $f = $faults[(string)$c['id']] ?? null;
    if ($f && (int)$f['at'] === $c['n']) {
        return $f['do'] === '421' ? ["421 4.3.2 Service shutting down\r\n", 'close'] : ['', 'drop'];
    }
    preg_match('/^Subject: (.*)$/mi', $c['data'], $m);
    $messages[] = ['conn' => $c['id'], 'subject' => trim($m[1] ?? ''), 'rcpt' => $c['rcpt']];
    return ["250 2.0.0 Ok: queued as C{$c['id']}M{$c['n']}\r\n", null];
}

while (microtime(true) < $deadline) {
    if ($conns) {
        $idleSince = null;
    } elseif ($accepted > 0) {
        $idleSince ??= microtime(true);
        if (microtime(true) - $idleSince >= $idle) {
            break;
        }
    }
    // replies whose time has come (reply_delay_ms, quit_delay_ms)
    $now = microtime(true);
    $wait = 0.05;
    foreach (array_keys($conns) as $id) {
        while (isset($conns[$id]) && $conns[$id]['pending'] && $conns[$id]['pending'][0][0] <= $now) {
            [, $bytes, $end] = array_shift($conns[$id]['pending']);
            if ($bytes !== '') {
                @fwrite($conns[$id]['sock'], $bytes);
            }
            if ($end === 'quit') {
                $events[] = ['conn' => $id, 'ev' => 'bye'];
            }
            if ($end !== null) {
                conn_close($conns, $id, $closed);
            }
        }
        if (isset($conns[$id]) && $conns[$id]['pending']) {
            $wait = min($wait, max(0, $conns[$id]['pending'][0][0] - $now));
        }
    }
    $read = [$server];
    foreach ($conns as $c) {
        if (!$c['ending']) {
            $read[] = $c['sock'];
        }
    }
    $write = $except = null;
    if (@stream_select($read, $write, $except, 0, (int)($wait * 1e6)) === false) {
        break;
    }
    foreach ($read as $sock) {
        if ($sock === $server) {
            $s = @stream_socket_accept($server, 0);
            if ($s) {
                $id = ++$accepted;
                if (($faults[(string)$id]['do'] ?? '') === 'refuse') {
                    fclose($s);
                    $closed++;
                    continue;
                }
                $conns[$id] = ['id' => $id, 'sock' => $s, 'buf' => '', 'in_data' => false, 'bdat' => null,
                    'last' => false, 'data' => '', 'rcpt' => [], 'n' => 0, 'pending' => [], 'ending' => false];
                $maxOpen = max($maxOpen, count($conns));
                $events[] = ['conn' => $id, 'ev' => 'accept'];
                $conns[$id]['pending'][] = [microtime(true) + $replyDelay, "220 fake.example ESMTP\r\n", null];
            }
            continue;
        }
        $id = null;
        foreach ($conns as $k => $c) {
            if ($c['sock'] === $sock) {
                $id = $k;
            }
        }
        if ($id === null) {
            continue;
        }
        $bytes = @fread($sock, 65536);
        if ($bytes === '' || $bytes === false) {
            if (feof($sock)) {
                conn_close($conns, $id, $closed);
            }
            continue;
        }
        $conns[$id]['buf'] .= $bytes;
        [$out, $end] = conn_feed($conns[$id], $faults, !empty($cfg['chunking']), $messages);
        if ($out !== '' || $end !== null) {
            $due = microtime(true) + $replyDelay + ($end === 'quit' ? $quitDelay : 0);
            $conns[$id]['pending'][] = [$due, $out, $end];
            $conns[$id]['ending'] = $end !== null;
        }
    }
}
file_put_contents($cfg['out'], json_encode(['messages' => $messages, 'conns' => $accepted, 'max_open' => $maxOpen,
    'events' => $events]));
