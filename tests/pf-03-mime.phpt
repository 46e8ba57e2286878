--TEST--
Real Postfix: UTF-8 subject and display names, text+html, attachments, Cc/Bcc; each copy byte for byte as toString() and parsed by Python's email to the same fields
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$smtp = pf_client('submission', pf_auth());
$subject = '记得收衣服啊 — Grüße, "quoted" and a long tail to make the encoded subject fold over more than one line';
$text = "Plain text body: Grüße, 今天下雨.\n.a line starting with a dot\n\nLast line\n";
$html = "<p>HTML body: <b>Grüße</b>, 今天下雨</p>\n";
$bin = random_bytes(3000) . "\0\r\n.\r\n" . str_repeat('x', 100);

echo "-- UTF-8 subject, display names, text only\n";
$id = pf_id();
$m = pf_message($id, null, null)
    ->from('sender@example.com', 'Jürgen Müller')
    ->to('rcpt@example.net', '王小明')
    ->to('other@example.net', 'O\'Brien, "Bob"')
    ->subject($subject)
    ->text($text);
$r = $smtp->send($m);
$got = pf_find($id, 2);
echo count($got), " copies\n";
foreach ($got as $g) {
    pf_report($g['envelope']['to'], pf_verify($g, $m->toString(), $r, [
        'subject' => $subject, 'from' => 'sender@example.com', 'from_name' => 'Jürgen Müller',
        'to' => ['rcpt@example.net', 'other@example.net'], 'to_names' => ['王小明', 'O\'Brien, "Bob"'],
        'env_from' => 'sender@example.com', 'text' => $text, 'normalise' => false,
    ]), 20);
    $long = array_filter($g['header_lines'], fn($l) => strlen($l) > 78);
    if ($long) echo "header lines over 78: ", implode(' | ', $long), "\n";
}

echo "-- text + html, attachments, Cc and Bcc\n";
$id = pf_id();
$file = tempnam(sys_get_temp_dir(), 'pf-att');
file_put_contents($file, str_repeat("line of an attached file\n", 200));
$m = pf_message($id, null, null)
    ->from('sender@example.com', 'Sender')
    ->to('rcpt@example.net')
    ->cc('cc@example.net', 'Çé')
    ->bcc('hidden@example.net')
    ->subject('text + html + attachments')
    ->text($text)
    ->html($html)
    ->attachData($bin, 'données binaires.bin', 'application/octet-stream')
    ->attach($file, 'report.txt', 'text/plain');
$r = $smtp->send($m);
$expected = $m->toString();
var_dump($r->accepted);
$got = pf_find($id, 3);
echo count($got), " copies\n";
foreach ($got as $g) {
    $p = pf_verify($g, $expected, $r, [
        'subject' => 'text + html + attachments', 'text' => $text, 'html' => $html,
        'to' => ['rcpt@example.net'], 'env_from' => 'sender@example.com',
    ]);
    if ($g['bcc'] !== null || str_contains(pf_raw($g['path']), 'hidden@')) $p[] = 'Bcc visible';
    if (($g['cc_addrs'][0]['name'] ?? null) !== 'Çé') $p[] = 'cc ' . json_encode($g['cc_addrs'], JSON_UNESCAPED_UNICODE);
    $att = [];
    foreach ($g['attachments'] as $a) {
        $att[$a['filename']] = $a['sha256'];
    }
    if (($att['données binaires.bin'] ?? null) !== hash('sha256', $bin)) $p[] = 'binary attachment ' . json_encode($g['attachments'], JSON_UNESCAPED_UNICODE);
    if (($att['report.txt'] ?? null) !== hash_file('sha256', $file)) $p[] = 'file attachment ' . json_encode($g['attachments'], JSON_UNESCAPED_UNICODE);
    if ($g['max_line_length'] > 998) $p[] = 'line of ' . $g['max_line_length'];
    pf_report($g['envelope']['to'], $p, 20);
}
unlink($file);

echo "-- the same bytes as a raw message: stored exactly\n";
$id = pf_id();
$raw = pf_message($id, null, null)->from('sender@example.com', 'Jürgen Müller')->to('rcpt@example.net')
    ->subject($subject)->text($text)->html($html)->attachData($bin, 'a.bin')->toString();
$r = $smtp->send($raw, 'sender@example.com', ['rcpt@example.net']);
$got = pf_find($id);
echo count($got), " copy\n";
pf_report('raw', pf_verify($got[0], $raw, $r, ['subject' => $subject, 'text' => $text, 'html' => $html, 'normalise' => false]), 20);
$smtp->quit();
?>
--EXPECT--
-- UTF-8 subject, display names, text only
2 copies
other@example.net    ok
rcpt@example.net     ok
-- text + html, attachments, Cc and Bcc
array(3) {
  [0]=>
  string(16) "rcpt@example.net"
  [1]=>
  string(14) "cc@example.net"
  [2]=>
  string(18) "hidden@example.net"
}
3 copies
cc@example.net       ok
hidden@example.net   ok
rcpt@example.net     ok
-- the same bytes as a raw message: stored exactly
1 copy
raw                  ok
