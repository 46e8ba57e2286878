--TEST--
sendBatch(): a server that keeps the transaction open after a failed BDAT LAST must not get the next pipelined message into it (delivered twice, or with the previous message's sender)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// RFC 3030 leaves the state after a failed BDAT LAST to the server; the fake server keeps the
// transaction (MAIL done, no recipient) open, as servers may (Postfix closes it).
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING', 'ENHANCEDSTATUSCODES'],
    'reply' => ['RCPT' => ['bad@' => "550 5.1.1 no such user\r\n"]]]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch([
    (new Smtp\Message)->from('a@example.com')->to('one@example.net')->subject('1')->text("1\n"),
    (new Smtp\Message)->from('b@example.com')->to('bad@example.net')->subject('2')->text("2\n"),
    (new Smtp\Message)->from('c@example.com')->to('three@example.net')->subject('3')->text("3\n"),
]);
fake_done($smtp);
$t = fake_wait($srv);
foreach ($results as $i => $r) {
    echo $i, ' ', get_class($r), "\n";
}
foreach ($t['messages'] as $m) {
    echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
}
?>
--EXPECT--
0 Smtp\Result
1 Smtp\RecipientException
2 Smtp\Result
a@example.com -> one@example.net
c@example.com -> three@example.net
