--TEST--
Seed bug: a UTF-8 subject and display name are RFC 2047 encoded and decode back
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$subject = '记得收衣服啊';
$long = str_repeat('记得收衣服啊，天要下雨了。', 8);   // needs folding, never split inside a character
$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->send((new Smtp\Message)->from('a@example.com', 'Zhāng 三')->to('b@example.com')->subject($subject)->text('正文'));
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject($long)->text('正文'));
fake_done($smtp);
$t = fake_wait($srv);

foreach ($t['messages'] as $i => $msg) {
    $p = fake_parse($msg['data']);
    $s = (string)fake_header($p, 'Subject');
    echo "message $i\n";
    var_dump((bool)preg_match('/=\?UTF-8\?[BQ]\?/i', $s));
    var_dump(fake_decode_words($s) === ($i === 0 ? $subject : $long));
    // The header section is pure ASCII; the Subject is folded at 78.
    var_dump((bool)preg_match('/[\x80-\xff]/', $p['head']));
    preg_match('/^Subject:[^\r\n]*(\r\n[ \t][^\r\n]*)*/mi', $p['head'], $sm);
    foreach (explode("\r\n", $sm[0]) as $l) {
        if (strlen($l) > 78) {
            echo "Subject line over 78: ", strlen($l), "\n";
        }
    }
    // Every encoded-word decodes to valid UTF-8 on its own (no split character).
    preg_match_all('/=\?UTF-8\?([BQ])\?([^?]*)\?=/i', $s, $words, PREG_SET_ORDER);
    $ok = true;
    foreach ($words as $w) {
        $d = strtoupper($w[1]) === 'B' ? base64_decode($w[2]) : quoted_printable_decode(str_replace('_', ' ', $w[2]));
        $ok = $ok && preg_match('//u', $d);
    }
    var_dump($ok);
}
$from = fake_decode_words((string)fake_header(fake_parse($t['messages'][0]['data']), 'From'));
var_dump(str_contains($from, 'Zhāng 三'), str_contains($from, '<a@example.com>'));
?>
--EXPECT--
message 0
bool(true)
bool(true)
bool(false)
bool(true)
message 1
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
