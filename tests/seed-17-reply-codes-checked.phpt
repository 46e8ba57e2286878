--TEST--
Seed bug: every reply code is checked; a failed send throws and never returns a Result
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function attempt(array $reply): array
{
    $srv = fake_auto(['reply' => $reply]);
    $smtp = fake_client($srv);
    $result = null;
    $e = fake_catch(function () use ($smtp, &$result) {
        $result = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
    });
    fake_done($smtp);
    $t = fake_wait($srv);
    $delivered = count(array_filter($t['messages'], fn($m) => $m['accepted']));
    return [$e, $result, $delivered];
}

echo "-- 550 to RCPT\n";
[$e, $r, $n] = attempt(['RCPT' => "550 5.1.1 <b@example.com>: no such user\r\n"]);
var_dump($e instanceof Smtp\RecipientException, $e instanceof Smtp\Exception, $e->getCode(), $e->isTransient());
$rej = $e->getRejected();
var_dump(array_keys($rej), str_starts_with($rej['b@example.com'], '550'), str_contains($rej['b@example.com'], 'no such user'));
var_dump($r, $n);

echo "-- 554 to DATA\n";
[$e, $r, $n] = attempt(['DATA' => "554 5.7.1 rejected by policy\r\n"]);
var_dump($e instanceof Smtp\ResponseException, $e->getCode(), $e->isTransient(), str_contains((string)$e->getReply(), 'rejected by policy'));
var_dump($r, $n);

echo "-- 451 after the final dot\n";
[$e, $r, $n] = attempt(['DOT' => "451 4.3.0 try again later\r\n"]);
var_dump($e instanceof Smtp\ResponseException, $e->getCode(), $e->isTransient());
var_dump($r, $n);

echo "-- 550 after the final dot\n";
[$e, $r, $n] = attempt(['DOT' => "550 5.7.1 spam\r\n"]);
var_dump($e instanceof Smtp\ResponseException, $e->getCode(), $e->isTransient());
var_dump($r);

echo "-- 553 to MAIL\n";
[$e, $r, $n] = attempt(['MAIL' => "553 5.1.8 sender rejected\r\n"]);
var_dump($e instanceof Smtp\ResponseException, $e->getCode(), $e->isTransient());
var_dump($r, $n);

echo "-- the exception is catchable and the object still usable\n";
// The first RCPT of each connection is rejected, later ones are accepted; whether the
// client keeps the session (RSET) or reconnects, the second send must succeed.
$srv = fake_start(['conns' => [
    [['auto' => ['reply' => ['RCPT' => ['#1' => "550 5.1.1 no\r\n"]]]]],
    [['auto' => []]],
]]);
$smtp = fake_client($srv);
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$e = fake_catch(fn() => $smtp->send($msg));
var_dump($e instanceof Smtp\RecipientException);
$r = $smtp->send($msg);
var_dump($r->queueId !== null);
fake_done($smtp);
$t = fake_stop($srv);   // the second connection may never come
var_dump(count(array_filter($t['messages'], fn($m) => $m['accepted'])));
?>
--EXPECT--
-- 550 to RCPT
bool(true)
bool(true)
int(550)
bool(false)
array(1) {
  [0]=>
  string(13) "b@example.com"
}
bool(true)
bool(true)
NULL
int(0)
-- 554 to DATA
bool(true)
int(554)
bool(false)
bool(true)
NULL
int(0)
-- 451 after the final dot
bool(true)
int(451)
bool(true)
NULL
int(0)
-- 550 after the final dot
bool(true)
int(550)
bool(false)
NULL
-- 553 to MAIL
bool(true)
int(553)
bool(false)
NULL
int(0)
-- the exception is catchable and the object still usable
bool(true)
bool(true)
int(1)
