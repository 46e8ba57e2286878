--TEST--
Security 21: a silent server, or one that sends a byte every few hundred ms, hits the per-command deadline
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ehloOk = "250-fake.example\r\n250 8BITMIME\r\n";
$cases = [
    'silent greeting' => [[ 'sleep_ms' => 15000 ]],
    'trickled greeting' => [['send' => "220 fake.example ESMTP trickling slowly\r\n", 'byte_delay_ms' => 300]],
    'silent EHLO reply' => [['send' => "220 fake.example\r\n"], ['expect' => 'EHLO', 'sleep_ms' => 15000]],
    'trickled EHLO reply' => [['send' => "220 fake.example\r\n"],
        ['expect' => 'EHLO', 'reply' => "250-fake.example Hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 'byte_delay_ms' => 300]],
    'trickled MAIL reply' => [['send' => "220 fake.example\r\n"], ['expect' => 'EHLO', 'reply' => $ehloOk],
        ['expect' => 'MAIL', 'reply' => "250 2.1.0 sender ok, and a long text after it\r\n", 'byte_delay_ms' => 300]],
    'silent after final dot' => [['send' => "220 fake.example\r\n"], ['expect' => 'EHLO', 'reply' => $ehloOk],
        ['expect' => 'MAIL', 'reply' => "250 ok\r\n"], ['expect' => 'RCPT', 'reply' => "250 ok\r\n"],
        ['expect' => 'DATA', 'reply' => "354 go\r\n"], ['read_data' => true, 'sleep_ms' => 15000]],
];
foreach ($cases as $name => $script) {
    $srv = fake_start(['script' => $script, 'time_limit' => 20]);
    $smtp = fake_client($srv, ['timeout' => 1, 'command_timeout' => 1, 'data_timeout' => 1]);
    $start = microtime(true);
    $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
    $elapsed = microtime(true) - $start;
    $smtp = null;
    fake_stop($srv);
    $p = [];
    if (!$e instanceof Smtp\Exception) $p[] = 'no Smtp\Exception: ' . fake_describe($e);
    elseif (!$e->isTransient()) $p[] = 'not transient';
    // The whole reply would take 10+ s; a 1 s deadline per command must fire well before.
    if ($elapsed < 0.9 || $elapsed > 5) $p[] = sprintf('took %.1f s', $elapsed);
    printf("%-24s %s\n", $name, $p ? 'FAIL ' . implode('; ', $p) : 'ok');
}
?>
--EXPECT--
silent greeting          ok
trickled greeting        ok
silent EHLO reply        ok
trickled EHLO reply      ok
trickled MAIL reply      ok
silent after final dot   ok
