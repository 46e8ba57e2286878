--TEST--
smtp_mail(): mail()'s contract over SMTP: To, Cc and Bcc from the arguments and headers, Bcc stripped, From from smtp.from; a rejected recipient is false and a warning
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'sender@example.com');
var_dump(smtp_mail('b@example.com', 'Hello', "Line one\n.dot line\n", ['Cc' => 'c@example.com', 'Bcc' => 'd@example.com', 'X-Test' => 'yes']));
smtp_mail_quit(); // the connection is kept for the request's next calls: end it for the server to finish
$t = fake_wait($srv);
$m = $t['messages'][0];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
$p = fake_parse($m['data']);
var_dump(fake_header($p, 'Subject'), fake_header($p, 'To'), fake_header($p, 'Cc'), fake_header($p, 'Bcc'), fake_header($p, 'X-Test'));
var_dump(str_contains((string)fake_header($p, 'From'), 'sender@example.com'));
var_dump(rtrim(fake_body($p), "\r\n"));

$srv = fake_auto(['reply' => ['RCPT' => ['bad@' => "550 5.1.1 no such user\r\n"]]]);
ini_set('smtp.port', (string)$srv->port);
var_dump(smtp_mail('bad@example.com', 'Hello', "Body\n"));
smtp_mail_quit();
$t = fake_wait($srv);
var_dump(count($t['messages']));
?>
--EXPECTF--
bool(true)
sender@example.com -> b@example.com,c@example.com,d@example.com
string(5) "Hello"
string(13) "b@example.com"
string(13) "c@example.com"
NULL
string(3) "yes"
bool(true)
string(19) "Line one
.dot line"

Warning: smtp_mail(): %s550%s in %s on line %d
bool(false)
int(0)
