--TEST--
Security 17: a 2000-character line never reaches the wire as a line over 1000 octets (the part is encoded)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$long = str_repeat('abcdefghij', 200);                    // 2000 chars, no space
$words = trim(str_repeat('word ', 400));                  // 1999 chars with spaces
$utf8 = str_repeat('记得收衣服啊', 120);                  // 2160 bytes of UTF-8
$subject = trim(str_repeat('subject ', 150));             // 1199 chars
$texts = ['no spaces' => $long, 'words' => $words, 'utf-8' => $utf8, 'mixed' => "short\n$long\nshort\n$utf8"];

foreach ([[], ['PIPELINING', 'CHUNKING', '8BITMIME', 'ENHANCEDSTATUSCODES']] as $ehlo) {
    $srv = fake_auto($ehlo ? ['ehlo' => $ehlo] : []);
    $smtp = fake_client($srv);
    foreach ($texts as $name => $text) {
        $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('long')->text($text));
    }
    $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('long html')->html("<p>$long</p>"));
    $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject($subject)->text('x'));
    fake_done($smtp);
    $t = fake_wait($srv);
    echo '-- ', $ehlo ? 'BDAT' : 'DATA', "\n";
    $i = 0;
    foreach ($texts as $name => $text) {
        $m = $t['messages'][$i++];
        $body = fake_body(fake_parse($m['data']));
        printf("%-10s wire=%s roundtrip=%s\n", $name, implode(',', fake_wire_problems($m['raw'])) ?: 'clean',
            rtrim($body, "\r\n") === str_replace("\n", "\r\n", $text) ? 'ok' : 'DIFFERENT');
    }
    $m = $t['messages'][$i++];
    $body = fake_body(fake_parse($m['data']));
    printf("%-10s wire=%s roundtrip=%s\n", 'html', implode(',', fake_wire_problems($m['raw'])) ?: 'clean',
        str_contains($body, "<p>$long</p>") ? 'ok' : 'DIFFERENT');
    $m = $t['messages'][$i++];
    $p = fake_parse($m['data']);
    printf("%-10s wire=%s roundtrip=%s\n", 'subject', implode(',', fake_wire_problems($m['raw'])) ?: 'clean',
        fake_decode_words((string)fake_header($p, 'Subject')) === $subject ? 'ok' : 'DIFFERENT');
}
?>
--EXPECT--
-- DATA
no spaces  wire=clean roundtrip=ok
words      wire=clean roundtrip=ok
utf-8      wire=clean roundtrip=ok
mixed      wire=clean roundtrip=ok
html       wire=clean roundtrip=ok
subject    wire=clean roundtrip=ok
-- BDAT
no spaces  wire=clean roundtrip=ok
words      wire=clean roundtrip=ok
utf-8      wire=clean roundtrip=ok
mixed      wire=clean roundtrip=ok
html       wire=clean roundtrip=ok
subject    wire=clean roundtrip=ok
