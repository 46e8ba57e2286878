--TEST--
Real Postfix: attachment bytes, RFC 2231 file names, Content-Types, embed() and Subjects as Python's email (policy.default) reads them from the Maildir
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

/*
 * The delivered file is parsed by a small standard-library Python script (below). It lives in a
 * directory called "real" so that the valgrind run of scripts/test.sh, which skips children whose
 * arguments match "*\/real/*.py", does not run Python under valgrind.
 */
$dir = sys_get_temp_dir() . '/pf07-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir("$dir/real", 0700, true);
register_shutdown_function(function () use ($dir) {
    foreach (['real/parts.py', 'archive-300k.dat', 'empty', 'logo.png', 'pixel.dat'] as $f) {
        @unlink("$dir/$f");
    }
    @rmdir("$dir/real");
    @rmdir($dir);
});
$script = "$dir/real/parts.py";
file_put_contents($script, <<<'PY'
import hashlib, json, sys
from email import policy
from email.parser import BytesParser

IGNORED = ("NonASCIILocalPartDefect",)

def clean(s):
    if s is None:
        return None
    return str(s).encode("utf-8", "surrogateescape").decode("utf-8", "replace")

def param(part, header, name):
    h = part[header]
    return None if h is None else clean(h.params.get(name))

def visit(part, depth, out, defects):
    rec = {
        "depth": depth,
        "type": part.get_content_type(),
        "params": {clean(k): clean(v) for k, v in part["content-type"].params.items()
                   if k != "boundary"} if part["content-type"] is not None else {},
        "disposition": part.get_content_disposition(),
        "filename": clean(part.get_filename()),
        "cd_filename": param(part, "content-disposition", "filename"),
        "ct_name": param(part, "content-type", "name"),
        "cid": clean(part["content-id"]),
        "headers": [clean(k) for k in part.keys()],
        "raw": {clean(k).lower(): clean(v) for k, v in part.raw_items()
                if k.lower() in ("content-type", "content-disposition")},
    }
    out.append(rec)
    if part.is_multipart():
        for p in part.iter_parts():
            visit(p, depth + 1, out, defects)
    else:
        data = part.get_payload(decode=True) or b""
        rec["size"] = len(data)
        rec["sha256"] = hashlib.sha256(data).hexdigest()
    defects += [type(d).__name__ for d in part.defects]
    for k, v in part.items():
        defects += ["%s: %s" % (k, type(d).__name__) for d in getattr(v, "defects", ())
                    if type(d).__name__ not in IGNORED]

with open(sys.argv[1], "rb") as f:
    msg = BytesParser(policy=policy.default).parse(f)
parts, defects = [], []
visit(msg, 0, parts, defects)
html = msg.get_body(preferencelist=("html",))
text = msg.get_body(preferencelist=("plain",))
json.dump({
    "subject": clean(msg["subject"]),
    "top_headers": [clean(k) for k in msg.keys()],
    "html": clean(html.get_content()) if html is not None else None,
    "text": clean(text.get_content()) if text is not None else None,
    "parts": parts,
    "defects": defects,
}, sys.stdout)
PY);

/** What Python's email package reads from a delivered file (see the script above). */
function parsed(string $path, string $script): array
{
    $p = proc_open([pf_env()['python'], $script, $path], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $rc = proc_close($p);
    $r = json_decode($out, true);
    if ($rc !== 0 || !is_array($r)) {
        throw new RuntimeException("parts.py failed ($rc): $err");
    }
    return $r;
}

/** JSON string (every control character escaped); names over 100 characters shortened. */
/** UTF-8 characters of a string, without ext/mbstring (the report counts characters, not bytes). */
function pf07_split(string $s): array
{
    return preg_split('//u', $s, -1, PREG_SPLIT_NO_EMPTY) ?: str_split($s);
}

function pf07_chars(string $s): int
{
    return count(pf07_split($s));
}

function j(?string $s, bool $short = false): string
{
    if ($short && $s !== null && pf07_chars($s) > 100) {
        $s = implode('', array_slice(pf07_split($s), 0, 60)) . '...(' . pf07_chars($s) . ' characters)';
    }
    return str_replace("\x7f", '\u007f', json_encode($s, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
}

/** The Subject's physical lines in a check.py summary. */
function subject_lines(array $summary): array
{
    $lines = [];
    foreach ($summary['header_lines'] as $l) {
        if ($lines && ($l[0] === ' ' || $l[0] === "\t")) {
            $lines[] = $l;
        } elseif ($lines) {
            break;
        } elseif (strncasecmp($l, 'Subject:', 8) === 0) {
            $lines[] = $l;
        }
    }
    return $lines;
}

// ---- the data ---------------------------------------------------------------------------------------
// binary with NUL, bare CR, bare LF, CRLF, lines that are "." or start with "." or look like a boundary
$tricky = "\0\r\n.\r\n..\r\n.\n.\r\r.\0\n\r\n.\r\n--=_ boundary-ish\r\n\xff\xfe\x00\x80";
$bin = random_bytes(777) . $tricky . random_bytes(1000) . "\r\n.x\r\n" . $tricky;
$big = '';
for ($i = 0; $i < 300; $i++) {      // ~300 KB for attach($path), read in chunks while sending
    $big .= random_bytes(1000) . ($i % 7 === 0 ? $tricky : "\n.\n");
}
file_put_contents("$dir/archive-300k.dat", $big);
file_put_contents("$dir/empty", '');
$png = "\x89PNG\r\n\x1a\n" . random_bytes(1500) . "\r\n.\r\n";
file_put_contents("$dir/logo.png", $png);
$gif = "GIF89a" . random_bytes(300) . "\n.\n";
file_put_contents("$dir/pixel.dat", $gif);

$longName = 'Jahresabschlussbericht für das Geschäftsjahr 2026 – vorläufige Fassung – 年度财务报告（初稿）'
    . ' – rapport financier annuel, version préliminaire – ' . str_repeat('ü', 40) . ' 😀.pdf';
$longAscii = str_repeat('a-very-long-ascii-file-name-', 5) . 'end.txt';
$manyCjk = str_repeat('报告', 150) . '.txt';     // more than ten RFC 2231 sections

// attachData(): [name given, data, type given, name that must arrive, type that must arrive (given or guessed)]
// (64, 65 and 66 characters: around the longest name the writer still sends as a quoted string)
$data = [
    ['report.pdf',                  $bin,               null,         'report.pdf',              'application/pdf'],
    ['données été 2026.txt',        "Grüße\r\n.\r\n\0", null,         'données été 2026.txt',    'text/plain'],
    ['报告.docx',                    random_bytes(100),  null,         '报告.docx',                'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['😀 smile.png',                $png,               null,         '😀 smile.png',            'image/png'],
    ['SCAN.PNG',                    random_bytes(10),   null,         'SCAN.PNG',                'image/png'],
    ['say "hi".bin',                random_bytes(11),   null,         'say "hi".bin',            'application/octet-stream'],
    ['a;b=c.bin',                   random_bytes(12),   null,         'a;b=c.bin',               'application/octet-stream'],
    ['back\\slash.bin',             random_bytes(13),   null,         'back\\slash.bin',         'application/octet-stream'],
    ["it's 100% *done*.bin",        random_bytes(14),   null,         "it's 100% *done*.bin",    'application/octet-stream'],
    ['x=1 (x).bin',                 random_bytes(15),   null,         'x=1 (x).bin',             'application/octet-stream'],
    ["%41%42 utf-8''x.bin",         random_bytes(16),   null,         "%41%42 utf-8''x.bin",     'application/octet-stream'],
    ['"; filename="evil.txt',       random_bytes(17),   null,         '"; filename="evil.txt',   'text/plain'],
    ['  leading and trailing  ',    random_bytes(18),   null,         '  leading and trailing  ', 'application/octet-stream'],
    ["tab\there.txt",               random_bytes(19),   null,         "tab\there.txt",           'text/plain'],
    [$longName,                     random_bytes(20),   null,         $longName,                 'application/pdf'],
    [$longAscii,                    random_bytes(21),   null,         $longAscii,                'text/plain'],
    ["evil\r\nX-Injected: yes.txt", random_bytes(22),   null,         'evilX-Injected: yes.txt', 'text/plain'],
    ["crlf\r\n\r\nbody.txt",        random_bytes(23),   null,         'crlfbody.txt',            'text/plain'],
    ["fold\r\n X-Folded: 1.pdf",    random_bytes(24),   null,         'fold X-Folded: 1.pdf',    'application/pdf'],
    ['not-really.pdf',              "a,b\r\n1,2\r\n",   'text/csv',   'not-really.pdf',          'text/csv'],
    ['unknown.xyz',                 random_bytes(25),   null,         'unknown.xyz',             'application/octet-stream'],
    ['no-extension',                random_bytes(26),   null,         'no-extension',            'application/octet-stream'],
    ['empty.txt',                   '',                 null,         'empty.txt',               'text/plain'],
    ["l'été 100% *x*.txt",          random_bytes(27),   null,         "l'été 100% *x*.txt",      'text/plain'],
    [str_repeat('n', 60) . '.bin',  random_bytes(28),   null,         str_repeat('n', 60) . '.bin', 'application/octet-stream'],
    [str_repeat('n', 61) . '.bin',  random_bytes(29),   null,         str_repeat('n', 61) . '.bin', 'application/octet-stream'],
    [str_repeat('n', 62) . '.bin',  random_bytes(30),   null,         str_repeat('n', 62) . '.bin', 'application/octet-stream'],
    [$manyCjk,                      random_bytes(31),   null,         $manyCjk,                  'text/plain'],
    ["ctl\x01\x1f\x7f.bin",         random_bytes(32),   null,         "ctl\x01\x1f\x7f.bin",     'application/octet-stream'],
    ["bare\rcr.txt",                random_bytes(33),   null,         'barecr.txt',              'text/plain'],
    ["bare\nlf.txt",                random_bytes(34),   null,         'barelf.txt',              'text/plain'],
    ["👨‍👩‍👧‍👦 e\u{301}.txt",          random_bytes(35),   null,         "👨‍👩‍👧‍👦 e\u{301}.txt",     'text/plain'],
    ['x=?y?.txt',                   random_bytes(36),   null,         'x=?y?.txt',               'text/plain'],
];
// attach(): [path, name given (null: the base name), type given, name that must arrive, type that must arrive]
$files = [
    ["$dir/archive-300k.dat", null,               null,                 'archive-300k.dat', 'application/octet-stream'],
    ["$dir/archive-300k.dat", 'données 300k.bin', 'application/x-pf07', 'données 300k.bin', 'application/x-pf07'],
    ["$dir/empty",            null,               null,                 'empty',            'application/octet-stream'],
];
// embed(): [path, cid, type given, type that must arrive]
$embeds = [
    ["$dir/logo.png",  'logo@pf07.test',    null,        'image/png'],
    ["$dir/pixel.dat", 'pixel.1@pf07.test', 'image/gif', 'image/gif'],
];
$text = "Attachments, names and inline images: Grüße 😀\n.\nend\n";
$html = "<p>Grüße 😀</p>\n<img src=\"cid:logo@pf07.test\" alt=\"logo\">\n<img src=\"cid:pixel.1@pf07.test\">\n";

// ---- one message with everything --------------------------------------------------------------------
$smtp = pf_client('submission', pf_auth());
$id = pf_id();
$subject = 'Attachment names, bytes and types';
$m = pf_message($id)->subject($subject)->text($text)->html($html);
// expected leaves of multipart/mixed after the related part, in order: [name, type, sha256, size]
$want = [];
$i = 0;
foreach ($data as [$name, $bytes, $type, $wantName, $wantType]) {
    $m->attachData($bytes, $name, $type);
    $want[] = [$wantName, $wantType, hash('sha256', $bytes), strlen($bytes), j($name)];
    if ($i++ === 10) {      // embeds in between attachments: they still belong in multipart/related
        foreach ($embeds as [$path, $cid, $type]) {
            $m->embed($path, $cid, $type);
        }
    }
}
foreach ($files as [$path, $name, $type, $wantName, $wantType]) {
    $m->attach($path, $name, $type);
    $want[] = [$wantName, $wantType, hash_file('sha256', $path), filesize($path), 'attach(' . basename($path) . ')'];
}
$r = $smtp->send($m);
$got = pf_find($id);
echo count($got), " copy\n";
$sum = $got[0];
pf_report('bytes as toString(), check.py', pf_verify($sum, $m->toString(), $r,
    ['subject' => $subject, 'text' => $text, 'html' => $html]));
echo "lines over 78 (only an unfoldable MIME type may be):\n";
foreach (explode("\n", pf_raw($sum['path'])) as $l) {
    if (strlen($l) > 78) echo strlen($l), ': ', $l, "\n";
}

$py = parsed($sum['path'], $script);
pf_report('Python defects', $py['defects']);
pf_report('Python subject', $py['subject'] === $subject ? [] : [j($py['subject'])]);
pf_report('Python text body', $py['text'] === $text ? [] : [j($py['text'])]);
pf_report('Python html body', $py['html'] === $html ? [] : [j($py['html'])]);

echo "-- the tree Python walks\n";
foreach ($py['parts'] as $p) {
    $line = str_repeat('  ', $p['depth']) . $p['type'];
    if (str_starts_with($p['type'], 'multipart/')) {
        foreach ($p['params'] as $k => $v) {
            $line .= " $k=$v";
        }
    } elseif ($p['disposition'] !== null) {
        $line .= ' ' . $p['disposition'] . ($p['cid'] !== null ? ' ' . $p['cid'] : '');
    }
    echo $line, "\n";
}

echo "-- inline parts (multipart/related)\n";
$inline = array_values(array_filter($py['parts'], fn($p) => $p['disposition'] === 'inline'));
foreach ($embeds as $k => [$path, $cid, , $type]) {
    $p = $inline[$k] ?? null;
    $prob = [];
    if ($p === null) {
        $prob[] = 'missing';
    } else {
        if ($p['cid'] !== "<$cid>") $prob[] = 'Content-ID ' . j($p['cid']);
        if ($p['type'] !== $type) $prob[] = 'type ' . $p['type'];
        if ($p['filename'] !== basename($path) || $p['cd_filename'] !== basename($path) || $p['ct_name'] !== basename($path)) {
            $prob[] = 'filename ' . j($p['filename']);
        }
        if ($p['sha256'] !== hash_file('sha256', $path) || $p['size'] !== filesize($path)) $prob[] = "bytes differ ({$p['size']})";
        if (!str_contains((string)$py['html'], "src=\"cid:$cid\"")) $prob[] = 'not referenced by the html';
        if ($p['depth'] !== 2 || $py['parts'][0]['type'] !== 'multipart/mixed') $prob[] = 'depth ' . $p['depth'];
    }
    pf_report("cid:$cid", $prob);
}

/*
 * Python's get_filename() strips leading and trailing white space on purpose (Message.get_filename ends
 * in .strip()), so the exact name is also compared with the filename and name parameters as the header
 * registry decodes them (RFC 2231 continuations and charset included).
 */
echo "-- attachments: what get_filename() returns, then type, size and bytes\n";
$att = array_values(array_filter($py['parts'], fn($p) => $p['disposition'] === 'attachment'));
if (count($att) !== count($want)) {
    echo 'FAIL: ', count($att), ' attachments, expected ', count($want), "\n";
}
foreach ($want as $k => [$wantName, $wantType, $sha, $size, $given]) {
    $p = $att[$k] ?? null;
    if ($p === null) {
        echo "$k missing\n";
        continue;
    }
    $prob = [];
    if ($p['filename'] !== trim($wantName)) $prob[] = 'get_filename() for the name given ' . $given;
    if ($p['cd_filename'] !== $wantName) $prob[] = 'Content-Disposition filename ' . j($p['cd_filename']);
    if ($p['ct_name'] !== $wantName) $prob[] = 'Content-Type name ' . j($p['ct_name']);
    if ($p['type'] !== $wantType) $prob[] = 'expected type ' . $wantType;
    if ($p['sha256'] !== $sha || $p['size'] !== $size) $prob[] = "bytes differ (expected $size)";
    if ($p['depth'] !== 1) $prob[] = 'depth ' . $p['depth'];
    printf("%2d %s %s %d %s\n", $k, j($p['filename'], true), $p['type'], $p['size'],
        $prob ? 'FAIL: ' . implode('; ', $prob) : 'ok');
}

echo "-- no header made of a file name\n";
$prob = [];
foreach ($py['parts'] as $n => $p) {
    $extra = $n === 0
        ? array_diff(array_map('strtolower', $py['top_headers']), ['return-path', 'x-original-to', 'delivered-to',
            'received', 'date', 'message-id', 'x-test-id', 'from', 'to', 'subject', 'mime-version', 'content-type'])
        : array_diff(array_map('strtolower', $p['headers']),
            ['content-type', 'content-transfer-encoding', 'content-disposition', 'content-id']);
    if ($extra) $prob[] = "part $n: " . implode(',', $extra);
}
pf_report('only MIME headers in the parts', $prob);
$at = fn(string $wantName) => $att[array_search($wantName, array_column($want, 0), true)] ?? [];
foreach (['evilX-Injected: yes.txt', 'crlfbody.txt', 'fold X-Folded: 1.pdf', 'barecr.txt', 'barelf.txt'] as $n) {
    echo j($at($n)['filename'] ?? null), ': ', implode(', ', $at($n)['headers'] ?? []), "\n";
}

echo "-- RFC 2231 on the wire\n";
foreach (['long non-ASCII' => $longName, 'long ASCII' => $longAscii, 'many CJK' => $manyCjk] as $label => $n) {
    $raw = $at($n)['raw'] ?? [];
    $cd = $raw['content-disposition'] ?? '';
    $ct = $raw['content-type'] ?? '';
    $prob = [];
    if (!str_contains($cd, "filename*0*=UTF-8''") || !str_contains($cd, 'filename*1*=')) $prob[] = 'filename ' . j($cd);
    if (!str_contains($ct, "name*0*=UTF-8''") || !str_contains($ct, 'name*1*=')) $prob[] = 'name ' . j($ct);
    if ($n === $manyCjk && !str_contains($cd, 'filename*10*=')) $prob[] = 'no section 10';
    pf_report("$label name continued (" . pf07_chars($n) . ' chars)', $prob);
}

// ---- names that look like RFC 2047 encoded-words ---------------------------------------------------
/*
 * RFC 2047 5 forbids encoded-words inside a quoted-string, but Python's header registry (and many mail
 * readers) decode them there anyway. Such a name must therefore not go out as filename="=?...?=":
 * the RFC 2231 form (filename*=UTF-8''%3D%3F...) reads back literally.
 */
echo "-- names that look like encoded-words\n";
$id = pf_id();
$ew = ['=?utf-8?B?SGk=?=.txt', 'a =?utf-8?Q?caf=C3=A9?= b.pdf'];
$m = pf_message($id)->subject('encoded-word-like names')->text("x\n");
foreach ($ew as $n) {
    $m->attachData($n, $n);
}
$smtp->send($m);
$got = pf_find($id);
$py = $got ? parsed($got[0]['path'], $script) : ['parts' => [], 'defects' => ['not delivered']];
$att = array_values(array_filter($py['parts'], fn($p) => $p['disposition'] === 'attachment'));
foreach ($ew as $k => $n) {
    $p = $att[$k] ?? ['filename' => null, 'cd_filename' => null, 'ct_name' => null, 'sha256' => null];
    $prob = [];
    foreach (['get_filename()' => 'filename', 'filename param' => 'cd_filename', 'name param' => 'ct_name'] as $what => $key) {
        if ($p[$key] !== $n) $prob[] = "$what " . j($p[$key]);
    }
    if ($p['sha256'] !== hash('sha256', $n)) $prob[] = 'bytes differ';
    if ($prob) $prob[] = 'sent as ' . j($p['raw']['content-disposition'] ?? null);
    pf_report(j($n), $prob);
}
pf_report('Python defects', $py['defects']);

// ---- Subjects -----------------------------------------------------------------------------------------
echo "-- subjects\n";
$subjects = [
    'long UTF-8' => 'Grüße aus Köln — 记得收衣服啊 — Ελληνικά — a rather long UTF-8 subject that has to fold over more than one header line, ünd so weiter',
    'literal encoded-word' => 'Literal =?utf-8?B?SGVsbG8=?= and =?iso-8859-1?q?caf=E9?= are plain text here',
    'ASCII/CJK/emoji' => 'Mixed ASCII 中文 日本語 한국어 and emoji 😀🎉👍🏽 together',
    '78 ASCII chars' => 'Exactly seventy-eight ASCII characters in this Subject field body, 1234567890.',
    '78 ASCII, no space' => str_repeat('0123456789', 7) . 'abcdefgh',
];
foreach ($subjects as $label => $s) {
    $id = pf_id();
    $m = pf_message($id)->subject($s)->text("subject test\n");
    $r = $smtp->send($m);
    $got = pf_find($id);
    $prob = count($got) === 1 ? pf_verify($got[0], $m->toString(), $r, ['subject' => $s]) : [count($got) . ' copies'];
    if ($got) {
        $py = parsed($got[0]['path'], $script);
        if ($py['subject'] !== $s) $prob[] = 'Python msg[subject] ' . j($py['subject']);
        if ($py['defects']) $prob[] = 'defects ' . implode(', ', $py['defects']);
        $lines = subject_lines($got[0]);
        $long = array_filter($lines, fn($l) => strlen($l) > 78);
        if ($label !== '78 ASCII, no space' && $long) $prob[] = 'lines over 78: ' . j(implode('|', $long));
        if (in_array($label, ['long UTF-8', '78 ASCII chars'], true) && count($lines) < 2) $prob[] = 'not folded';
    }
    pf_report(sprintf('%-20s %3d chars', $label, pf07_chars($s)), $prob);
}
$smtp->quit();
?>
--EXPECT--
1 copy
bytes as toString(), check.py            ok
lines over 78 (only an unfoldable MIME type may be):
86: Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
Python defects                           ok
Python subject                           ok
Python text body                         ok
Python html body                         ok
-- the tree Python walks
multipart/mixed
  multipart/related type=multipart/alternative
    multipart/alternative
      text/plain
      text/html
    image/png inline <logo@pf07.test>
    image/gif inline <pixel.1@pf07.test>
  application/pdf attachment
  text/plain attachment
  application/vnd.openxmlformats-officedocument.wordprocessingml.document attachment
  image/png attachment
  image/png attachment
  application/octet-stream attachment
  application/octet-stream attachment
  application/octet-stream attachment
  application/octet-stream attachment
  application/octet-stream attachment
  application/octet-stream attachment
  text/plain attachment
  application/octet-stream attachment
  text/plain attachment
  application/pdf attachment
  text/plain attachment
  text/plain attachment
  text/plain attachment
  application/pdf attachment
  text/csv attachment
  application/octet-stream attachment
  application/octet-stream attachment
  text/plain attachment
  text/plain attachment
  application/octet-stream attachment
  application/octet-stream attachment
  application/octet-stream attachment
  text/plain attachment
  application/octet-stream attachment
  text/plain attachment
  text/plain attachment
  text/plain attachment
  text/plain attachment
  application/octet-stream attachment
  application/x-pf07 attachment
  application/octet-stream attachment
-- inline parts (multipart/related)
cid:logo@pf07.test                       ok
cid:pixel.1@pf07.test                    ok
-- attachments: what get_filename() returns, then type, size and bytes
 0 "report.pdf" application/pdf 1875 ok
 1 "données été 2026.txt" text/plain 13 ok
 2 "报告.docx" application/vnd.openxmlformats-officedocument.wordprocessingml.document 100 ok
 3 "😀 smile.png" image/png 1513 ok
 4 "SCAN.PNG" image/png 10 ok
 5 "say \"hi\".bin" application/octet-stream 11 ok
 6 "a;b=c.bin" application/octet-stream 12 ok
 7 "back\\slash.bin" application/octet-stream 13 ok
 8 "it's 100% *done*.bin" application/octet-stream 14 ok
 9 "x=1 (x).bin" application/octet-stream 15 ok
10 "%41%42 utf-8''x.bin" application/octet-stream 16 ok
11 "\"; filename=\"evil.txt" text/plain 17 ok
12 "leading and trailing" application/octet-stream 18 ok
13 "tab\there.txt" text/plain 19 ok
14 "Jahresabschlussbericht für das Geschäftsjahr 2026 – vorläufi...(181 characters)" application/pdf 20 ok
15 "a-very-long-ascii-file-name-a-very-long-ascii-file-name-a-ve...(147 characters)" text/plain 21 ok
16 "evilX-Injected: yes.txt" text/plain 22 ok
17 "crlfbody.txt" text/plain 23 ok
18 "fold X-Folded: 1.pdf" application/pdf 24 ok
19 "not-really.pdf" text/csv 10 ok
20 "unknown.xyz" application/octet-stream 25 ok
21 "no-extension" application/octet-stream 26 ok
22 "empty.txt" text/plain 0 ok
23 "l'été 100% *x*.txt" text/plain 27 ok
24 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.bin" application/octet-stream 28 ok
25 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.bin" application/octet-stream 29 ok
26 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.bin" application/octet-stream 30 ok
27 "报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告报告...(304 characters)" text/plain 31 ok
28 "ctl\u0001\u001f\u007f.bin" application/octet-stream 32 ok
29 "barecr.txt" text/plain 33 ok
30 "barelf.txt" text/plain 34 ok
31 "👨‍👩‍👧‍👦 é.txt" text/plain 35 ok
32 "x=?y?.txt" text/plain 36 ok
33 "archive-300k.dat" application/octet-stream 302749 ok
34 "données 300k.bin" application/x-pf07 302749 ok
35 "empty" application/octet-stream 0 ok
-- no header made of a file name
only MIME headers in the parts           ok
"evilX-Injected: yes.txt": Content-Type, Content-Transfer-Encoding, Content-Disposition
"crlfbody.txt": Content-Type, Content-Transfer-Encoding, Content-Disposition
"fold X-Folded: 1.pdf": Content-Type, Content-Transfer-Encoding, Content-Disposition
"barecr.txt": Content-Type, Content-Transfer-Encoding, Content-Disposition
"barelf.txt": Content-Type, Content-Transfer-Encoding, Content-Disposition
-- RFC 2231 on the wire
long non-ASCII name continued (181 chars) ok
long ASCII name continued (147 chars)    ok
many CJK name continued (304 chars)      ok
-- names that look like encoded-words
"=?utf-8?B?SGk=?=.txt"                   ok
"a =?utf-8?Q?caf=C3=A9?= b.pdf"          ok
Python defects                           ok
-- subjects
long UTF-8           127 chars           ok
literal encoded-word  76 chars           ok
ASCII/CJK/emoji       46 chars           ok
78 ASCII chars        78 chars           ok
78 ASCII, no space    78 chars           ok
