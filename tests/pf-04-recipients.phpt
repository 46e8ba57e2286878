--TEST--
Real Postfix: recipients rejected at RCPT (550 / 450): partial false -> RecipientException and nothing delivered; partial true -> Result->rejected and the good one delivered; same object usable afterwards
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$variants = [
    'BDAT, pipelined' => [],
    'DATA, pipelined' => ['chunking' => false],
    'no pipelining' => ['pipelining' => false],
];
$bad = [
    'reject' => ['reject-' . bin2hex(random_bytes(3)) . '@example.net', 550, '5.1.1', false],
    'tempfail' => ['tempfail-' . bin2hex(random_bytes(3)) . '@example.net', 450, '4.2.1', true],
];
$good = 'good@example.net';
$mustNotArrive = [];
$lastSend = microtime(true);

/* Sends a good message on $smtp and checks it arrives; returns problems. */
function send_again(Smtp $smtp): array
{
    $id = pf_id();
    $m = pf_message($id)->subject('the next message')->text("next\n");
    $r = null;
    $e = pf_catch(function () use ($smtp, $m, &$r) { $r = $smtp->send($m); });
    if ($e !== null) {
        return ['next send: ' . pf_describe($e)];
    }
    $got = pf_find($id);
    if (count($got) !== 1) {
        return ['next message: ' . count($got) . ' copies'];
    }
    return pf_verify($got[0], $m->toString(), $r, ['env_to' => 'rcpt@example.net', 'normalise' => false]);
}

echo "-- partial => false\n";
foreach ($variants as $vlabel => $opts) {
    foreach ($bad as $blabel => [$addr, $code, $enh, $transient]) {
        $smtp = pf_client('plain', $opts);
        $id = pf_id();
        $result = null;
        $e = pf_catch(function () use ($smtp, $id, $good, $addr, &$result) {
            $result = $smtp->send(pf_message($id, 'sender@example.com', null)->to($good)->to($addr)->subject('x')->text("x\n"));
        });
        $lastSend = microtime(true);
        $mustNotArrive[] = $id;
        $p = [];
        if ($result !== null) $p[] = 'reported as sent';
        if (!$e instanceof Smtp\RecipientException) {
            $p[] = 'expected RecipientException, got ' . pf_describe($e);
        } else {
            if ($e->getCode() !== $code || $e->getEnhancedStatus() !== $enh || $e->isTransient() !== $transient) $p[] = pf_describe($e);
            $rej = $e->getRejected();
            if (array_keys($rej) !== [$addr] || !str_starts_with($rej[$addr], "$code $enh")) $p[] = 'getRejected() ' . json_encode($rej);
        }
        $p = array_merge($p, send_again($smtp));
        $smtp->quit();
        pf_report("$vlabel, $blabel", $p, 28);
    }
}

echo "-- partial => true\n";
foreach ($variants as $vlabel => $opts) {
    $smtp = pf_client('plain', $opts + ['partial' => true]);
    $id = pf_id();
    $to = [$bad['reject'][0], $good, $bad['tempfail'][0], 'second@example.net'];
    $m = pf_message($id, 'sender@example.com', null)->subject('partial')->text("partial\n");
    $r = null;
    $e = pf_catch(function () use ($smtp, $m, $to, &$r) { $r = $smtp->send($m, null, $to); });
    $p = [];
    if ($e !== null) {
        $p[] = pf_describe($e);
    } else {
        if ($r->accepted !== [$good, 'second@example.net']) $p[] = 'accepted ' . json_encode($r->accepted);
        $rej = $r->rejected;
        if (array_keys($rej) !== [$bad['reject'][0], $bad['tempfail'][0]]
            || !str_starts_with($rej[$bad['reject'][0]], '550 5.1.1')
            || !str_starts_with($rej[$bad['tempfail'][0]], '450 4.2.1')) {
            $p[] = 'rejected ' . json_encode($rej);
        }
        $got = pf_find($id, 2);
        if (array_map(fn($g) => $g['envelope']['to'], $got) !== [$good, 'second@example.net']) {
            $p[] = 'delivered to ' . json_encode(array_map(fn($g) => $g['envelope']['to'], $got));
        }
        foreach ($got as $g) {
            $p = array_merge($p, pf_verify($g, $m->toString(), $r, ['subject' => 'partial', 'text' => "partial\n", 'normalise' => false]));
        }
    }
    // every recipient rejected: an exception even with partial => true
    $id2 = pf_id();
    $e = pf_catch(fn() => $smtp->send(pf_message($id2, 'sender@example.com', null)->subject('x')->text("x\n"), null,
        [$bad['reject'][0], $bad['tempfail'][0]]));
    $lastSend = microtime(true);
    $mustNotArrive[] = $id2;
    if (!$e instanceof Smtp\RecipientException || count($e->getRejected()) !== 2) $p[] = 'all rejected: ' . pf_describe($e);
    $p = array_merge($p, send_again($smtp));
    $smtp->quit();
    pf_report("$vlabel", $p, 28);
}

echo "-- submission without AUTH: relaying refused at RCPT\n";
$smtp = pf_client('submission');
$id = pf_id();
$e = pf_catch(fn() => $smtp->send(pf_message($id)->subject('x')->text("x\n")));
$lastSend = microtime(true);
$mustNotArrive[] = $id;
pf_report('no AUTH', $e instanceof Smtp\RecipientException && $e->getCode() === 554 && !$e->isTransient()
    && array_keys($e->getRejected()) === ['rcpt@example.net'] ? [] : [pf_describe($e)], 28);
$smtp->quit();

echo "-- nothing arrived for the refused sends\n";
usleep((int)max(0, ($lastSend + 2 - microtime(true)) * 1e6));
$n = 0;
foreach ($mustNotArrive as $id) {
    $n += count(pf_find($id, 1, 0));
}
echo "$n copies\n";
?>
--EXPECT--
-- partial => false
BDAT, pipelined, reject      ok
BDAT, pipelined, tempfail    ok
DATA, pipelined, reject      ok
DATA, pipelined, tempfail    ok
no pipelining, reject        ok
no pipelining, tempfail      ok
-- partial => true
BDAT, pipelined              ok
DATA, pipelined              ok
no pipelining                ok
-- submission without AUTH: relaying refused at RCPT
no AUTH                      ok
-- nothing arrived for the refused sends
0 copies
