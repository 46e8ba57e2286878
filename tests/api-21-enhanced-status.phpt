--TEST--
Enhanced status codes (RFC 3463) are parsed only when ENHANCEDSTATUSCODES is advertised
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function rcpt_error(array $ehlo, string $reply): ?Smtp\Exception
{
    $srv = fake_auto(['ehlo' => $ehlo, 'reply' => ['RCPT' => $reply]]);
    $smtp = fake_client($srv);
    $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
    fake_done($smtp);
    fake_wait($srv);
    return $e;
}

$e = rcpt_error(['ENHANCEDSTATUSCODES'], "550 5.1.1 <b@example.com>: Recipient address rejected\r\n");
var_dump($e->getCode(), $e->getEnhancedStatus());
$e = rcpt_error(['ENHANCEDSTATUSCODES', 'PIPELINING'], "452-4.2.2 mailbox full\r\n452 4.2.2 try later\r\n");
var_dump($e->getCode(), $e->getEnhancedStatus(), $e->isTransient());
// Not advertised: the text is not interpreted.
$e = rcpt_error(['PIPELINING'], "550 5.1.1 no such user\r\n");
var_dump($e->getCode(), $e->getEnhancedStatus());
// Advertised, but this reply has none.
$e = rcpt_error(['ENHANCEDSTATUSCODES'], "550 no such user\r\n");
var_dump($e->getCode(), $e->getEnhancedStatus());
?>
--EXPECT--
int(550)
string(5) "5.1.1"
int(452)
string(5) "4.2.2"
bool(true)
int(550)
NULL
int(550)
NULL
