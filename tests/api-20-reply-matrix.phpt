--TEST--
Every reply class (4xx, 5xx, 421, disconnect) at every step -> right exception, code, transience, enhanced status
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// Reply text per step and class; the auto server closes after a 421 and on 'close'.
$replies = [
    'GREETING' => ['4xx' => "450 4.3.2 busy\r\n", '5xx' => "554 5.3.2 no service\r\n"],
    'EHLO' => ['4xx' => "451 4.3.0 try later\r\n", '5xx' => "550 5.7.1 go away\r\n"],
    'MAIL' => ['4xx' => "451 4.3.0 try later\r\n", '5xx' => "553 5.1.8 bad sender\r\n"],
    'RCPT' => ['4xx' => "450 4.2.0 mailbox busy\r\n", '5xx' => "550 5.1.1 no such user\r\n"],
    'DATA' => ['4xx' => "451 4.3.0 try later\r\n", '5xx' => "554 5.7.1 rejected\r\n"],
    'DOT' => ['4xx' => "452 4.3.1 out of storage\r\n", '5xx' => "552 5.3.4 too big\r\n"],
];
$fail = 0;
foreach ($replies as $step => $byClass) {
    $byClass['421'] = "421 4.4.2 fake.example closing connection\r\n";
    $byClass['drop'] = 'close';
    foreach ($byClass as $class => $reply) {
        $class = (string)$class;     // '421' became an int key
        $override = [$step => $reply];
        if ($step === 'EHLO') {
            $override['HELO'] = $reply;   // a HELO fallback must meet the same fate
        }
        $srv = fake_auto(['reply' => $override]);
        $smtp = fake_client($srv);
        $result = null;
        $e = fake_catch(function () use ($smtp, &$result) {
            $result = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
        });
        $connected = $smtp->isConnected();
        fake_done($smtp);
        $t = fake_wait($srv);
        $delivered = count(array_filter($t['messages'], fn($m) => $m['accepted']));

        $problems = [];
        if ($result !== null || $delivered) {
            $problems[] = 'reported as sent';
        }
        if (!$e instanceof Smtp\Exception) {
            $problems[] = 'no Smtp\Exception';
        } else {
            $code = (int)substr($reply, 0, 3);
            if ($class === 'drop') {
                if (!$e instanceof Smtp\ConnectionException) $problems[] = 'not a ConnectionException';
                if ($e->getCode() !== 0) $problems[] = 'code ' . $e->getCode();
                if (!$e->isTransient()) $problems[] = 'not transient';
                if ($connected) $problems[] = 'still connected';
            } else {
                if ($e instanceof Smtp\ConnectionException) $problems[] = 'a reply reported as ConnectionException';
                if ($step === 'RCPT' && $class !== '421' && !$e instanceof Smtp\RecipientException) $problems[] = 'not a RecipientException';
                if ($step !== 'RCPT' && !$e instanceof Smtp\ResponseException) $problems[] = 'not a ResponseException';
                if ($e->getCode() !== $code) $problems[] = 'code ' . $e->getCode();
                if ($e->isTransient() !== ($code < 500)) $problems[] = 'transient wrong';
                if (!str_contains((string)$e->getReply(), substr($reply, 4, 10))) $problems[] = 'getReply() lacks the text';
                if (!in_array($step, ['GREETING', 'EHLO'], true) && $e->getEnhancedStatus() !== substr($reply, 4, 5)) {
                    $problems[] = 'enhanced ' . var_export($e->getEnhancedStatus(), true);
                }
                if ($class === '421' && $connected) $problems[] = 'still connected after 421';
                if ($step === 'RCPT' && $class !== '421' && $e instanceof Smtp\RecipientException
                    && array_keys($e->getRejected()) !== ['b@example.com']) $problems[] = 'getRejected() wrong';
            }
        }
        if (!fake_sent_command($t, 'EHLO') && $step !== 'GREETING') {
            $problems[] = 'no EHLO';
        }
        if ($problems) {
            $fail++;
        }
        printf("%-8s %-4s %s\n", $step, $class, $problems ? 'FAIL: ' . implode('; ', $problems) . ' (' . fake_describe($e) . ')' : 'ok');
    }
}

// QUIT: the message was accepted; whatever QUIT gets, send() returned its Result and the
// session is over afterwards (quit() may report the error or not).
foreach (['4xx' => "451 4.3.0 later\r\n", '5xx' => "500 5.5.1 what\r\n", '421' => "421 4.4.2 bye\r\n", 'drop' => 'close'] as $class => $reply) {
    $srv = fake_auto(['reply' => ['QUIT' => $reply]]);
    $smtp = fake_client($srv);
    $r = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
    $e = fake_catch(fn() => $smtp->quit());
    $problems = [];
    if ($r->queueId !== 'ABC123') $problems[] = 'no result';
    if ($e !== null && !$e instanceof Smtp\Exception) $problems[] = get_class($e);
    if ($smtp->isConnected()) $problems[] = 'still connected';
    $smtp = null;
    $t = fake_wait($srv);
    if (!fake_sent_command($t, 'QUIT')) $problems[] = 'no QUIT sent';
    printf("%-8s %-4s %s\n", 'QUIT', $class, $problems ? 'FAIL: ' . implode('; ', $problems) : 'ok');
}
?>
--EXPECT--
GREETING 4xx  ok
GREETING 5xx  ok
GREETING 421  ok
GREETING drop ok
EHLO     4xx  ok
EHLO     5xx  ok
EHLO     421  ok
EHLO     drop ok
MAIL     4xx  ok
MAIL     5xx  ok
MAIL     421  ok
MAIL     drop ok
RCPT     4xx  ok
RCPT     5xx  ok
RCPT     421  ok
RCPT     drop ok
DATA     4xx  ok
DATA     5xx  ok
DATA     421  ok
DATA     drop ok
DOT      4xx  ok
DOT      5xx  ok
DOT      421  ok
DOT      drop ok
QUIT     4xx  ok
QUIT     5xx  ok
QUIT     421  ok
QUIT     drop ok
