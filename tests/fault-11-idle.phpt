--TEST--
Fault matrix, between two sends: the server ends the idle session (421 "timeout" as Postfix does after smtpd_timeout, or a bare close) -> the next send() notices and reconnects silently
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/faults.inc';

$cases = [
    // the 421 is sent and the socket stays open until the client closes it: with an immediate
    // close the outcome would depend on whether the client's next write meets the RST before it
    // reads the 421
    '421, then close later' => [['send' => "421 4.4.2 fake.example Error: timeout exceeded\r\n"], ['expect_close' => true, 'timeout_ms' => 3000]],
    '421 and close' => [['send' => "421 4.4.2 fake.example Error: timeout exceeded\r\n", 'close' => true]],
    'close' => [['close' => true]],
];
foreach (['pipelining' => ['pipelining' => true], 'no pipelining' => []] as $v => $f) {
    foreach ($cases as $label => $end) {
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
        if ($e2 !== null) $p[] = 'next send: ' . fake_describe($e2) . ': ' . $e2->getMessage();
        elseif (count($t['messages']) !== 1 || $t['messages'][0]['conn'] !== 2 || $r2->queueId !== $t['messages'][0]['queue_id']) $p[] = 'not sent on the second connection';
        foreach ($t['errors'] as $err) $p[] = "server: $err";
        printf("%-36s %s\n", "$v, $label", $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
    }
}
?>
--EXPECT--
pipelining, 421, then close later    ok
pipelining, 421 and close            ok
pipelining, close                    ok
no pipelining, 421, then close later ok
no pipelining, 421 and close         ok
no pipelining, close                 ok
