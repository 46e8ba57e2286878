--TEST--
logger option receives "C: ..." and "S: ..." transcript lines
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$log = [];
$srv = fake_auto(['greeting' => "220-fake.example ESMTP\r\n220 second line\r\n"]);
$smtp = fake_client($srv, ['logger' => function (string $line) use (&$log) { $log[] = rtrim($line, "\r\n"); }]);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
$smtp->quit();
$smtp = null;
fake_wait($srv);

$has = function (string $prefix) use ($log): bool {
    foreach ($log as $l) {
        if (str_starts_with($l, $prefix)) {
            return true;
        }
    }
    return false;
};
var_dump(count($log) > 0);
var_dump(count(array_filter($log, fn($l) => !preg_match('/^[CS]: /', $l))));
foreach (['S: 220', 'C: EHLO client.example', 'S: 250', 'C: MAIL FROM:<a@example.com>', 'C: RCPT TO:<b@example.com>',
          'C: DATA', 'S: 354', 'C: QUIT', 'S: 221'] as $p) {
    echo $p, ': ', $has($p) ? 'yes' : 'no', "\n";
}
// The greeting's second line is logged too (the whole reply is seen).
var_dump(count(array_filter($log, fn($l) => str_contains($l, 'second line'))) > 0);
?>
--EXPECT--
bool(true)
int(0)
S: 220: yes
C: EHLO client.example: yes
S: 250: yes
C: MAIL FROM:<a@example.com>: yes
C: RCPT TO:<b@example.com>: yes
C: DATA: yes
S: 354: yes
C: QUIT: yes
S: 221: yes
bool(true)
