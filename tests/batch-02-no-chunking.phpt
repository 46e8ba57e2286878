--TEST--
sendBatch(): without CHUNKING one transaction at a time (DATA); each failure (recipient, sender, final dot) is that message's exception, built as send() throws it; a generator is accepted; partial
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_start(['conns' => [
    [['auto' => ['reply' => [
        'RCPT' => ['bad@' => "550 5.1.1 no such user\r\n", 'busy@' => "450 4.2.1 try later\r\n"],
        'MAIL' => ['refused@' => "553 5.7.1 sender refused\r\n"],
        'DOT' => ['#3' => "554 5.6.0 content rejected\r\n"],
    ]]]],
    [['auto' => ['queue_id' => 'SECOND']]],
    [['auto' => ['reply' => ['RCPT' => ['bad@' => "550 5.1.1 no such user\r\n"]]]]],
]]);

function messages(): Generator
{
    $m = fn(string $to) => (new Smtp\Message)->from('me@example.com')->to($to)->subject("to $to")->text("hi\n");
    yield 'first' => $m('one@example.net');                                   // ok (message 1)
    yield 'second' => $m('bad@example.net');                                  // RecipientException, 5xx
    yield $m('busy@example.net');                                             // RecipientException, 4xx
    yield [$m('two@example.net'), 'refused@example.com'];                     // sender refused
    yield ["Subject: raw\n\nbody\n", 'me@example.com', 'three@example.net'];  // ok (message 2)
    yield $m('four@example.net');                                             // final dot 554 (message 3)
    // one of two rejected: the server said 354 to the pipelined DATA, and hanging up is the only way not
    // to deliver to the other one; the batch goes on on a new connection
    yield [$m('x@example.net'), null, ['five@example.net', 'bad@example.net']];
    yield $m('six@example.net');                                              // ok (second connection)
}

$smtp = fake_client($srv);
$results = $smtp->sendBatch(messages());
fake_done($smtp);
foreach ($results as $i => $r) {
    echo $i, ' ', $r instanceof Smtp\Result ? "Result $r->queueId" : fake_describe($r), "\n";
    if ($r instanceof Smtp\RecipientException) {
        echo '  rejected: ', json_encode($r->getRejected()), "\n";
    } elseif ($r instanceof Smtp\Exception) {
        echo '  reply: ', $r->getReply(), "\n";
    }
}

// partial: the accepted recipient gets the message, the rejected one is in the result
$smtp = fake_client($srv, ['partial' => true]);
$m = (new Smtp\Message)->from('me@example.com')->to('ok@example.net')->to('bad@example.net')->subject('p')->text("p\n");
[$r] = $smtp->sendBatch([$m]);
fake_done($smtp);
echo 'partial: ', get_class($r), ' accepted=', json_encode($r->accepted), ' rejected=', json_encode($r->rejected), "\n";

$t = fake_wait($srv);
echo 'via: ', implode(' ', array_unique(array_column($t['messages'], 'via'))), "\n";
echo 'delivered: ', implode(' ', array_map(fn($m) => implode(',', $m['rcpt']) . ($m['accepted'] ? '' : '(refused)'), $t['messages'])), "\n";
echo 'connections: ', count($t['conns']), "\n";
echo 'BDAT sent: ', fake_sent_command($t, 'BDAT') ? 'yes' : 'no', "\n";
print_r($t['errors']);
?>
--EXPECT--
0 Result ABC123
1 Smtp\RecipientException code=550 transient=no enhanced='5.1.1'
  rejected: {"bad@example.net":"550 5.1.1 no such user"}
2 Smtp\RecipientException code=450 transient=yes enhanced='4.2.1'
  rejected: {"busy@example.net":"450 4.2.1 try later"}
3 Smtp\ResponseException code=553 transient=no enhanced='5.7.1'
  reply: 553 5.7.1 sender refused
4 Result ABC123N2
5 Smtp\ResponseException code=554 transient=no enhanced='5.6.0'
  reply: 554 5.6.0 content rejected
6 Smtp\RecipientException code=550 transient=no enhanced='5.1.1'
  rejected: {"bad@example.net":"550 5.1.1 no such user"}
7 Result SECOND
partial: Smtp\Result accepted=["ok@example.net"] rejected={"bad@example.net":"550 5.1.1 no such user"}
via: DATA
delivered: one@example.net three@example.net four@example.net(refused) six@example.net ok@example.net
connections: 3
BDAT sent: no
Array
(
)
