--TEST--
Seed bug: the address check accepts valid addresses the seed regex refused, and refuses invalid ones
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// All valid (RFC 5321 dot-atom local parts); the seed regex /^[^_][\w]*@[\w.]+[\w]*[^_]$/
// refused most of them.
$valid = [
    'first.last@example.com',
    '_underscore@example.com',
    'a+tag@example.com',
    "o'brien@example.com",
    'x@sub-domain.example.com',
    'user@example.co.uk',
    'a@b.c',
    '1234@example.com',
    'x-y_z@example.org',
];
$srv = fake_auto(['ehlo' => ['ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
$r = $smtp->send((new Smtp\Message)->from('_sender_@example.com')->subject('s')->text('t'), null, $valid);
fake_done($smtp);
$t = fake_wait($srv);
foreach (fake_lines($t) as $l) {
    if (preg_match('/^(MAIL|RCPT)/', $l)) {
        echo $l, "\n";
    }
}
var_dump(count($r->accepted));

// Invalid: ValueError before any byte is sent.
$invalid = ['plainaddress', 'a@', '@example.com', 'a b@example.com', 'a@b@example.com', '', 'a@exa mple.com',
    'a..b@example.com', '.a@example.com', "a\x7f@example.com"];
$srv = fake_auto();
$smtp = fake_client($srv);
foreach ($invalid as $a) {
    $e1 = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->subject('s')->text('t'), null, $a));
    $e2 = fake_catch(fn() => (new Smtp\Message)->from($a)->to('b@example.com')->subject('s')->text('t')->toString());
    $e3 = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to($a)->subject('s')->text('t')));
    printf("%-30s %s %s %s\n", '"' . addcslashes($a, "\0..\37\177..\377") . '"', get_class($e1 ?? new stdClass), get_class($e2 ?? new stdClass), get_class($e3 ?? new stdClass));
}
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECT--
MAIL FROM:<_sender_@example.com>
RCPT TO:<first.last@example.com>
RCPT TO:<_underscore@example.com>
RCPT TO:<a+tag@example.com>
RCPT TO:<o'brien@example.com>
RCPT TO:<x@sub-domain.example.com>
RCPT TO:<user@example.co.uk>
RCPT TO:<a@b.c>
RCPT TO:<1234@example.com>
RCPT TO:<x-y_z@example.org>
int(9)
"plainaddress"                 ValueError ValueError ValueError
"a@"                           ValueError ValueError ValueError
"@example.com"                 ValueError ValueError ValueError
"a b@example.com"              ValueError ValueError ValueError
"a@b@example.com"              ValueError ValueError ValueError
""                             ValueError ValueError ValueError
"a@exa mple.com"               ValueError ValueError ValueError
"a..b@example.com"             ValueError ValueError ValueError
".a@example.com"               ValueError ValueError ValueError
"a\177@example.com"            ValueError ValueError ValueError
string(0) ""
