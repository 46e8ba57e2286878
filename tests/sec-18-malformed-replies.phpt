--TEST--
Security 18: malformed replies (mixed codes, bare 250, 600, 2500, bare LF, 100000 continuation lines) -> clean ResponseException, bounded memory
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$manyLines = str_repeat('250-' . str_repeat('x', 60) . "\r\n", 100000) . "250 ok\r\n";   // 6.5 MB
$cases = [
    'mixed codes' => "250-fake.example\r\n251 b\r\n",
    'mixed codes (2xx/5xx)' => "250-fake.example\r\n550 b\r\n",
    'first digit 6' => "600 fake.example\r\n",
    'first digit 1' => "150 fake.example\r\n",
    'four digits' => "2500 fake.example\r\n",
    'two digits' => "25 fake.example\r\n",
    'no separator' => "250fake.example\r\n",
    'letters' => "abc fake.example\r\n",
    'bare LF' => "250-fake.example\n250 PIPELINING\n",
    '100000 lines' => $manyLines,
    // "250" alone is allowed by RFC 5321's grammar: either accepted cleanly or a ResponseException.
    'bare 250' => "250\r\n",
];
foreach ($cases as $name => $reply) {
    $srv = fake_start(['script' => [
        ['send' => "220 fake.example ESMTP\r\n"],
        ['expect' => 'EHLO', 'reply' => $reply],
        // Whatever comes next (QUIT, or nothing), answer once and wait for the close.
        ['expect' => null, 'reply' => "221 2.0.0 bye\r\n", 'timeout_ms' => 8000],
        ['expect_close' => true, 'timeout_ms' => 8000],
    ]]);
    $smtp = fake_client($srv, ['command_timeout' => 10]);
    memory_reset_peak_usage();
    $mem = memory_get_usage();
    $start = microtime(true);
    $e = fake_catch(fn() => $smtp->connect());
    $elapsed = microtime(true) - $start;
    $grew = memory_get_peak_usage() - $mem;
    $smtp = null;
    $t = fake_wait($srv);
    $ok = $e instanceof Smtp\ResponseException || ($name === 'bare 250' && $e === null);
    printf("%-22s %s%s%s%s\n", $name, $ok ? 'ok' : 'FAIL ' . fake_describe($e),
        $elapsed > 5 ? ' (waited for a timeout)' : '',
        $grew > 2 * 1024 * 1024 ? " (memory grew by $grew bytes)" : '',
        fake_sent_command($t, 'MAIL') ? ' (sent MAIL)' : '');
}
?>
--EXPECT--
mixed codes            ok
mixed codes (2xx/5xx)  ok
first digit 6          ok
first digit 1          ok
four digits            ok
two digits             ok
no separator           ok
letters                ok
bare LF                ok
100000 lines           ok
bare 250               ok
