--TEST--
Happy path: a text message through the fake server, Result fields and the exact commands on the wire
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto(['queue_id' => 'ABC123']);
$smtp = fake_client($srv, ['helo' => 'client.example']);
var_dump($smtp->isConnected());

$m = (new Smtp\Message)
    ->from('a@example.com')
    ->to('b@example.com')
    ->subject('Hello')
    ->text("Hello world\n");
$r = $smtp->send($m);

var_dump($r instanceof Smtp\Result);
var_dump($r->queueId, $r->accepted, $r->rejected);
var_dump(str_contains($r->reply, 'queued as ABC123'));
var_dump(is_string($r->messageId) && $r->messageId !== '');
var_dump($smtp->isConnected());
$smtp->quit();
var_dump($smtp->isConnected());
$smtp = null;

$t = fake_wait($srv);
$lines = fake_lines($t);
// Parameters such as SIZE= or BODY=8BITMIME are allowed after the address.
$lines[1] = preg_replace('/^(MAIL FROM:<[^>]*>)( .*)?$/', '$1', $lines[1]);
echo implode("\n", $lines), "\n";

$msg = $t['messages'][0];
var_dump($msg['from'], $msg['rcpt']);
$p = fake_parse($msg['data']);
var_dump(str_contains((string)fake_header($p, 'Message-ID'), trim($r->messageId, '<>')));
// "a@example.com" and "<a@example.com>" are both fine.
$bare = fn($v) => preg_replace('/^<(.*)>$/', '$1', trim((string)$v));
var_dump(fake_header($p, 'Subject'), $bare(fake_header($p, 'From')), $bare(fake_header($p, 'To')));
var_dump(fake_header($p, 'Date') !== null, fake_header($p, 'MIME-Version'));
var_dump(rtrim(fake_body($p), "\r\n"));
var_dump($t['errors']);
?>
--EXPECT--
bool(false)
bool(true)
string(6) "ABC123"
array(1) {
  [0]=>
  string(13) "b@example.com"
}
array(0) {
}
bool(true)
bool(true)
bool(true)
bool(false)
EHLO client.example
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com>
DATA
QUIT
string(13) "a@example.com"
array(1) {
  [0]=>
  string(13) "b@example.com"
}
bool(true)
string(5) "Hello"
string(13) "a@example.com"
string(13) "b@example.com"
bool(true)
string(3) "1.0"
string(11) "Hello world"
array(0) {
}
