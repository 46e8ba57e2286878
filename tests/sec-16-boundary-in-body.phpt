--TEST--
Security 16: bodies and attachments full of boundary-like lines (even the boundaries of an earlier toString()) -> every boundary still unique, the parts parse back intact
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
require __DIR__ . '/fake/helpers.inc';
if (fake_python() === null) die('skip python3 not found');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function boundaries(string $raw): array
{
    preg_match_all('/boundary="([^"]+)"|boundary=([^\s;"]+)/i', $raw, $m, PREG_SET_ORDER);
    return array_map(fn($x) => $x[1] !== '' ? $x[1] : $x[2], $m);
}

/* Problems with the boundaries of $raw, given the number of parts each multipart should have. */
function check(string $raw, array $partsPerBoundary): array
{
    $p = [];
    $bs = boundaries($raw);
    if (count($bs) !== count($partsPerBoundary)) {
        return [count($bs) . ' boundaries'];
    }
    foreach ($bs as $i => $b) {
        foreach ($bs as $j => $o) {
            if ($i !== $j && str_starts_with($o, $b)) $p[] = "boundary $i is a prefix of boundary $j";
        }
        $delims = preg_match_all('/^--' . preg_quote($b, '/') . '\r$/m', $raw);
        $close = preg_match_all('/^--' . preg_quote($b, '/') . '--\r$/m', $raw);
        $anywhere = substr_count($raw, $b);
        if ($delims !== $partsPerBoundary[$i] || $close !== 1) $p[] = "boundary $i: $delims delimiters, $close close delimiters";
        // the declaration + the delimiters: the string appears nowhere else
        if ($anywhere !== 1 + $delims + $close) $p[] = "boundary $i occurs " . ($anywhere - 1 - $delims - $close) . ' more times';
    }
    return $p;
}

function parse(string $raw): array
{
    $tmp = tempnam(sys_get_temp_dir(), 'sec16');
    file_put_contents($tmp, $raw);
    $p = proc_open([fake_python(), __DIR__ . '/real/parse_message.py', $tmp], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    proc_close($p);
    unlink($tmp);
    $r = json_decode($out, true) ?? die("parse_message.py failed: $err\n");
    // the file has CRLF line ends, which get_content() keeps
    foreach (['plain', 'html'] as $k) {
        $r[$k] = $r[$k] === null ? null : str_replace("\r\n", "\n", $r[$k]);
    }
    return $r;
}

// A first message gives real boundaries to copy into the content of the next ones.
$seed = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')
    ->text("t\n")->html('<p>h</p>')->attachData('x', 'x.bin')->embed(__FILE__, 'c1', 'text/plain')->toString();
$old = boundaries($seed);
echo count($old), " boundaries in the seed message\n";

$evil = '';
foreach ($old as $b) {
    $evil .= "--$b\n\n--$b--\n$b\n";
}
$evil .= "--=_\n--=_--\n--\n----\n--=_AAAAAAAAAAAAAAAAAAAAAAAA_m\n--=_AAAAAAAAAAAAAAAAAAAAAAAA_a--\n"
    . "-- \n--boundary\n--" . str_repeat('=_', 30) . "\n";
$text = "Text part.\n" . $evil . "End of text.\n";
$html = "<pre>\n" . $evil . "</pre>\n";
$attText = "Attached text.\n" . $evil;

$m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('--' . $old[0])
    ->text($text)->html($html)
    ->attachData($attText, 'evil.txt', 'text/plain')
    ->attachData($evil, 'evil.bin', 'application/octet-stream')
    ->embed(__FILE__, 'c1', 'text/plain');

// mixed (alternative-or-related, 2 attachments) -> the layout is the extension's; count parts from Python
for ($round = 1; $round <= 5; $round++) {
    $raw = $m->toString();
    $r = parse($raw);
    $bs = boundaries($raw);
    // the number of direct children of each multipart, from the raw text: delimiter lines
    $counts = array_map(fn($b) => preg_match_all('/^--' . preg_quote($b, '/') . '\r$/m', $raw), $bs);
    $p = check($raw, $counts);
    foreach ($bs as $b) {
        if (in_array($b, $old, true)) $p[] = 'a boundary of the seed message reused';
    }
    if ($r['defects']) $p[] = 'defects ' . json_encode($r['defects']);
    if ($r['plain'] !== $text) $p[] = 'text part differs';
    if ($r['html'] !== $html) $p[] = 'html part differs';
    $byName = [];
    foreach ($r['parts'] as $part) {
        if ($part['filename'] !== null) $byName[$part['filename']] = $part['md5'];
    }
    if (($byName['evil.txt'] ?? null) !== md5($attText)) $p[] = 'evil.txt differs';
    if (($byName['evil.bin'] ?? null) !== md5($evil)) $p[] = 'evil.bin differs';
    // exactly the leaves we put in: text, html, the embedded file, two attachments
    if (count($r['parts']) !== 5) $p[] = count($r['parts']) . ' leaf parts';
    if ($p) {
        echo "round $round: ", implode('; ', $p), "\n";
        break;
    }
}
echo "5 rounds checked\n";

// The same on the wire (send() serialises again).
$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->send($m);
fake_done($smtp);
$t = fake_wait($srv);
$raw = $t['messages'][0]['data'];
$bs = boundaries($raw);
$p = check($raw, array_map(fn($b) => preg_match_all('/^--' . preg_quote($b, '/') . '\r$/m', $raw), $bs));
$r = parse($raw);
if ($r['plain'] !== $text || $r['html'] !== $html || count($r['parts']) !== 5 || $r['defects']) $p[] = 'parsed differently';
echo 'sent: ', $p ? implode('; ', $p) : 'ok', "\n";
?>
--EXPECT--
3 boundaries in the seed message
5 rounds checked
sent: ok
