--TEST--
Real Postfix: every TLS mode (plain with TLS_NONE / TLS_OPPORTUNISTIC / TLS_STARTTLS, submission with STARTTLS, smtps with implicit TLS) delivers the exact message
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$cases = [
    // label => [port, options, STARTTLS sent?, protocol Postfix records]
    'plain TLS_NONE' => ['plain', ['tls' => Smtp::TLS_NONE], false, 'ESMTP'],
    'plain TLS_OPPORTUNISTIC' => ['plain', ['tls' => Smtp::TLS_OPPORTUNISTIC], true, 'ESMTPS'],
    'plain TLS_STARTTLS' => ['plain', ['tls' => Smtp::TLS_STARTTLS], true, 'ESMTPS'],
    'submission TLS_STARTTLS + AUTH' => ['submission', pf_auth(['tls' => Smtp::TLS_STARTTLS]), true, 'ESMTPSA'],
    'smtps TLS_IMPLICIT + AUTH' => ['smtps', pf_auth(['tls' => Smtp::TLS_IMPLICIT]), false, 'ESMTPSA'],
];
foreach ($cases as $label => [$port, $opts, $starttls, $proto]) {
    $log = [];
    $opts['logger'] = function (string $l) use (&$log) { $log[] = $l; };
    $smtp = pf_client($port, $opts);
    $id = pf_id();
    $m = pf_message($id)->subject("TLS mode $label")->text("Sent with $label.\n");
    $r = null;
    $e = pf_catch(function () use ($smtp, $m, &$r) { $r = $smtp->send($m); });
    $problems = [];
    if ($e !== null) {
        $problems[] = pf_describe($e);
    } else {
        $caps = $smtp->getCapabilities();
        $sentStarttls = in_array('C: STARTTLS', $log, true);
        if ($sentStarttls !== $starttls) $problems[] = 'STARTTLS ' . ($sentStarttls ? 'sent' : 'not sent');
        // after TLS Postfix no longer offers STARTTLS; without TLS it still does
        if (isset($caps['STARTTLS']) !== ($proto === 'ESMTP')) $problems[] = 'capabilities ' . implode(',', array_keys($caps));
        if ($port !== 'plain' && !isset($caps['AUTH'])) $problems[] = 'no AUTH capability';
        if ($r->accepted !== ['rcpt@example.net'] || $r->rejected !== []) $problems[] = 'accepted/rejected wrong';
        $got = pf_find($id);
        if (count($got) !== 1) {
            $problems[] = count($got) . ' copies delivered';
        } else {
            $problems = array_merge($problems, pf_verify($got[0], $m->toString(), $r, [
                'subject' => "TLS mode $label", 'from' => 'sender@example.com', 'to' => ['rcpt@example.net'],
                'env_from' => 'sender@example.com', 'env_to' => 'rcpt@example.net',
                'text' => "Sent with $label.\n", 'protocol' => $proto, 'normalise' => false,
            ]));
        }
        $smtp->quit();
        if ($smtp->isConnected()) $problems[] = 'connected after quit()';
    }
    pf_report($label, $problems, 32);
}

echo "-- certificate checks against the real server\n";
$bad = [
    'no cafile (system CAs)' => ['peer_name' => pf_env()['tls_name']],
    'wrong peer name' => ['cafile' => pf_env()['cafile'], 'peer_name' => 'wrong.example'],
];
foreach ($bad as $label => $ssl) {
    foreach (['submission', 'smtps'] as $port) {
        $log = [];
        $smtp = new Smtp(pf_env()['host'], pf_env()['ports'][$port], pf_auth([
            'tls' => $port === 'smtps' ? Smtp::TLS_IMPLICIT : Smtp::TLS_STARTTLS,
            'context' => ['ssl' => $ssl], 'timeout' => 10, 'command_timeout' => 20,
            'logger' => function (string $l) use (&$log) { $log[] = $l; },
        ]));
        $e = pf_catch(fn() => $smtp->send(pf_message(pf_id())->subject('never')->text("never\n")));
        $problems = [];
        if (!$e instanceof Smtp\TlsException) $problems[] = 'expected TlsException, got ' . pf_describe($e);
        foreach ($log as $l) {
            if (preg_match('/^C: (AUTH|MAIL)/', $l)) $problems[] = "sent '$l'";
        }
        if ($smtp->isConnected()) $problems[] = 'still connected';
        pf_report("$label, $port", $problems, 32);
    }
}
?>
--EXPECT--
plain TLS_NONE                   ok
plain TLS_OPPORTUNISTIC          ok
plain TLS_STARTTLS               ok
submission TLS_STARTTLS + AUTH   ok
smtps TLS_IMPLICIT + AUTH        ok
-- certificate checks against the real server
no cafile (system CAs), submission ok
no cafile (system CAs), smtps    ok
wrong peer name, submission      ok
wrong peer name, smtps           ok
