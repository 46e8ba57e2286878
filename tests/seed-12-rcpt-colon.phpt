--TEST--
Seed bug: MAIL FROM:<...> and RCPT TO:<...> with the colon; envelope = To+Cc+Bcc; Bcc not in the header
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// No PIPELINING/SIZE/8BITMIME: the MAIL line must carry no parameter.
$srv = fake_auto(['ehlo' => ['ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
$m = (new Smtp\Message)
    ->from('sender@example.com', 'Sender')
    ->to('to@example.com')
    ->cc('cc@example.com')
    ->bcc('hidden@example.com')
    ->subject('envelope')
    ->text('body');
$r = $smtp->send($m);
fake_done($smtp);
$t = fake_wait($srv);
foreach (fake_lines($t) as $l) {
    if (preg_match('/^(MAIL|RCPT)/i', $l)) {
        echo $l, "\n";
    }
}
$accepted = $r->accepted;
sort($accepted);
echo implode(',', $accepted), "\n";
$raw = $t['messages'][0]['data'];
$p = fake_parse($raw);
var_dump(fake_header($p, 'Bcc'), stripos($raw, 'hidden@example.com'));
var_dump(str_contains((string)fake_header($p, 'Cc'), 'cc@example.com'));
?>
--EXPECT--
MAIL FROM:<sender@example.com>
RCPT TO:<to@example.com>
RCPT TO:<cc@example.com>
RCPT TO:<hidden@example.com>
cc@example.com,hidden@example.com,to@example.com
NULL
bool(false)
bool(true)
