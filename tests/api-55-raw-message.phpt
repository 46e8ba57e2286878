--TEST--
send() of a raw string: sent as-is apart from CRLF normalisation and dot-stuffing, with the given envelope
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$raw = "From: Someone <a@example.com>\nTo: b@example.com\nSubject: raw\nX-Custom: kept as is\n\n"
     . "line 1\n.dot line\nline 3";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
$r = $smtp->send($raw, 'bounce@example.com', ['b@example.com', 'c@example.com']);
var_dump($r->queueId, $r->accepted);
fake_done($smtp);
$t = fake_wait($srv);
$m = $t['messages'][0];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
// Byte for byte: nothing added (no Date, no Message-ID), nothing removed.
var_dump($m['raw'] === fake_expected_data($raw));
echo json_encode($m['raw']), "\n";
?>
--EXPECT--
string(6) "ABC123"
array(2) {
  [0]=>
  string(13) "b@example.com"
  [1]=>
  string(13) "c@example.com"
}
bounce@example.com -> b@example.com,c@example.com
bool(true)
"From: Someone <a@example.com>\r\nTo: b@example.com\r\nSubject: raw\r\nX-Custom: kept as is\r\n\r\nline 1\r\n..dot line\r\nline 3\r\n"
