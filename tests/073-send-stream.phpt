--TEST--
send() of a stream: read from its position to EOF in chunks, CRLF-normalised and dot-stuffed across chunk boundaries; SIZE/BODY; type and mode errors before connecting; NUL or a long line mid-stream hangs up with nothing delivered; batch; 5 MB byte-identical
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--INI--
memory_limit=512M
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$tmp = sys_get_temp_dir() . '/php-smtp-073-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir($tmp, 0700);
register_shutdown_function(function () use ($tmp) {
    foreach (glob("$tmp/*") ?: [] as $f) {
        @unlink($f);
    }
    @rmdir($tmp);
});

function envelope_lines(array $t): array
{
    return array_values(array_filter(fake_lines($t), fn($l) => preg_match('/^(MAIL|RCPT|BDAT) /', $l)));
}

/** $raw with CRLF line ends and a final CRLF (what arrives, before dot-stuffing). */
function normalised(string $raw): string
{
    $s = preg_replace('/\r\n|\r|\n/', "\r\n", $raw);
    return ($s === '' || str_ends_with($s, "\r\n")) ? $s : $s . "\r\n";
}

/** Appends filler lines to $s until strlen($s) === $at (the last filler line ends in "\n"). */
function pad_to(string &$s, int $at): void
{
    $n = 0;
    while (($left = $at - strlen($s)) > 0) {
        $len = min($left, 72);
        $s .= $len === 1 ? "\n" : substr(str_repeat(sprintf('%05d ', $n++), 13), 0, $len - 1) . "\n";
    }
    if (strlen($s) !== $at) {
        throw new LogicException('pad_to overshot');
    }
}

function stream_of(string $data, string $kind = 'file')
{
    global $tmp;
    if ($kind === 'memory') {
        $h = fopen('php://memory', 'w+');
        fwrite($h, $data);
        rewind($h);
        return $h;
    }
    $f = "$tmp/" . bin2hex(random_bytes(6)) . '.eml';
    file_put_contents($f, $data);
    return fopen($f, 'r');
}

$ehlo = ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SIZE 50000000'];
$raw = "From: a@example.com\nTo: b@example.com\nSubject: stream\nMessage-ID: <s1@example.com>\n\n"
     . ".dot line\nbare CR\rCRLF\r\n..two dots\n.\nlast line without newline";

echo "-- file and memory streams\n";
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
$h = stream_of($raw);
$r = $smtp->send($h, 'bounce@example.com', ['b@example.com', 'c@example.com']);
var_dump($r->queueId, $r->accepted, $r->messageId, feof($h));
$mem = stream_of($raw, 'memory');
$r = $smtp->send($mem, 'bounce@example.com', 'b@example.com');
var_dump($r->messageId);
// a stream at a non-zero position: only the rest (no header: no messageId)
$pos = strpos($raw, "\n\n") + 2;
fseek($mem, $pos);
$r = $smtp->send($mem, 'bounce@example.com', 'b@example.com');
var_dump($r->messageId);
$h2 = stream_of($raw);
fseek($h2, $pos);
$smtp->send($h2, 'bounce@example.com', 'b@example.com');
// a socket (not a file): no SIZE, same bytes
[$w, $rd] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
fwrite($w, $raw);
fclose($w);
$r = $smtp->send($rd, 'bounce@example.com', 'b@example.com');
var_dump($r->messageId);
// a Stringable object is a raw string
$obj = new class($raw) {
    public function __construct(private string $s) {}
    public function __toString(): string { return $this->s; }
};
$smtp->send($obj, 'bounce@example.com', 'b@example.com');
fake_done($smtp);
$t = fake_wait($srv);
$rest = substr($raw, $pos);
echo json_encode(array_values(array_filter(envelope_lines($t), fn($l) => str_starts_with($l, 'MAIL')))), "\n";
var_dump(strlen($raw), strlen($rest), strlen(normalised($raw)));
foreach ($t['messages'] as $i => $m) {
    $want = in_array($i, [2, 3], true) ? $rest : $raw;
    echo $i, ' ', $m['raw'] === fake_expected_data($want) ? 'identical' : 'DIFFERENT: ' . json_encode($m['raw']),
        ' ', json_encode(fake_wire_problems($m['raw'])), "\n";
}
echo json_encode($t['messages'][0]['raw']), "\n";

echo "-- no SIZE, no 8BITMIME advertised: no parameters\n";
$srv = fake_auto(['ehlo' => ['PIPELINING']]);
$smtp = fake_client($srv);
$smtp->send(stream_of($raw), 'bounce@example.com', 'b@example.com');
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(envelope_lines($t)), "\n";
var_dump($t['messages'][0]['raw'] === fake_expected_data($raw));

echo "-- chunk boundaries (64 KB)\n";
$c = "From: a@example.com\r\nSubject: chunks\r\n\r\n";
pad_to($c, 65535);
$c .= "\r\n";                                   // CRLF split over the first boundary
pad_to($c, 131072);
$c .= ".dot right after a boundary\n";
pad_to($c, 196600);
$c .= "bare-CR\r";                              // a bare CR ends a chunk
$c .= "after it\n";
pad_to($c, 262144 - 500);
$c .= str_repeat('L', 998) . "\r\n";            // 998 octets over a boundary: fine
pad_to($c, 327670);
$c .= "123456789\r\r\n";                        // CR | CR LF
pad_to($c, 393210);
$c .= "abcde\r.after CR\n";                     // CR | "." : the dot starts a line
pad_to($c, 458752);
$c .= ".\n";                                    // a lone dot at a boundary must not end DATA
pad_to($c, 524287);
$c .= "\n.\r\n";                                // LF | "." CR LF
$c .= "end";
foreach (['DATA' => $ehlo, 'BDAT' => ['PIPELINING', 'CHUNKING', '8BITMIME', 'SIZE']] as $via => $e) {
    $srv = fake_auto(['ehlo' => $e]);
    $smtp = fake_client($srv);
    $smtp->send(stream_of($c), 'a@example.com', 'b@example.com');
    $smtp->send(stream_of($c, 'memory'), 'a@example.com', 'b@example.com');
    fake_done($smtp);
    $t = fake_wait($srv);
    foreach ($t['messages'] as $m) {
        echo $via, ' ', $m['via'], ' ', $m['data'] === normalised($c) ? 'identical' : 'DIFFERENT',
            $via === 'DATA' ? ($m['raw'] === fake_expected_data($c) ? ' stuffed' : ' NOT STUFFED') : '',
            ' ', json_encode(fake_wire_problems($m['raw'])), "\n";
    }
    echo json_encode(array_values(array_filter(envelope_lines($t), fn($l) => str_starts_with($l, 'MAIL')))), "\n";
}

echo "-- errors before connecting\n";
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
$f = "$tmp/plain.eml";
file_put_contents($f, $raw);
$closed = fopen($f, 'r');
fclose($closed);
$write = fopen("$tmp/w.eml", 'w');
$append = fopen("$tmp/a.eml", 'a');
$ctx = stream_context_create();
$ok = fopen($f, 'r');
$union = 'must be of type Smtp\Message|string|resource';
$cases = [
    'int' => [fn() => $smtp->send(42, 'a@example.com', 'b@example.com'), 'TypeError', ['Argument #1', $union, 'int given']],
    'null' => [fn() => $smtp->send(null, 'a@example.com', 'b@example.com'), 'TypeError', ['Argument #1', $union]],
    'array' => [fn() => $smtp->send([$ok], 'a@example.com', 'b@example.com'), 'TypeError', ['Argument #1', 'iterable of strings', 'resource given at item 0']],
    'stdClass' => [fn() => $smtp->send(new stdClass, 'a@example.com', 'b@example.com'), 'TypeError', ['Argument #1', $union, 'stdClass']],
    'closed stream' => [fn() => $smtp->send($closed, 'a@example.com', 'b@example.com'), 'TypeError', []],
    'stream context' => [fn() => $smtp->send($ctx, 'a@example.com', 'b@example.com'), 'TypeError', []],
    'write-only' => [fn() => $smtp->send($write, 'a@example.com', 'b@example.com'), 'ValueError', ['Argument #1', 'opened for reading']],
    'append-only' => [fn() => $smtp->send($append, 'a@example.com', 'b@example.com'), 'ValueError', ['Argument #1', 'opened for reading']],
    'no from' => [fn() => $smtp->send($ok, null, 'b@example.com'), 'ValueError', ['Argument #2 ($from)']],
    'no to' => [fn() => $smtp->send($ok, 'a@example.com'), 'ValueError', ['Argument #3 ($to)']],
    'empty to' => [fn() => $smtp->send($ok, 'a@example.com', []), 'ValueError', ['Argument #3 ($to)']],
    'bad to' => [fn() => $smtp->send($ok, 'a@example.com', "b@example.com>\r\nDATA"), 'ValueError', ['Argument #3 ($to)']],
    'batch write-only' => [fn() => $smtp->sendBatch([[$ok, 'a@example.com', 'b@example.com'], [$write, 'a@example.com', 'b@example.com']]),
        'ValueError', ['sendBatch', 'item 1', 'opened for reading']],
    'batch int' => [fn() => $smtp->sendBatch([[42, 'a@example.com', 'b@example.com']]), 'TypeError', ['sendBatch', 'item 0', $union]],
    'batch no from' => [fn() => $smtp->sendBatch([[$ok, null, 'b@example.com']]), 'ValueError', ['sendBatch', 'item 0', 'from']],
];
foreach ($cases as $label => [$fn, $class, $parts]) {
    $e = fake_catch($fn);
    $res = $e === null ? 'FAIL: no exception' : (get_class($e) !== $class ? 'FAIL: ' . get_class($e) . ': ' . $e->getMessage() : 'ok');
    foreach ($res === 'ok' ? $parts : [] as $p) {
        if (!str_contains($e->getMessage(), $p)) {
            $res = "FAIL: no \"$p\" in: " . $e->getMessage();
            break;
        }
    }
    printf("%-17s %s\n", $label, $res);
}
var_dump(ftell($ok), $smtp->isConnected());
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw']);

echo "-- NUL or a line over 998 octets mid-stream: ValueError, nothing delivered, the next send reconnects\n";
$big = "From: a@example.com\r\nSubject: bad\r\n\r\n";
pad_to($big, 300000);
$nulAt = $big;
pad_to($nulAt, 327680);
$nulAt .= "\0 NUL at the start of a chunk\n";
pad_to($nulAt, 400000);
$longAt = $big;
pad_to($longAt, 327680 - 500);
$longAt .= str_repeat('x', 999) . "\n";           // 999 octets over a boundary
pad_to($longAt, 400000);
$good = "From: a@example.com\r\nSubject: good\r\n\r\nfine\r\n";
foreach (['DATA' => $ehlo, 'BDAT' => ['PIPELINING', 'CHUNKING', '8BITMIME']] as $via => $e) {
    foreach (['NUL' => $nulAt, 'long line' => $longAt] as $what => $bad) {
        $srv = fake_start(['conns' => [[['auto' => ['ehlo' => $e]]], [['auto' => ['ehlo' => $e]]]]]);
        $smtp = fake_client($srv);
        $x = fake_catch(fn() => $smtp->send(stream_of($bad), 'a@example.com', 'b@example.com'));
        $msgOk = $x instanceof ValueError && str_contains($x->getMessage(), 'Argument #1 ($message)')
            && str_contains($x->getMessage(), 'nothing was delivered')
            && str_contains($x->getMessage(), $what === 'NUL' ? 'NUL' : '998');
        $connected = $smtp->isConnected();
        $r = $smtp->send(stream_of($good), 'a@example.com', 'c@example.com');
        fake_done($smtp);
        $t = fake_wait($srv);
        $c1 = $t['conns'][1] ?? '';
        printf("%s %-9s %s connected=%s; conn 1: over 256 KB sent=%s, DATA/BDAT started=%s, final dot=%s, BDAT LAST=%s; messages=%s; then %s\n",
            $via, $what, $msgOk ? 'ValueError ok' : 'FAIL: ' . ($x ? get_class($x) . ': ' . $x->getMessage() : 'no exception'),
            var_export($connected, true), var_export(strlen($c1) > 262144, true),
            var_export(str_contains($c1, "\r\nDATA\r\n") || str_contains($c1, "\r\nBDAT "), true),
            var_export(str_contains($c1, "\r\n.\r\n"), true), var_export((bool)preg_match('/^BDAT \d+ LAST\r$/m', $c1), true),
            json_encode(array_map(fn($m) => $m['conn'] . ':' . implode(',', $m['rcpt']), $t['messages'])),
            implode(',', $r->accepted));
    }
}

echo "-- sendBatch with streams\n";
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
$m2 = stream_of($raw, 'memory');
fseek($m2, $pos);
$res = $smtp->sendBatch([
    [stream_of($raw), 'a@example.com', 'b@example.com'],
    [$m2, 'a@example.com', ['c@example.com']],
    (new Smtp\Message)->from('a@example.com')->to('d@example.com')->subject('obj')->text("x\n"),
]);
foreach ($res as $i => $r) {
    echo $i, ' ', get_class($r), ' ', implode(',', $r->accepted), ' ', var_export($r->messageId === null ? null : (str_starts_with($r->messageId, '<s1@') ? 'from header' : 'generated'), true), "\n";
}
fake_done($smtp);
$t = fake_wait($srv);
$mails = array_values(array_filter(envelope_lines($t), fn($l) => str_starts_with($l, 'MAIL')));
echo json_encode(array_slice($mails, 0, 2)), "\n";
var_dump($mails[2] === 'MAIL FROM:<a@example.com> SIZE=' . strlen($t['messages'][2]['data']));
var_dump($t['messages'][0]['raw'] === fake_expected_data($raw), $t['messages'][1]['raw'] === fake_expected_data($rest));

echo "-- 5 MB file, byte-identical\n";
$f = "$tmp/big.eml";
$out = fopen($f, 'w');
fwrite($out, "From: a@example.com\nTo: b@example.com\nMessage-ID: <big@example.com>\nSubject: big\n\n");
$ends = ["\n", "\r\n", "\r"];
for ($n = 0; ftell($out) < 5 * 1024 * 1024; $n++) {
    fwrite($out, ($n % 7 === 0 ? '.' : '') . substr(str_repeat(md5((string)$n), 30), 0, ($n * 37) % 990) . $ends[$n % 3]);
}
fclose($out);
$content = file_get_contents($f);
foreach (['DATA' => $ehlo, 'BDAT' => ['PIPELINING', 'CHUNKING', '8BITMIME', 'SIZE 50000000']] as $via => $e) {
    $srv = fake_auto(['ehlo' => $e]);
    $smtp = fake_client($srv);
    $r = $smtp->send(fopen($f, 'r'), 'a@example.com', 'b@example.com');
    fake_done($smtp);
    $t = fake_wait($srv);
    $m = $t['messages'][0];
    $mail = envelope_lines($t)[0];
    echo $via, ' ', $m['via'], ' ', $r->messageId, ' ', $m['data'] === normalised($content) ? 'identical' : 'DIFFERENT',
        ' ', json_encode(fake_wire_problems($m['raw'])), ' ', $mail === 'MAIL FROM:<a@example.com> SIZE=' . strlen($content) . ' BODY=8BITMIME' ? 'SIZE ok' : $mail, "\n";
    unset($t, $m);
}
?>
--EXPECT--
-- file and memory streams
string(6) "ABC123"
array(2) {
  [0]=>
  string(13) "b@example.com"
  [1]=>
  string(13) "c@example.com"
}
string(16) "<s1@example.com>"
bool(true)
string(16) "<s1@example.com>"
NULL
string(16) "<s1@example.com>"
["MAIL FROM:<bounce@example.com> SIZE=148 BODY=8BITMIME","MAIL FROM:<bounce@example.com> SIZE=148 BODY=8BITMIME","MAIL FROM:<bounce@example.com> SIZE=64 BODY=8BITMIME","MAIL FROM:<bounce@example.com> SIZE=64 BODY=8BITMIME","MAIL FROM:<bounce@example.com> BODY=8BITMIME","MAIL FROM:<bounce@example.com> SIZE=157"]
int(146)
int(62)
int(157)
0 identical []
1 identical []
2 identical []
3 identical []
4 identical []
5 identical []
"From: a@example.com\r\nTo: b@example.com\r\nSubject: stream\r\nMessage-ID: <s1@example.com>\r\n\r\n..dot line\r\nbare CR\r\nCRLF\r\n...two dots\r\n..\r\nlast line without newline\r\n"
-- no SIZE, no 8BITMIME advertised: no parameters
["MAIL FROM:<bounce@example.com>","RCPT TO:<b@example.com>"]
bool(true)
-- chunk boundaries (64 KB)
DATA DATA identical stuffed []
DATA DATA identical stuffed []
["MAIL FROM:<a@example.com> SIZE=524296 BODY=8BITMIME","MAIL FROM:<a@example.com> SIZE=524296 BODY=8BITMIME"]
BDAT BDAT identical []
BDAT BDAT identical []
["MAIL FROM:<a@example.com> SIZE=524296 BODY=8BITMIME","MAIL FROM:<a@example.com> SIZE=524296 BODY=8BITMIME"]
-- errors before connecting
int               ok
null              ok
array             ok
stdClass          ok
closed stream     ok
stream context    ok
write-only        ok
append-only       ok
no from           ok
no to             ok
empty to          ok
bad to            ok
batch write-only  ok
batch int         ok
batch no from     ok
int(0)
bool(false)
string(0) ""
-- NUL or a line over 998 octets mid-stream: ValueError, nothing delivered, the next send reconnects
DATA NUL       ValueError ok connected=false; conn 1: over 256 KB sent=true, DATA/BDAT started=true, final dot=false, BDAT LAST=false; messages=["2:c@example.com"]; then c@example.com
DATA long line ValueError ok connected=false; conn 1: over 256 KB sent=true, DATA/BDAT started=true, final dot=false, BDAT LAST=false; messages=["2:c@example.com"]; then c@example.com
BDAT NUL       ValueError ok connected=false; conn 1: over 256 KB sent=true, DATA/BDAT started=true, final dot=false, BDAT LAST=false; messages=["2:c@example.com"]; then c@example.com
BDAT long line ValueError ok connected=false; conn 1: over 256 KB sent=true, DATA/BDAT started=true, final dot=false, BDAT LAST=false; messages=["2:c@example.com"]; then c@example.com
-- sendBatch with streams
0 Smtp\Result b@example.com 'from header'
1 Smtp\Result c@example.com NULL
2 Smtp\Result d@example.com 'generated'
["MAIL FROM:<a@example.com> SIZE=148 BODY=8BITMIME","MAIL FROM:<a@example.com> SIZE=64 BODY=8BITMIME"]
bool(true)
bool(true)
bool(true)
-- 5 MB file, byte-identical
DATA DATA <big@example.com> identical [] SIZE ok
BDAT BDAT <big@example.com> identical [] SIZE ok
