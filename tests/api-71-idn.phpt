--TEST--
IDN: without SMTPUTF8 a non-ASCII domain goes as its A-label in MAIL/RCPT and in From/Sender/To/Cc/Reply-To; results keep the addresses as given; with SMTPUTF8 UTF-8 is sent; a non-ASCII local part without SMTPUTF8 fails before MAIL
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('intl')) die('skip intl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function envelope_lines(array $t): array
{
    return array_values(array_filter(fake_lines($t), fn($l) => preg_match('/^(MAIL|RCPT) /', $l)));
}

$noUtf8 = ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN'];
$msg = (new Smtp\Message)
    ->from('a@bücher.example', 'Änne')
    ->sender('s@müller.example')
    ->to('b@bücher.example', 'Bob')
    ->cc('C@BÜCHER.example')
    ->cc('plain@example.com')
    ->bcc('d@ñandú.example')
    ->replyTo('r@bücher.example')
    ->subject('idn')
    ->text("hello\n");

echo "-- no SMTPUTF8: A-labels\n";
$srv = fake_auto(['ehlo' => $noUtf8, 'reply' => ['RCPT' => ['xn--and-6ma2c' => "550 5.1.1 no such user\r\n"]]]);
$smtp = fake_client($srv, ['partial' => true]);
$r = $smtp->send($msg);
var_dump($r->accepted, $r->rejected);
// a raw message: its envelope is converted, its bytes are not touched
$r = $smtp->send("Subject: raw\r\n\r\nbody\r\n", 'bounce@bücher.example', ['x@bücher.example'], ['orcpt' => true]);
var_dump($r->accepted);
fake_done($smtp);
$t = fake_wait($srv);
foreach (envelope_lines($t) as $l) {
    echo $l, "\n";
}
$m = $t['messages'][0];
$h = fake_parse($m['data']);
foreach (['From', 'Sender', 'To', 'Cc', 'Reply-To', 'Bcc'] as $name) {
    echo $name, ': ', var_export(fake_header($h, $name), true), "\n";
}
echo 'From decoded: ', fake_decode_words(fake_header($h, 'From')), "\n";
// nothing non-ASCII anywhere in what was sent
var_dump(preg_match('/[\x80-\xff]/', $t['raw']), $t['messages'][1]['data'] === "Subject: raw\r\n\r\nbody\r\n");

echo "-- no SMTPUTF8, all or nothing: RecipientException names the address as given\n";
$srv = fake_auto(['ehlo' => $noUtf8, 'reply' => ['RCPT' => ['xn--bcher-kva' => "550 5.1.1 no such user\r\n"]]]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', ['ok@example.com', 'b@bücher.example']));
echo fake_describe($e), "\n";
var_dump($e->getRejected());
echo $e->getMessage(), "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(envelope_lines($t), JSON_UNESCAPED_UNICODE), "\n";
var_dump(count(array_filter($t['messages'], fn($m) => $m['accepted'])));

echo "-- sendBatch\n";
$srv = fake_auto(['ehlo' => $noUtf8]);
$smtp = fake_client($srv);
$res = $smtp->sendBatch([
    (new Smtp\Message)->from('a@bücher.example')->to('b@ñandú.example')->subject('one')->text("1\n"),
    ["Subject: two\r\n\r\n2\r\n", 'a@example.com', ['c@bücher.example']],
]);
foreach ($res as $r) {
    echo get_class($r), ' ', json_encode($r->accepted, JSON_UNESCAPED_UNICODE), "\n";
}
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(envelope_lines($t)), "\n";
echo fake_header(fake_parse($t['messages'][0]['data']), 'From'), ' ', fake_header(fake_parse($t['messages'][0]['data']), 'To'), "\n";

echo "-- SIZE counts the converted header\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'SIZE 1000000']]);
$smtp = fake_client($srv);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
$mail = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL ')))[0];
var_dump($mail === 'MAIL FROM:<s@xn--mller-kva.example> SIZE=' . strlen($t['messages'][0]['data']),
    str_contains($t['messages'][0]['data'], 'To: Bob <b@xn--bcher-kva.example>'));

echo "-- SMTPUTF8 advertised: UTF-8 as written\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8']]);
$smtp = fake_client($srv);
$r = $smtp->send($msg);
echo json_encode($r->accepted, JSON_UNESCAPED_UNICODE), "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(envelope_lines($t), JSON_UNESCAPED_UNICODE), "\n";
$h = fake_parse($t['messages'][0]['data']);
foreach (['From', 'Sender', 'To', 'Cc', 'Reply-To'] as $name) {
    echo $name, ': ', fake_header($h, $name), "\n";
}
var_dump(str_contains($t['raw'], 'xn--'));

echo "-- non-ASCII local part, no SMTPUTF8: ResponseException before MAIL\n";
$srv = fake_auto(['ehlo' => $noUtf8]);
$smtp = fake_client($srv);
$cases = [
    'envelope recipient' => [fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', ['ok@example.com', 'jörg@bücher.example']), 'jörg@bücher.example'],
    'envelope sender' => [fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'jörg@example.com', 'ok@example.com'), 'jörg@example.com'],
    'From' => [fn() => $smtp->send((new Smtp\Message)->from('ä@example.com')->to('ok@example.com')->text('x')), 'ä@example.com'],
    'Sender' => [fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->sender('ß@example.com')->to('ok@example.com')->text('x'), 'a@example.com'), 'ß@example.com'],
    'Reply-To only' => [fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('ok@example.com')->replyTo('ö@example.com')->text('x')), 'ö@example.com'],
    'Bcc' => [fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('ok@example.com')->bcc('ü@x.example')->text('x')), 'ü@x.example'],
    'batch item' => [fn() => $smtp->sendBatch([["Subject: x\r\n\r\nb\r\n", 'a@example.com', 'é@example.com']])[0], 'é@example.com'],
];
foreach ($cases as $label => [$fn, $addr]) {
    $e = fake_catch(function () use ($fn) {
        $v = $fn();
        if ($v instanceof Throwable) {
            throw $v;           // sendBatch() returns it
        }
    });
    $ok = $e instanceof Smtp\ResponseException && $e->getCode() === 0 && !$e->isTransient()
        && str_contains($e->getMessage(), 'SMTPUTF8') && str_contains($e->getMessage(), $addr);
    printf("%-20s %s\n", $label, $ok ? 'ok' : 'FAIL: ' . ($e ? fake_describe($e) . ': ' . $e->getMessage() : 'no exception'));
}
// idn_to_ascii() refuses a domain (ZWNJ without a virama: CONTEXTJ): an error, no MAIL
$e = fake_catch(fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', ["b@a\u{200C}b.example"]));
echo get_class($e), ' ', var_export(str_contains($e->getMessage(), "a\u{200C}b.example"), true), "\n";
// the connection is still good: an ASCII message goes on it
var_dump($smtp->isConnected(), $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', 'ok@example.com')->accepted);
fake_done($smtp);
$t = fake_wait($srv);
echo json_encode(fake_lines($t)), "\n";
?>
--EXPECTF--
-- no SMTPUTF8: A-labels
array(3) {
  [0]=>
  string(17) "b@bücher.example"
  [1]=>
  string(17) "C@BÜCHER.example"
  [2]=>
  string(17) "plain@example.com"
}
array(1) {
  ["d@ñandú.example"]=>
  string(22) "550 5.1.1 no such user"
}
array(1) {
  [0]=>
  string(17) "x@bücher.example"
}
MAIL FROM:<s@xn--mller-kva.example>
RCPT TO:<b@xn--bcher-kva.example>
RCPT TO:<C@xn--bcher-kva.example>
RCPT TO:<plain@example.com>
RCPT TO:<d@xn--and-6ma2c.example>
MAIL FROM:<bounce@xn--bcher-kva.example>
RCPT TO:<x@xn--bcher-kva.example> ORCPT=utf-8;x@b\x{FC}cher.example
From: '=?UTF-8?B?w4RubmU=?= <a@xn--bcher-kva.example>'
Sender: 's@xn--mller-kva.example'
To: 'Bob <b@xn--bcher-kva.example>'
Cc: 'C@xn--bcher-kva.example, plain@example.com'
Reply-To: 'r@xn--bcher-kva.example'
Bcc: NULL
From decoded: Änne <a@xn--bcher-kva.example>
int(0)
bool(true)
-- no SMTPUTF8, all or nothing: RecipientException names the address as given
Smtp\RecipientException code=550 transient=no enhanced='5.1.1'
array(1) {
  ["b@bücher.example"]=>
  string(22) "550 5.1.1 no such user"
}
1 of 2 recipients rejected; b@bücher.example: 550 5.1.1 no such user (127.0.0.1:%d, at RCPT TO)
["MAIL FROM:<a@example.com>","RCPT TO:<ok@example.com>","RCPT TO:<b@xn--bcher-kva.example>"]
int(0)
-- sendBatch
Smtp\Result ["b@ñandú.example"]
Smtp\Result ["c@bücher.example"]
["MAIL FROM:<a@xn--bcher-kva.example>","RCPT TO:<b@xn--and-6ma2c.example>","MAIL FROM:<a@example.com>","RCPT TO:<c@xn--bcher-kva.example>"]
a@xn--bcher-kva.example b@xn--and-6ma2c.example
-- SIZE counts the converted header
bool(true)
bool(true)
-- SMTPUTF8 advertised: UTF-8 as written
["b@bücher.example","C@BÜCHER.example","plain@example.com","d@ñandú.example"]
["MAIL FROM:<s@müller.example> SMTPUTF8","RCPT TO:<b@bücher.example>","RCPT TO:<C@BÜCHER.example>","RCPT TO:<plain@example.com>","RCPT TO:<d@ñandú.example>"]
From: =?UTF-8?B?w4RubmU=?= <a@bücher.example>
Sender: s@müller.example
To: Bob <b@bücher.example>
Cc: C@BÜCHER.example, plain@example.com
Reply-To: r@bücher.example
bool(false)
-- non-ASCII local part, no SMTPUTF8: ResponseException before MAIL
envelope recipient   ok
envelope sender      ok
From                 ok
Sender               ok
Reply-To only        ok
Bcc                  ok
batch item           ok
Smtp\Exception true
bool(true)
array(1) {
  [0]=>
  string(14) "ok@example.com"
}
["EHLO client.example","MAIL FROM:<a@example.com>","RCPT TO:<ok@example.com>","DATA","QUIT"]
