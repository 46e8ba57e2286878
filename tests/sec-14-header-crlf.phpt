--TEST--
Security 14: subject / display name / header value "Hi\r\nBcc: e@x" -> ValueError (header values are single-line)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$m = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
foreach (["Hi\r\nBcc: e@x", "Hi\nBcc: e@x", "Hi\rBcc: e@x", "Hi\r\n Bcc: e@x", "Hi\r\n\r\nbody"] as $v) {
    $r = [];
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->subject($v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->from('a@example.com', $v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->to('c@example.com', $v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->cc('c@example.com', $v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->replyTo('c@example.com', $v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->header('X-Custom', $v))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->header($v, 'x'))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->sendMail('a@example.com', 'b@example.com', $v, 'b')) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->sendMail('a@example.com', 'b@example.com', 's', 'b', ['X-Custom' => $v])) ?? new stdClass);
    printf("%-20s %s\n", json_encode($v), implode(' ', array_unique($r)));
}
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECT--
"Hi\r\nBcc: e@x"     ValueError
"Hi\nBcc: e@x"       ValueError
"Hi\rBcc: e@x"       ValueError
"Hi\r\n Bcc: e@x"    ValueError
"Hi\r\n\r\nbody"     ValueError
string(0) ""
