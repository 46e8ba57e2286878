--TEST--
Several hosts: a refused connection, a dropped one, a TLS failure and a 421 greeting move on to the next host (in order, or round robin); a 5xx greeting does not; getHost() says which host answered; one ConnectionException names every host when none takes the connection
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$base = ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5, 'command_timeout' => 5];
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

function refused_port(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
    fclose($s);
    return $port;
}
function greeting_421(): FakeServerProc
{
    return fake_start(['script' => [['send' => "421 4.3.2 fake.example busy, try another\r\n"], ['expect_close' => true, 'timeout_ms' => 5000]]]);
}
function dropping(): FakeServerProc
{
    return fake_start(['script' => [['close' => true]]]);
}
function contacted(FakeServerProc $srv): int
{
    return count(array_filter(fake_wait($srv, 6)['events'], fn($e) => $e['ev'] === 'connect'));
}

echo "-- refused, dropped, 421, then one that works\n";
$refused = refused_port();
$drop = dropping();
$busy = greeting_421();
$good = fake_auto();
$smtp = new Smtp(['127.0.0.1', ['127.0.0.1', $drop->port], ['127.0.0.1', $busy->port], ['127.0.0.1', $good->port]], $refused, $base);
$r = $smtp->send($msg);
echo 'sent via ', $smtp->getHost() === "127.0.0.1:{$good->port}" ? 'the fourth host' : $smtp->getHost(), ', queue id ', $r->queueId === null ? 'none' : 'set', "\n";
fake_done($smtp);
printf("connections: dropping %d, 421 %d, good %d (messages %d)\n", contacted($drop), contacted($busy), contacted($good), count(fake_wait($good)['messages']));

echo "-- a TLS failure (implicit TLS to a plain server) moves on too\n";
$plain = fake_start(['script' => [['send' => "220 not tls\r\n"], ['expect_close' => true, 'timeout_ms' => 5000]]]);
$tls = fake_auto([], ['tls' => 'localhost', 'tls_implicit' => true]);
$cert = fake_cert('localhost');
$smtp = new Smtp([['127.0.0.1', $plain->port], ['127.0.0.1', $tls->port]], 0,
    ['tls' => Smtp::TLS_IMPLICIT, 'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]] + $base);
$e = fake_catch(fn() => $smtp->send($msg));
echo fake_describe($e), ', via ', $smtp->getHost() === "127.0.0.1:{$tls->port}" ? 'the second host' : $smtp->getHost(), "\n";
fake_done($smtp);
fake_wait($plain, 6);
echo 'messages on the TLS host: ', count(fake_wait($tls)['messages']), "\n";

echo "-- a 554 greeting is an answer: no failover\n";
$no = fake_start(['script' => [['send' => "554 5.7.1 no service for you\r\n"], ['expect_close' => true, 'timeout_ms' => 5000]]]);
$good = fake_auto();
$smtp = new Smtp([['127.0.0.1', $no->port], ['127.0.0.1', $good->port]], 0, $base);
$e = fake_catch(fn() => $smtp->send($msg));
echo get_class($e), ' ', $e->getCode(), ', host ', $smtp->getHost() === "127.0.0.1:{$no->port}" ? 'the first' : $smtp->getHost(), "\n";
$smtp = null;
fake_wait($no, 6);
echo 'the second host was contacted: ', json_encode(contacted($good) > 0), "\n";

echo "-- none takes the connection\n";
$p1 = refused_port();
$busy = greeting_421();
$smtp = new Smtp([['127.0.0.1', $p1], ['127.0.0.1', $busy->port]], 0, $base);
$e = fake_catch(fn() => $smtp->send($msg));
$m = str_replace([(string)$p1, (string)$busy->port], ['P1', 'P2'], $e->getMessage());
echo get_class($e), ' transient=', json_encode($e->isTransient()), "\n";
echo preg_replace('/: Connection to .*? failed: [^;]*;/', ': <refused>;', $m), "\n";
$chain = [];
for ($p = $e->getPrevious(); $p; $p = $p->getPrevious()) $chain[] = get_class($p);
echo 'previous: ', implode(' <- ', $chain), "\n";
$smtp = null;
fake_wait($busy, 6);

echo "-- round robin: each connection starts at the next host\n";
$a = fake_start(['conns' => [[['auto' => []]], [['auto' => []]], [['auto' => []]]]]);
$b = fake_start(['conns' => [[['auto' => []]], [['auto' => []]]]]);
$seen = [];
foreach ([true, true, false, false] as $rr) {
    $smtp = new Smtp([['127.0.0.1', $a->port], ['127.0.0.1', $b->port]], 0, ['round_robin' => $rr] + $base);
    $smtp->send($msg);
    $seen[] = ($rr ? 'rr:' : 'in order:') . ($smtp->getHost() === "127.0.0.1:{$a->port}" ? 'A' : 'B');
    fake_done($smtp);
}
echo implode(' ', $seen), "\n";
$ta = fake_wait($a, 3);
$tb = fake_wait($b, 3);
printf("messages: A %d, B %d\n", count($ta['messages']), count($tb['messages']));

echo "-- smtp.host as a comma-separated list (smtp_mail()): 127.0.0.2 refuses, 127.0.0.1 takes it\n";
$srv = fake_auto();
ini_set('smtp.host', ' 127.0.0.2 ,127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'sender@example.com');
var_dump(smtp_mail('to@example.com', 'subject', 'body'));
smtp_mail_quit();
echo 'messages: ', count(fake_wait($srv)['messages']), "\n";

echo "-- bad lists\n";
foreach ([[], [['h', 0]], [['h', 25, 1]], [42], ['bad host'], [['h', '25']]] as $hosts) {
    try {
        new Smtp($hosts);
        echo "accepted\n";
    } catch (ValueError $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
-- refused, dropped, 421, then one that works
sent via the fourth host, queue id set
connections: dropping 1, 421 1, good 1 (messages 1)
-- a TLS failure (implicit TLS to a plain server) moves on too
no exception, via the second host
messages on the TLS host: 1
-- a 554 greeting is an answer: no failover
Smtp\ResponseException 554, host the first
the second host was contacted: false
-- none takes the connection
Smtp\ConnectionException transient=true
no host took the connection: 127.0.0.1 port P1: <refused>; 127.0.0.1 port P2: the server refused the connection: 421 4.3.2 fake.example busy, try another (127.0.0.1:P2, at the greeting)
previous: Smtp\ResponseException <- Smtp\ConnectionException
-- round robin: each connection starts at the next host
rr:A rr:B in order:A in order:A
messages: A 3, B 1
-- smtp.host as a comma-separated list (smtp_mail()): 127.0.0.2 refuses, 127.0.0.1 takes it
bool(true)
messages: 1
-- bad lists
Smtp::__construct(): Argument #1 ($host) must not be an empty list of hosts
Smtp::__construct(): Argument #1 ($host) must list host names or [host, port] pairs (port 1 to 65535)
Smtp::__construct(): Argument #1 ($host) must list host names or [host, port] pairs (port 1 to 65535)
Smtp::__construct(): Argument #1 ($host) must list host names or IP addresses, or [host, port] pairs
Smtp::__construct(): Argument #1 ($host) must list host names or IP addresses, or [host, port] pairs
Smtp::__construct(): Argument #1 ($host) must list host names or [host, port] pairs (port 1 to 65535)
