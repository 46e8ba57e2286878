--TEST--
smtp.override_mail=1: unchanged mail() code sends through the SMTP server
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--INI--
smtp.override_mail=1
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');

// code written for mail(), untouched
$ok = mail('b@example.com', '记得收衣服啊', "Hello\n", "From: a@example.com\r\nContent-Type: text/plain; charset=UTF-8");
var_dump($ok);
smtp_mail_quit(); // the connection is kept for the request's next calls: end it for the server to finish
$t = fake_wait($srv);
$m = $t['messages'][0];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
$p = fake_parse($m['data']);
var_dump(fake_decode_words((string)fake_header($p, 'Subject')), fake_header($p, 'Content-Type'));
var_dump(rtrim(fake_body($p), "\r\n"));
?>
--EXPECT--
bool(true)
a@example.com -> b@example.com
string(18) "记得收衣服啊"
string(25) "text/plain; charset=UTF-8"
string(5) "Hello"
