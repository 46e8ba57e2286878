--TEST--
Security 15: attachment names with '"', CR/LF, ';', '%', '=' and non-ASCII -> RFC 2231 parameters that parse back (Python email, policy.default) to the name minus CR/LF, no header injected
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
require __DIR__ . '/fake/helpers.inc';
if (fake_python() === null) die('skip python3 not found');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$names = [
    "a\"b;c\r\nd.txt",
    "résumé \"final\"; v2.pdf",
    "x.txt\r\nContent-Type: text/html",
    "x.txt\"; filename=\"evil.exe",
    "semi;colon=1.txt",
    "\r\n\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<b>x</b>.txt",
    "100% 'sure' = yes.txt",
    "lone\rcr and lone\nlf.txt",
    str_repeat('a"b;', 40) . '.txt',
    "今天下雨 \"x\";\r\n.txt",
];
$file = tempnam(sys_get_temp_dir(), 'sec15');
file_put_contents($file, "file attachment\n");
$m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("body\n");
$expected = [];
foreach ($names as $i => $name) {
    $m->attachData("data $i\n", $name, 'application/octet-stream');
    $expected[] = ['name' => $name, 'data' => "data $i\n"];
}
$m->attach($file, "via attach()\r\nX-Injected: yes;\".txt", 'text/plain');
$expected[] = ['name' => "via attach()\r\nX-Injected: yes;\".txt", 'data' => "file attachment\n"];

$raw = $m->toString();
unlink($file);

// 1. No header line other than the ones a part should have, nowhere in the message.
$allowed = ['content-type', 'content-transfer-encoding', 'content-disposition'];
$top = ['date', 'from', 'to', 'subject', 'message-id', 'mime-version', 'content-type'];
$injected = [];
foreach (preg_split('/\r\n--=?[^\r\n]*\r\n/', $raw) as $i => $chunk) {
    $head = strstr($chunk, "\r\n\r\n", true);
    if ($head === false) continue;
    foreach (explode("\r\n", preg_replace('/\r\n[ \t]/', ' ', $head)) as $l) {
        $n = strtolower(strstr($l, ':', true) ?: $l);
        if (!in_array($n, $i === 0 ? $top : $allowed, true)) $injected[] = $l;
    }
}
echo 'injected headers: ', json_encode($injected), "\n";
echo 'lines over 78: ', count(array_filter(explode("\r\n", $raw), fn($l) => strlen($l) > 78)), "\n";
echo 'bare CR/LF: ', json_encode(fake_wire_problems($raw)), "\n";

// 2. Python's email package reads the names back.
$tmp = tempnam(sys_get_temp_dir(), 'sec15');
file_put_contents($tmp, $raw);
$p = proc_open([fake_python(), __DIR__ . '/real/parse_message.py', $tmp], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$out = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
proc_close($p);
unlink($tmp);
$r = json_decode($out, true) ?? die("parse_message.py failed: $err\n");
echo 'defects: ', json_encode($r['defects']), "\n";
$att = array_values(array_filter($r['parts'], fn($x) => $x['disposition'] === 'attachment'));
echo count($att), ' attachments of ', count($expected), "\n";
foreach ($expected as $i => $want) {
    $got = $att[$i] ?? null;
    $clean = str_replace(["\r", "\n"], '', $want['name']);
    $p = [];
    if ($got === null) {
        $p[] = 'missing';
    } else {
        if ($got['filename'] !== $clean) {
            $p[] = 'filename ' . json_encode($got['filename'], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)
                . ', expected ' . json_encode($clean, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
        }
        if ($got['md5'] !== md5($want['data'])) $p[] = 'content differs';
    }
    printf("name %2d %s\n", $i + 1, $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
injected headers: []
lines over 78: 0
bare CR/LF: []
defects: []
11 attachments of 11
name  1 ok
name  2 ok
name  3 ok
name  4 ok
name  5 ok
name  6 ok
name  7 ok
name  8 ok
name  9 ok
name 10 ok
name 11 ok
