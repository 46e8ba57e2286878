--TEST--
Seed bug: sendMail($from, $to, $subject, $body, $headers) sends a correct message (array and string headers)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$r1 = $smtp->sendMail('a@example.com', 'b@example.com', 'Subject one', "Body one\n",
    ['X-Test' => 'yes', 'Reply-To' => 'r@example.com']);
$r2 = $smtp->sendMail('a@example.com', ['b@example.com', 'c@example.com'], '记得收衣服啊', "Body two\n",
    "X-Test: string\r\nX-Other: 2");
var_dump($r1 instanceof Smtp\Result, $r1->queueId, $r2->queueId);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count($t['messages']));

$m = $t['messages'][0];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
$p = fake_parse($m['data']);
var_dump(fake_header($p, 'Subject'), fake_header($p, 'X-Test'), str_contains((string)fake_header($p, 'Reply-To'), 'r@example.com'));
var_dump(str_contains((string)fake_header($p, 'From'), 'a@example.com'), str_contains((string)fake_header($p, 'To'), 'b@example.com'));
var_dump(fake_header($p, 'Date') !== null, fake_header($p, 'Message-ID') !== null);
var_dump(rtrim(fake_body($p), "\r\n"));

$m = $t['messages'][1];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
$p = fake_parse($m['data']);
var_dump(fake_decode_words((string)fake_header($p, 'Subject')), fake_header($p, 'X-Test'), fake_header($p, 'X-Other'));
var_dump(rtrim(fake_body($p), "\r\n"));
?>
--EXPECT--
bool(true)
string(6) "ABC123"
string(8) "ABC123N2"
int(2)
a@example.com -> b@example.com
string(11) "Subject one"
string(3) "yes"
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
string(8) "Body one"
a@example.com -> b@example.com,c@example.com
string(18) "记得收衣服啊"
string(6) "string"
string(1) "2"
string(8) "Body two"
