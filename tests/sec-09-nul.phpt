--TEST--
Security 9: NUL in a header or body -> ValueError before any byte (attachments: encoded)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
$msg = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$cases = [
    'subject' => fn() => $smtp->send($msg()->subject("a\0b")),
    'header value' => fn() => $smtp->send($msg()->header('X-Test', "a\0b")),
    'display name' => fn() => $smtp->send($msg()->to('c@example.com', "a\0b")),
    'text body' => fn() => $smtp->send($msg()->text("a\0b")),
    'html body' => fn() => $smtp->send($msg()->html("<p>a\0b</p>")),
    'raw message body' => fn() => $smtp->send("Subject: x\r\n\r\na\0b\r\n", 'a@example.com', 'b@example.com'),
    'raw \r\n\0.\r\n' => fn() => $smtp->send("Subject: x\r\n\r\nstart\r\n\x00.\r\nend", 'a@example.com', 'b@example.com'),
    'raw message header' => fn() => $smtp->send("Subject: a\0b\r\n\r\nbody\r\n", 'a@example.com', 'b@example.com'),
    'sendMail body' => fn() => $smtp->sendMail('a@example.com', 'b@example.com', 's', "a\0b"),
    'sendMail subject' => fn() => $smtp->sendMail('a@example.com', 'b@example.com', "s\0", 'b'),
];
foreach ($cases as $name => $fn) {
    printf("%-20s %s\n", $name, get_class(fake_catch($fn) ?? new stdClass));
}
// Not one byte so far (the client has not even needed to connect).
$before = $smtp->isConnected();

// An attachment may contain NUL: it is encoded.
$r = $smtp->send($msg()->attachData("bin\0ary\0\r\n.\r\n", 'data.bin', 'application/octet-stream'));
var_dump($r->queueId);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($before, count($t['messages']), count(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL'))));
var_dump(str_contains($t['raw'], "\0"), fake_wire_problems($t['messages'][0]['raw']));
var_dump(str_contains($t['messages'][0]['data'], base64_encode("bin\0ary\0\r\n.\r\n")));
?>
--EXPECT--
subject              ValueError
header value         ValueError
display name         ValueError
text body            ValueError
html body            ValueError
raw message body     ValueError
raw \r\n\0.\r\n      ValueError
raw message header   ValueError
sendMail body        ValueError
sendMail subject     ValueError
string(6) "ABC123"
bool(false)
int(1)
int(1)
bool(false)
array(0) {
}
bool(true)
