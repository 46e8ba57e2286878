--TEST--
Real Postfix: message refused after the data (X-Test-Tempfail 451, X-Test-Reject 550) -> ResponseException, isTransient() right, nothing reported sent or delivered; same object sends the next message
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$variants = [
    'plain, BDAT' => ['plain', []],
    'plain, DATA' => ['plain', ['chunking' => false]],
    'plain, DATA, no pipelining' => ['plain', ['chunking' => false, 'pipelining' => false]],
    'submission, BDAT' => ['submission', pf_auth()],
    'smtps, DATA' => ['smtps', pf_auth(['chunking' => false])],
];
$headers = [
    'X-Test-Tempfail' => [451, '4.7.1', true],
    'X-Test-Reject' => [550, '5.7.1', false],
];
$mustNotArrive = [];
foreach ($variants as $vlabel => [$port, $opts]) {
    foreach ($headers as $h => [$code, $enh, $transient]) {
        $smtp = pf_client($port, $opts + ['partial' => $h === 'X-Test-Reject']);
        $id = pf_id();
        $r = null;
        $e = pf_catch(function () use ($smtp, $id, $h, &$r) {
            $r = $smtp->send(pf_message($id)->header($h, 'yes')->subject('refused')->text("refused\n"), null,
                ['rcpt@example.net', 'second@example.net']);
        });
        $mustNotArrive[] = $id;
        $p = [];
        if ($r !== null) $p[] = 'reported as sent';
        if (!$e instanceof Smtp\ResponseException) {
            $p[] = 'expected ResponseException, got ' . pf_describe($e);
        } elseif ($e->getCode() !== $code || $e->getEnhancedStatus() !== $enh || $e->isTransient() !== $transient
            || !str_starts_with((string)$e->getReply(), "$code $enh")) {
            $p[] = pf_describe($e);
        }
        // the same object, the next message
        $id2 = pf_id();
        $m = pf_message($id2)->subject('next')->text("next\n");
        $r2 = null;
        $e2 = pf_catch(function () use ($smtp, $m, &$r2) { $r2 = $smtp->send($m); });
        if ($e2 !== null) {
            $p[] = 'next send: ' . pf_describe($e2);
        } else {
            $got = pf_find($id2);
            $p = array_merge($p, count($got) === 1
                ? pf_verify($got[0], $m->toString(), $r2, ['subject' => 'next', 'normalise' => false])
                : [count($got) . ' copies of the next message']);
        }
        $smtp->quit();
        pf_report("$vlabel, $h", $p, 45);
    }
}
// The next messages went through the same queue after the refused ones: give stragglers a moment.
usleep(1000000);
$n = 0;
foreach ($mustNotArrive as $id) {
    $n += count(pf_find($id, 1, 0));
}
echo "refused messages delivered: $n\n";
?>
--EXPECT--
plain, BDAT, X-Test-Tempfail                  ok
plain, BDAT, X-Test-Reject                    ok
plain, DATA, X-Test-Tempfail                  ok
plain, DATA, X-Test-Reject                    ok
plain, DATA, no pipelining, X-Test-Tempfail   ok
plain, DATA, no pipelining, X-Test-Reject     ok
submission, BDAT, X-Test-Tempfail             ok
submission, BDAT, X-Test-Reject               ok
smtps, DATA, X-Test-Tempfail                  ok
smtps, DATA, X-Test-Reject                    ok
refused messages delivered: 0
