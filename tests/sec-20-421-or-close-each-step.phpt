--TEST--
Security 20: 421 or a closed connection at each step (greeting, EHLO, STARTTLS, AUTH, MAIL, each RCPT, DATA, body, final dot, RSET, NOOP, idle) -> transient exception, nothing reported as sent, the next send reconnects; at MAIL, RCPT and DATA (before the end of data) the message is sent once more on a new connection instead
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

$both = ['421', 'close'];
$pipe = ['pipelining' => true];
$response = Smtp\ResponseException::class;
fault_step('greeting', 'greeting', ['GREETING', null], $pipe, $response, [], [], $both);
fault_step('EHLO', 'ehlo', ['EHLO', '#1'], $pipe, $response, ['HELO'], [], $both);
fault_step('STARTTLS', 'starttls', ['STARTTLS', '#1'], $pipe + ['starttls' => true], [Smtp\TlsException::class, $response], [], [], $both);
fault_step('AUTH', 'auth', ['AUTH', '#1'], $pipe + ['auth' => true], [Smtp\AuthenticationException::class, $response], [], [], $both);
fault_step('MAIL', 'mail', ['MAIL', '#1'], $pipe, $response, [], [], $both);
fault_step('RCPT #1', 'rcpt1', ['RCPT', '#1'], $pipe, [Smtp\RecipientException::class, $response], [], [], $both);
fault_step('RCPT #2', 'rcpt2', ['RCPT', '#2'], $pipe, [Smtp\RecipientException::class, $response], [], [], $both);
fault_step('DATA', 'data', ['DATA', '#1'], $pipe, $response, [], [], $both);
fault_step('dot (DATA)', 'dot', ['DOT', '#1'], $pipe, $response, [], [], $both);
fault_step('dot (BDAT)', 'dot', ['DOT', '#1'], $pipe + ['chunking' => true], $response, [], [], $both);
$chunks = fault_message(1, str_repeat(str_repeat('y', 75) . "\n", 8000));
fault_step('BDAT chunk 1', 'body', ['BDAT', '#1'], $pipe + ['chunking' => true], [$response, Smtp\ConnectionException::class], [], [
    'message' => $chunks, 'no_delivery_check' => true], $both);
foreach ($both as $class) {
    fault_case(sprintf('%-16s %s', 'DATA body', $class), [
        'conn1' => fault_script('body', $class, $pipe),
        'auto2' => fault_auto($pipe),
        'client' => fault_client_options($pipe),
        'message' => fault_message(1, str_repeat(str_repeat('z', 75) . "\n", 14000)),
        'expect' => fault_expect($class, [$response, Smtp\ConnectionException::class], $class === '421' ? ['code' => [421, 0]] : []),
    ]);
}

echo "-- RSET, NOOP\n";
foreach (['RSET' => fn(Smtp $s) => $s->reset(), 'NOOP' => fn(Smtp $s) => $s->noop()] as $cmd => $fn) {
    foreach ($both as $class) {
        $srv = fake_start(['conns' => [[['auto' => ['reply' => [$cmd => fault_reply($class)]]]], [['auto' => []]]]]);
        $smtp = fake_client($srv, fault_client_defaults());
        $smtp->connect();
        $e = fake_catch(fn() => $fn($smtp));
        $connected = $smtp->isConnected();
        $r = null;
        $e2 = fake_catch(function () use ($smtp, &$r) { $r = $smtp->send(fault_message(2)); });
        fake_done($smtp);
        $t = fake_stop($srv);
        $p = [];
        if (!$e instanceof Smtp\Exception || !$e->isTransient() || $e->getCode() !== ($class === '421' ? 421 : 0)) $p[] = fake_describe($e);
        if ($class === 'close' && !$e instanceof Smtp\ConnectionException) $p[] = 'not a ConnectionException';
        if ($connected) $p[] = 'still connected';
        if ($e2 !== null) $p[] = 'next send: ' . fake_describe($e2);
        elseif (count($t['messages']) !== 1 || $t['messages'][0]['conn'] !== 2) $p[] = 'next message not on the second connection';
        printf("%-44s %s\n", sprintf('%-16s %s', $cmd, $class), $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
    }
}

echo "-- the server ends an idle session between two sends\n";
// (fault-11-idle.phpt checks that the next send reconnects silently; here: never a false success)
foreach (['421' => [['send' => "421 4.4.2 idle too long\r\n"], ['expect_close' => true, 'timeout_ms' => 3000]],
    'close' => [['close' => true]]] as $class => $end) {
    $f = $pipe;
    $script = array_merge(array_slice(fault_script('quit', 'silence', $f), 0, -2), $end);
    $srv = fake_start(['conns' => [$script, [['auto' => fault_auto($f)]]]]);
    $smtp = fake_client($srv, fault_client_options($f) + fault_client_defaults());
    $r1 = $smtp->send(fault_message(1));
    usleep(300000);
    $r2 = null;
    $e2 = fake_catch(function () use ($smtp, &$r2) { $r2 = $smtp->send(fault_message(2)); });
    fake_done($smtp);
    $t = fake_stop($srv);
    $p = [];
    if ($r1->queueId !== 'SCRIPTED1') $p[] = 'first result ' . var_export($r1->queueId, true);
    if ($e2 !== null) {
        if (!$e2 instanceof Smtp\Exception || !$e2->isTransient()) $p[] = 'next send: ' . fake_describe($e2);
        if ($t['messages']) $p[] = 'a message was accepted, yet send() threw';
    } elseif (count($t['messages']) !== 1 || $t['messages'][0]['conn'] !== 2 || $r2->queueId !== $t['messages'][0]['queue_id']) {
        $p[] = 'reported as sent, but not accepted on the second connection';
    }
    foreach ($t['errors'] as $err) $p[] = "server: $err";
    printf("%-44s %s\n", sprintf('%-16s %s', 'idle', $class), $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
greeting         421                         ok
greeting         close                       ok
EHLO             421                         ok
EHLO             close                       ok
STARTTLS         421                         ok
STARTTLS         close                       ok
AUTH             421                         ok
AUTH             close                       ok
MAIL             421                         ok
MAIL             close                       ok
RCPT #1          421                         ok
RCPT #1          close                       ok
RCPT #2          421                         ok
RCPT #2          close                       ok
DATA             421                         ok
DATA             close                       ok
dot (DATA)       421                         ok
dot (DATA)       close                       ok
dot (BDAT)       421                         ok
dot (BDAT)       close                       ok
BDAT chunk 1     421                         ok
BDAT chunk 1     close                       ok
DATA body        421                         ok
DATA body        close                       ok
-- RSET, NOOP
RSET             421                         ok
RSET             close                       ok
NOOP             421                         ok
NOOP             close                       ok
-- the server ends an idle session between two sends
idle             421                         ok
idle             close                       ok
