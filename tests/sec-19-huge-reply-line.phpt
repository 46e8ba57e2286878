--TEST--
Security 19: a 1 MB reply line -> ResponseException at the line cap, bounded memory, bounded message/reply
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$huge = str_repeat('x', 1 << 20);
$cases = [
    'greeting' => [['send' => "220 $huge\r\n"]],
    'EHLO' => [['send' => "220 fake.example ESMTP\r\n"], ['expect' => 'EHLO', 'reply' => "250 $huge\r\n"]],
    'EHLO continuation' => [['send' => "220 fake.example ESMTP\r\n"], ['expect' => 'EHLO', 'reply' => "250-fake.example\r\n250-$huge\r\n250 ok\r\n"]],
    'no CRLF at all' => [['send' => "220 fake.example ESMTP\r\n"], ['expect' => 'EHLO', 'reply' => "250 $huge"]],
];
foreach ($cases as $name => $script) {
    $script[] = ['expect_close' => true, 'timeout_ms' => 8000];
    $srv = fake_start(['script' => $script]);
    $smtp = fake_client($srv);
    memory_reset_peak_usage();
    $mem = memory_get_usage();
    $e = fake_catch(fn() => $smtp->connect());
    $grew = memory_get_peak_usage() - $mem;
    $p = [];
    if (!$e instanceof Smtp\ResponseException) $p[] = fake_describe($e);
    if ($e && strlen($e->getMessage()) > 10000) $p[] = 'message of ' . strlen($e->getMessage()) . ' bytes';
    if ($e instanceof Smtp\Exception && strlen((string)$e->getReply()) > 10000) $p[] = 'getReply() of ' . strlen($e->getReply()) . ' bytes';
    if (strlen((string)$smtp->getLastReply()) > 10000) $p[] = 'getLastReply() of ' . strlen($smtp->getLastReply()) . ' bytes';
    if ($grew > 512 * 1024) $p[] = "memory grew by $grew bytes";
    $smtp = null;
    fake_wait($srv);
    printf("%-18s %s\n", $name, $p ? 'FAIL ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
greeting           ok
EHLO               ok
EHLO continuation  ok
no CRLF at all     ok
