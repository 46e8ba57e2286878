--TEST--
sendBatch(): 3 messages over PIPELINING + CHUNKING in one write, before any reply; a rejected recipient gives a RecipientException at its index, the others a Result
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// Postfix's behaviour (checked against Postfix 3.7): after "554 no valid recipients" for BDAT LAST the
// transaction is over, so the next MAIL is accepted.
// Each transaction behind another in flight starts with RSET, in the same write.
$txn = fn(string $from, string $rcpt, string $rcptReply, string $lastReply, bool $rset = true) => [
    ...($rset ? [['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"]] : []),
    ['expect' => "MAIL FROM:<$from>", 'reply' => "250 2.1.0 Ok\r\n"],
    ['expect' => "RCPT TO:<$rcpt>", 'reply' => $rcptReply],
    ['read_bdat' => true, 'reply' => $lastReply],
];
$srv = fake_start(['script' => array_merge(
    [['send' => "220 fake.example ESMTP\r\n"],
     ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 ENHANCEDSTATUSCODES\r\n"]],
    $txn('a@example.com', 'one@example.net', "250 2.1.5 Ok\r\n", "250 2.0.0 Ok: queued as Q1\r\n", false),
    $txn('b@example.com', 'bad@example.net', "550 5.1.1 <bad@example.net>: no such user\r\n",
        "554 5.5.1 Error: no valid recipients\r\n"),
    $txn('c@example.com', 'three@example.net', "250 2.1.5 Ok\r\n", "250 2.0.0 Ok: queued as Q3\r\n"),
    [['expect' => 'RSET', 'reply' => "250 2.0.0 Ok\r\n"],
     ['expect' => 'QUIT', 'reply' => "221 2.0.0 Bye\r\n"]]
)]);

$smtp = fake_client($srv);
$messages = [
    (new Smtp\Message)->from('a@example.com')->to('one@example.net')->subject('one')->text("first\n"),
    [(new Smtp\Message)->from('x@example.com')->to('x@example.net')->subject('two')->text("second\n"),
        'b@example.com', 'bad@example.net'],
    ["Subject: three\r\nMessage-ID: <three@example.com>\r\n\r\nthird\r\n", 'c@example.com', ['three@example.net']],
];
$results = $smtp->sendBatch($messages);
fake_done($smtp);
$t = fake_wait($srv);

var_dump(array_keys($results));
foreach ($results as $i => $r) {
    if ($r instanceof Smtp\Result) {
        echo "$i Result queueId=$r->queueId reply=$r->reply accepted=", implode(',', $r->accepted),
            ' messageId=', $r->messageId === null ? 'null' : (str_ends_with($r->messageId, '@example.com>') ? 'ok' : $r->messageId), "\n";
    } else {
        echo "$i ", fake_describe($r), "\n";
        var_dump($r->getReply(), $r->getRejected());
    }
}
echo "messageId of the raw one: ", $results[2]->messageId, "\n";

// every command of the three transactions reached the server before its first reply to them
$before = '';
foreach ($t['events'] as $e) {
    if ($e['ev'] === 'recv') {
        $before .= base64_decode($e['b64']);
    }
    if ($e['ev'] === 'send' && str_contains($before, 'MAIL FROM')) {
        break;
    }
}
echo 'all three before the first reply: ', substr_count($before, 'MAIL FROM:') === 3 && substr_count($before, ' LAST') === 3 ? 'yes' : 'no', "\n";
echo implode(' ', array_map(fn($l) => strtok($l, ' :'), fake_lines($t))), "\n";
echo 'BDAT chunks: ', count($t['bdat']), "\n";
print_r($t['errors']);
?>
--EXPECT--
array(3) {
  [0]=>
  int(0)
  [1]=>
  int(1)
  [2]=>
  int(2)
}
0 Result queueId=Q1 reply=250 2.0.0 Ok: queued as Q1 accepted=one@example.net messageId=ok
1 Smtp\RecipientException code=550 transient=no enhanced='5.1.1'
string(41) "550 5.1.1 <bad@example.net>: no such user"
array(1) {
  ["bad@example.net"]=>
  string(41) "550 5.1.1 <bad@example.net>: no such user"
}
2 Result queueId=Q3 reply=250 2.0.0 Ok: queued as Q3 accepted=three@example.net messageId=ok
messageId of the raw one: <three@example.com>
all three before the first reply: yes
EHLO MAIL RCPT RSET MAIL RCPT RSET MAIL RCPT RSET QUIT
BDAT chunks: 3
Array
(
)
