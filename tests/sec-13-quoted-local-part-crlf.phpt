--TEST--
Security 13: quoted local part hiding CR/LF ("x\r\nBcc: e@x"@example.com) -> ValueError, zero bytes sent
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$m = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
foreach (["\"x\r\nBcc: e@x\"@example.com", "\"x\nBcc: e@x\"@example.com", "\"x\rBcc: e@x\"@example.com",
          "\"x\\\r\nBcc: e@x\"@example.com", "\"x\0y\"@example.com"] as $addr) {
    $r = [];
    $r[] = get_class(fake_catch(fn() => $smtp->send($m(), null, $addr)) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m(), $addr)) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->to($addr))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->cc($addr))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->bcc($addr))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->from($addr))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->replyTo($addr))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->sendMail('a@example.com', $addr, 's', 'b')) ?? new stdClass);
    printf("%-30s %s\n", json_encode($addr), implode(' ', array_unique($r)));
}
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw']);

// A legitimate quoted local part still works and is sent quoted.
$srv = fake_auto(['ehlo' => ['ENHANCEDSTATUSCODES']]);
$smtp = fake_client($srv);
$smtp->send($m(), null, '"john smith"@example.com');
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['messages'][0]['rcpt']);
?>
--EXPECT--
"\"x\r\nBcc: e@x\"@example.com" ValueError
"\"x\nBcc: e@x\"@example.com"  ValueError
"\"x\rBcc: e@x\"@example.com"  ValueError
"\"x\\\r\nBcc: e@x\"@example.com" ValueError
"\"x\u0000y\"@example.com"     ValueError
string(0) ""
array(1) {
  [0]=>
  string(24) ""john smith"@example.com"
}
