--TEST--
Security 10: RCPT "a@b.c>\r\nDATA\r\n..." -> ValueError, zero bytes sent
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$evil = "a@b.c>\r\nDATA\r\nSubject: injected\r\n\r\nspam\r\n.\r\nQUIT\r\n";
$variants = [$evil, "a@b.c>\nDATA", "a@b.c>\rDATA", "a@b.c\r\n", "a@b.c> NOTIFY=NEVER", "a@b.c\0"];
$srv = fake_auto();
$smtp = fake_client($srv);
$m = fn() => (new Smtp\Message)->from('a@example.com')->subject('s')->text('t');
foreach ($variants as $to) {
    $r = [];
    $r[] = get_class(fake_catch(fn() => $smtp->send($m(), null, $to)) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m(), null, ['ok@example.com', $to])) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->to($to))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->sendMail('a@example.com', $to, 's', 'b')) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send("Subject: s\r\n\r\nb\r\n", 'a@example.com', $to)) ?? new stdClass);
    printf("%-24s %s\n", substr(json_encode($to), 0, 24), implode(' ', $r));
}
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw'], count($t['conns']));

// Already connected: still nothing after EHLO.
$srv = fake_auto();
$smtp = fake_client($srv);
$smtp->connect();
var_dump(get_class(fake_catch(fn() => $smtp->send($m(), null, $evil)) ?? new stdClass));
fake_done($smtp);
$t = fake_wait($srv);
echo implode(' ', fake_lines($t)), "\n";
?>
--EXPECT--
"a@b.c>\r\nDATA\r\nSubje ValueError ValueError ValueError ValueError ValueError
"a@b.c>\nDATA"           ValueError ValueError ValueError ValueError ValueError
"a@b.c>\rDATA"           ValueError ValueError ValueError ValueError ValueError
"a@b.c\r\n"              ValueError ValueError ValueError ValueError ValueError
"a@b.c> NOTIFY=NEVER"    ValueError ValueError ValueError ValueError ValueError
"a@b.c\u0000"            ValueError ValueError ValueError ValueError ValueError
string(0) ""
int(0)
string(10) "ValueError"
EHLO client.example QUIT
