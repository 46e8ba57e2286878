--TEST--
Header blocks: smtp_mail() and sendMail() read "Name: value" blocks alike (CRLF, LF or CR; folded lines unfolded), each with its own rules: mail() starts the body at the first line that is not a field, sendMail() refuses it naming $headers
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$blocks = [
    "X-A: one\r\n two\r\n\tthree\r\nX-B: 2",
    "X-A: 1\nX-B: 2\n",
    "X-A: 1\rX-B: 2",
    "X-A:   trailing   ",
    "X-A: 1\r\nbody-looking line\r\nmore",
    "X-A: 1\r\nNoColon\r\n :x\r\nX-B: 2",
];

// sendMail(): one connection for all
$srv = fake_auto();
$smtp = fake_client($srv);
foreach (array_merge($blocks, [" X-A: 1", "X-A: 1\r\n\r\nX-B: 2", "From: x@example.com\r\n\r\nX: y", "X-A: 1\r\n\r\n", "X-A : 1"]) as $h) {
    try {
        $smtp->sendMail('a@example.com', 'b@example.com', 'S', "Body\n", $h);
        echo "sent\n";
    } catch (ValueError $e) {
        echo $e->getMessage(), "\n";
    }
}
fake_done($smtp);
$t = fake_wait($srv);
foreach ($t['messages'] as $m) {
    $p = fake_parse($m['data']);
    echo json_encode([fake_header($p, 'X-A'), fake_header($p, 'X-B')]), "\n";
}

// smtp_mail(): one connection for all (kept between the calls of the request)
$srv = fake_auto();
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'sender@example.com');
foreach ($blocks as $h) {
    var_dump(smtp_mail('b@example.com', 'S', "Body\n", $h));
}
smtp_mail_quit();
$t = fake_wait($srv);
foreach ($t['messages'] as $m) {
    $p = fake_parse($m['data']);
    echo json_encode([fake_header($p, 'X-A'), fake_header($p, 'X-B'), rtrim(fake_body($p))]), "\n";
}
?>
--EXPECT--
sent
sent
sent
sent
Smtp::sendMail(): Argument #5 ($headers) must contain "Name: value" header lines
Smtp::sendMail(): Argument #5 ($headers) must be a header field name (printable ASCII without ":", at most 76 characters)
Smtp::sendMail(): Argument #5 ($headers) must not start with a continuation line
Smtp::sendMail(): Argument #5 ($headers) must not contain empty lines
Smtp::sendMail(): Argument #5 ($headers) must not contain empty lines
sent
Smtp::sendMail(): Argument #5 ($headers) must be a header field name (printable ASCII without ":", at most 76 characters)
["one two\tthree","2"]
["1","2"]
["1","2"]
["trailing   ",null]
["1",null]
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
["one two\tthree","2","Body"]
["1","2","Body"]
["1","2","Body"]
["trailing",null,"Body"]
["1",null,"body-looking line\r\nmore\r\n\r\nBody"]
["1",null,"NoColon\r\n :x\r\nX-B: 2\r\n\r\nBody"]
