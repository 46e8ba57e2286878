--TEST--
MIME types with parameters: attach()/attachData()/embed() take "type/subtype; name=value" (a calendar invitation with method=REQUEST, a charset), checked and encoded (quoted, or RFC 2231 for non-ASCII values), as Python's email parser reads them; bad parameters refused; Result::$messageId of a raw message with a folded Message-ID and a comment
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
require __DIR__ . '/fake/helpers.inc';
if (fake_python() === null) die('skip python3 not available');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    . "UID:42@example.com\r\nDTSTART:20270101T100000Z\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
$m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('Invitation')->text("See the invitation.\n")
    ->attachData($ics, 'invite.ics', 'text/calendar; method=REQUEST; charset=UTF-8')
    ->attachData("plain text é\n", 'notes.txt', ' text/plain ;charset="UTF-8" ; format=flowed ')
    ->attachData('x', 'odd.bin', 'application/x-thing; title="a \"quoted\" (text)"; x-label=Grüße aus Köln');
$raw = $m->toString();
foreach (preg_split('/\r\n/', $raw) as $l) {
    if (stripos($l, 'Content-Type: text/calendar') === 0 || stripos($l, 'Content-Type: text/plain; charset=UTF-8;') === 0
        || stripos($l, 'Content-Type: application/x-thing') === 0) {
        echo $l, "\n";
    }
}
$file = tempnam(sys_get_temp_dir(), 'smtp-mime01');
file_put_contents($file, $raw);
$p = real_parse(fake_python(), $file);
unlink($file);
echo 'defects: ', json_encode($p['defects']), "\n";
foreach ($p['parts'] as $part) {
    echo $part['content_type'], ' ', json_encode($part['params'], JSON_UNESCAPED_UNICODE), "\n";
}
$cal = array_values(array_filter($p['parts'], fn($x) => $x['content_type'] === 'text/calendar'))[0];
var_dump($cal['md5'] === md5($ics), $cal['charset']);

echo "--- refused\n";
foreach ([
    'text/plain; charset', 'text/plain; =x', 'text/plain; name=a.txt', 'text/plain; filename=a.txt',
    'text/plain; title*=UTF-8\'\'x', 'text/plain; a=1; A=2', "text/plain; a=\"x\ny\"", 'text/plain; a="open',
    'text', "text/plain; x=\xff", 'text/plain; x=' . str_repeat('y', 300),
] as $type) {
    $e = fake_catch(fn() => (new Smtp\Message)->attachData('x', 'x.txt', $type));
    echo json_encode($type, JSON_INVALID_UTF8_SUBSTITUTE), ': ', $e ? $e->getMessage() : 'accepted', "\n";
}

echo "--- the Message-ID of a raw message\n";
$srv = fake_auto([]);
$smtp = fake_client($srv);
foreach ([
    "Message-ID:\r\n <folded.1@example.com>\r\n",
    "Message-ID: <c.2@example.com> (a comment)\r\n",
    "Message-Id: (before) <f.3@example.com>\r\n\t(after (nested))\r\n",
    "Message-ID: <plain.4@example.com>\r\n",
] as $h) {
    $r = $smtp->send("From: a@example.com\r\n{$h}Subject: x\r\n\r\nbody\r\n", 'a@example.com', 'b@example.com');
    var_dump($r->messageId);
}
fake_done($smtp);
fake_wait($srv);
?>
--EXPECT--
Content-Type: text/calendar; method=REQUEST; charset=UTF-8; name="invite.ics"
Content-Type: text/plain; charset=UTF-8; format=flowed; name="notes.txt"
Content-Type: application/x-thing; title="a \"quoted\" (text)"; x-label*=UTF-8''Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln;
defects: []
text/plain {"charset":"UTF-8"}
text/calendar {"method":"REQUEST","charset":"UTF-8","name":"invite.ics"}
text/plain {"charset":"UTF-8","format":"flowed","name":"notes.txt"}
application/x-thing {"title":"a \"quoted\" (text)","x-label":"Grüße aus Köln","name":"odd.bin"}
bool(true)
string(5) "utf-8"
--- refused
"text\/plain; charset": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: its parameters must be name=value pairs separated by ';'
"text\/plain; =x": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: its parameters must be name=value pairs separated by ';'
"text\/plain; name=a.txt": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: the file name is the $name argument, not a parameter of the type
"text\/plain; filename=a.txt": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: the file name is the $name argument, not a parameter of the type
"text\/plain; title*=UTF-8''x": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: parameter values are given as plain text (they are RFC 2231-encoded when needed)
"text\/plain; a=1; A=2": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: a parameter is given twice
"text\/plain; a=\"x\ny\"": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: parameter values must not contain control characters (CR, LF, NUL, ...)
"text\/plain; a=\"open": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: a quoted parameter value is not closed
"text": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type such as "application/pdf" or "text/calendar; method=REQUEST"
"text\/plain; x=\ufffd": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: parameter values must be valid UTF-8
"text\/plain; x=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy": Smtp\Message::attachData(): Argument #3 ($type) must be a MIME type with valid parameters: it is too long (at most 200 octets once encoded)
--- the Message-ID of a raw message
string(22) "<folded.1@example.com>"
string(17) "<c.2@example.com>"
string(17) "<f.3@example.com>"
string(21) "<plain.4@example.com>"
