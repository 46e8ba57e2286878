--TEST--
Real Postfix: dot-stuffing, stray CR/LF, long lines and 8-bit bodies over DATA and BDAT arrive exactly as toString(); raw messages and sendMail() too
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$bodies = [
    'leading dots' => ".\n..\n.x\n...y\nend .\n.",
    'stray CR/LF' => "a\rb\nc\r\nd\r\r\ne\n.\r.\n\r.\r\n",
    'long line' => str_repeat('0123456789', 250) . "\nshort\n" . str_repeat('é', 700),
    '8-bit' => "Grüße 今天下雨\n.Zeile mit Punkt\n",
];
$variants = ['DATA' => ['chunking' => false], 'BDAT' => []];
foreach ($variants as $vlabel => $opts) {
    $smtp = pf_client('plain', $opts + ['tls' => Smtp::TLS_OPPORTUNISTIC]);
    foreach ($bodies as $blabel => $body) {
        $id = pf_id();
        $m = pf_message($id)->subject($blabel)->text($body);
        $p = [];
        $r = null;
        $e = pf_catch(function () use ($smtp, $m, &$r) { $r = $smtp->send($m); });
        if ($e !== null) {
            $p[] = pf_describe($e);
        } else {
            $got = pf_find($id);
            if (count($got) !== 1) {
                $p[] = count($got) . ' copies';
            } else {
                $want = preg_replace('/\r\n|\r/', "\n", $body);
                $want .= str_ends_with($want, "\n") ? '' : "\n";
                $p = pf_verify($got[0], $m->toString(), $r, ['subject' => $blabel, 'text' => $want, 'normalise' => false]);
                if ($got[0]['max_line_length'] > 998) $p[] = 'stored line of ' . $got[0]['max_line_length'];
                if ($got[0]['original_has_cr']) $p[] = 'CR stored';
            }
        }
        pf_report("$vlabel, $blabel", $p, 24);
    }

    // a raw message: CRLF normalisation and dot-stuffing only
    $id = pf_id();
    $raw = "From: sender@example.com\nTo: rcpt@example.net\nSubject: raw\nX-Test-Id: $id\n\n.first\n..second\r\nlast";
    $r = $smtp->send($raw, 'sender@example.com', 'rcpt@example.net');
    $got = pf_find($id);
    $want = str_replace(["\r\n"], "\n", $raw) . "\n";
    pf_report("$vlabel, raw", count($got) === 1 ? pf_verify($got[0], $want, $r, ['subject' => 'raw', 'normalise' => false]) : ['not delivered'], 24);

    // sendMail() with an HTML Content-Type header
    $id = pf_id();
    $r = $smtp->sendMail('sender@example.com', ['rcpt@example.net'], 'Grüße via sendMail', '<p>今天下雨</p>',
        ['Content-Type' => 'text/html', 'X-Test-Id' => $id]);
    $got = pf_find($id);
    $p = count($got) === 1 ? [] : ['not delivered'];
    if ($got) {
        $g = $got[0];
        if ($g['subject'] !== 'Grüße via sendMail') $p[] = 'subject ' . $g['subject'];
        if ($g['content_type'] !== 'text/html' || ($g['parts']['charset'] ?? null) !== 'utf-8') $p[] = 'type ' . $g['content_type'] . ' ' . $g['parts']['charset'];
        if (trim((string)$g['body_html']) !== '<p>今天下雨</p>') $p[] = 'html ' . $g['body_html'];
        if ($g['defects']) $p[] = 'defects ' . implode(', ', $g['defects']);
        if (pf_queue_id($g) !== $r->queueId) $p[] = 'queue id';
        // a generated Message-ID: the Result names the one that was sent
        if ($r->messageId === null || $r->messageId !== $g['message_id']) $p[] = 'messageId ' . var_export($r->messageId, true) . ' vs ' . $g['message_id'];
        if ($g['date'] === null) $p[] = 'no Date';
    }
    pf_report("$vlabel, sendMail()", $p, 24);
    $smtp->quit();
}
?>
--EXPECT--
DATA, leading dots       ok
DATA, stray CR/LF        ok
DATA, long line          ok
DATA, 8-bit              ok
DATA, raw                ok
DATA, sendMail()         ok
BDAT, leading dots       ok
BDAT, stray CR/LF        ok
BDAT, long line          ok
BDAT, 8-bit              ok
BDAT, raw                ok
BDAT, sendMail()         ok
