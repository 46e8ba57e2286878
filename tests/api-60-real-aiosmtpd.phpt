--TEST--
Real server: aiosmtpd receives a UTF-8 message with alternatives and attachments; Python's email parser reads it back
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (PHP_OS_FAMILY === 'Windows') die('skip needs python3 with aiosmtpd (tests/real/, Unix only)');
require __DIR__ . '/fake/helpers.inc';
if (fake_python(['aiosmtpd']) === null && getenv('CI') !== 'true') die('skip python3 with aiosmtpd not available');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = real_aiosmtpd_start(2);
$bin = random_bytes(3000) . "\0\r\n.\r\n";
$subject = '记得收衣服啊 — a subject long enough to be folded, with UTF-8: Grüße, ☂, and more words';
$text = "你好，\n.line starting with a dot\nGrüße ☂\n" . str_repeat('long line ', 120) . "\nend";
$m = (new Smtp\Message)
    ->from('a@example.com', 'Zhāng 三')
    ->to('b@example.com', 'Bob')
    ->cc('c@example.com')
    ->bcc('hidden@example.com')
    ->subject($subject)
    ->text($text)
    ->html('<p>你好 <b>Grüße</b></p>')
    ->attachData($bin, 'résumé "final".bin', 'application/octet-stream');
$smtp = new Smtp('127.0.0.1', $srv['port'], ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5, 'command_timeout' => 10]);
$r = $smtp->send($m);
$r2 = $smtp->sendMail('a@example.com', 'b@example.com', 'Grüße', "plain ✓\n");
$smtp->quit();
real_wait($srv);
$sep = DIRECTORY_SEPARATOR;

var_dump($r->queueId, $r2->queueId);
$env = json_decode(file_get_contents($srv['dir'] . "{$sep}msg-1.json"), true);
echo $env['mail_from'], ' -> ', implode(',', $env['rcpt_tos']), ' helo=', $env['helo'], "\n";

$eml = $srv['dir'] . "{$sep}msg-1.eml";
$p = real_parse($srv['python'], $eml);
var_dump($p['subject'] === $subject, $p['from'], $p['to'], $p['cc'], $p['bcc']);
var_dump($p['mime_version'], $p['date'], str_contains((string)$p['message_id'], trim($r->messageId, '<>')));
var_dump(rtrim(str_replace("\r\n", "\n", (string)$p['plain']), "\n") === $text);
var_dump(trim((string)$p['html']) === '<p>你好 <b>Grüße</b></p>');
$att = array_values(array_filter($p['parts'], fn($x) => $x['disposition'] === 'attachment'));
var_dump(count($att), $att[0]['filename'], $att[0]['md5'] === md5($bin), $att[0]['content_type']);
var_dump($p['defects'], $p['max_line'] <= 998, $p['bare_lf']);

$p = real_parse($srv['python'], $srv['dir'] . "{$sep}msg-2.eml");
var_dump($p['subject'], rtrim(str_replace("\r\n", "\n", (string)$p['plain'])), $p['defects']);
real_stop($srv);
?>
--EXPECT--
string(5) "REAL1"
string(5) "REAL2"
a@example.com -> b@example.com,c@example.com,hidden@example.com helo=client.example
bool(true)
array(1) {
  [0]=>
  array(2) {
    ["name"]=>
    string(10) "Zhāng 三"
    ["addr"]=>
    string(13) "a@example.com"
  }
}
array(1) {
  [0]=>
  string(13) "b@example.com"
}
array(1) {
  [0]=>
  string(13) "c@example.com"
}
bool(false)
string(3) "1.0"
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
string(20) "résumé "final".bin"
bool(true)
string(24) "application/octet-stream"
array(0) {
}
bool(true)
bool(false)
string(7) "Grüße"
string(9) "plain ✓"
array(0) {
}
