--TEST--
Fault matrix, STARTTLS and the TLS handshake: 421 / 4xx / 5xx -> TlsException with the code; close / silence (also during the handshake, implicit TLS too) -> transient ConnectionException; the object sends the next message
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

$f = ['pipelining' => true, 'starttls' => true];
echo "-- TLS_STARTTLS (required)\n";
fault_step('STARTTLS', 'starttls', ['STARTTLS', '#1'], $f, [Smtp\TlsException::class]);
// the 220 comes, then no handshake, or the connection is closed: a drop / timeout, transient
$script = fault_script('handshake', 'silence', $f);
foreach (['close' => array_merge(array_slice($script, 0, -2), [['expect' => 'STARTTLS', 'reply' => "220 2.0.0 go ahead\r\n", 'close' => true]]),
    'silence' => $script] as $class => $conn1) {
    fault_case(sprintf('%-16s %s', 'handshake', $class), [
        'conn1' => $conn1,
        'server' => ['tls' => 'localhost'],
        'auto2' => fault_auto($f),
        'client' => fault_client_options($f),
        'expect' => fault_expect($class, null),
    ]);
}

echo "-- TLS_OPPORTUNISTIC\n";
// 4xx/5xx: the session goes on in clear text; 421 / close / silence end it
foreach (FAULT_CLASSES as $class) {
    $c = [
        'conn1' => $class === 'silence' ? fault_script('starttls', 'silence', $f)
            : ['auto' => fault_auto($f) + ['reply' => ['STARTTLS' => ['#1' => fault_reply($class)]]]],
        'server' => ['tls' => 'localhost'],
        'auto2' => fault_auto($f),
        'client' => ['tls' => Smtp::TLS_OPPORTUNISTIC] + fault_client_options($f),
        'expect' => in_array($class, ['4xx', '5xx'], true) ? 'ok'
            : fault_expect($class, [Smtp\TlsException::class, Smtp\ResponseException::class]),
    ];
    fault_case(sprintf('%-16s %s', 'STARTTLS', $class), $c);
}

echo "-- TLS_IMPLICIT, the server closes / never starts the handshake\n";
foreach (['close' => [['close' => true]], 'silence' => [['expect_close' => true, 'timeout_ms' => 10000]]] as $class => $script) {
    $srv = fake_start(['script' => $script]);
    $smtp = fake_client($srv, ['tls' => Smtp::TLS_IMPLICIT] + fault_client_defaults());
    $start = microtime(true);
    $e = fake_catch(fn() => $smtp->send(fault_message(1)));
    $took = microtime(true) - $start;
    $connected = $smtp->isConnected();
    fake_done($smtp);
    $t = fake_stop($srv);
    $p = [];
    if (!$e instanceof Smtp\ConnectionException || !$e->isTransient() || $e->getCode() !== 0) $p[] = fake_describe($e);
    if ($took > 4 * fault_slowdown()) $p[] = sprintf('took %.1f s', $took);
    if ($connected) $p[] = 'still connected';
    printf("%-44s %s\n", sprintf('%-16s %s', 'implicit', $class), $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
-- TLS_STARTTLS (required)
STARTTLS         421                         ok
STARTTLS         4xx                         ok
STARTTLS         5xx                         ok
STARTTLS         close                       ok
STARTTLS         silence                     ok
handshake        close                       ok
handshake        silence                     ok
-- TLS_OPPORTUNISTIC
STARTTLS         421                         ok
STARTTLS         4xx                         ok
STARTTLS         5xx                         ok
STARTTLS         close                       ok
STARTTLS         silence                     ok
-- TLS_IMPLICIT, the server closes / never starts the handshake
implicit         close                       ok
implicit         silence                     ok
