--TEST--
ValueError for unknown options, invalid addresses, CR/LF in subject/headers/helo, invalid UTF-8, raw message without envelope
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$port = $srv->port;
$base = ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5];
$msg = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
$client = fn(array $o = []) => new Smtp('127.0.0.1', $port, $o + $base);

$cases = [
    'unknown option' => fn() => $client(['bogus_option' => 1]),
    'helo with CRLF' => fn() => $client(['helo' => "x\r\nMAIL FROM:<a@b.example>"])->connect(),
    'helo with LF' => fn() => $client(['helo' => "x\nRSET"])->connect(),
    'helo with NUL' => fn() => $client(['helo' => "x\0y"])->connect(),
    'subject with CRLF' => fn() => $client()->send($msg()->subject("Hi\r\nBcc: e@example.com")),
    'subject with LF' => fn() => $client()->send($msg()->subject("Hi\nBcc: e@example.com")),
    'subject with CR' => fn() => $client()->send($msg()->subject("Hi\rBcc: e@example.com")),
    'header value with CRLF' => fn() => $client()->send($msg()->header('X-Test', "v\r\nBcc: e@example.com")),
    'header name with colon' => fn() => $client()->send($msg()->header('X-Test: v', 'w')),
    'header name with space' => fn() => $client()->send($msg()->header('X Test', 'w')),
    'header name empty' => fn() => $client()->send($msg()->header('', 'w')),
    'invalid UTF-8 subject' => fn() => $client()->send($msg()->subject("caf\xe9")),
    'invalid UTF-8 name' => fn() => $client()->send($msg()->to('c@example.com', "\xff\xfe")),
    'invalid to (send)' => fn() => $client()->send($msg(), null, 'not-an-address'),
    'invalid from (send)' => fn() => $client()->send($msg(), 'not-an-address'),
    'invalid to (Message)' => fn() => $client()->send($msg()->to('no-at-sign')),
    'invalid from (Message)' => fn() => $client()->send($msg()->from('a@')),
    'invalid cc' => fn() => $client()->send($msg()->cc('@example.com')),
    'invalid bcc' => fn() => $client()->send($msg()->bcc('a b@example.com')),
    'invalid to (sendMail)' => fn() => $client()->sendMail('a@example.com', 'nope', 's', 'b'),
    'invalid from (sendMail)' => fn() => $client()->sendMail('nope', 'b@example.com', 's', 'b'),
    'sendMail subject CRLF' => fn() => $client()->sendMail('a@example.com', 'b@example.com', "s\r\nBcc: e@example.com", 'b'),
    'sendMail header CRLF' => fn() => $client()->sendMail('a@example.com', 'b@example.com', 's', 'b', ['X-A' => "1\r\nBcc: e@example.com"]),
    'raw message, no from' => fn() => $client()->send("Subject: x\r\n\r\nbody\r\n", null, 'b@example.com'),
    'raw message, no to' => fn() => $client()->send("Subject: x\r\n\r\nbody\r\n", 'a@example.com'),
];
foreach ($cases as $name => $fn) {
    $e = fake_catch($fn);
    printf("%-24s %s\n", $name, $e ? get_class($e) : 'no exception');
}
$e = fake_catch(fn() => $client(['bogus_option' => 1]));
var_dump(str_contains($e->getMessage(), 'bogus_option') || str_contains($e->getMessage(), '$options'));

// None of these sent a byte.
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECT--
unknown option           ValueError
helo with CRLF           ValueError
helo with LF             ValueError
helo with NUL            ValueError
subject with CRLF        ValueError
subject with LF          ValueError
subject with CR          ValueError
header value with CRLF   ValueError
header name with colon   ValueError
header name with space   ValueError
header name empty        ValueError
invalid UTF-8 subject    ValueError
invalid UTF-8 name       ValueError
invalid to (send)        ValueError
invalid from (send)      ValueError
invalid to (Message)     ValueError
invalid from (Message)   ValueError
invalid cc               ValueError
invalid bcc              ValueError
invalid to (sendMail)    ValueError
invalid from (sendMail)  ValueError
sendMail subject CRLF    ValueError
sendMail header CRLF     ValueError
raw message, no from     ValueError
raw message, no to       ValueError
bool(true)
string(0) ""
