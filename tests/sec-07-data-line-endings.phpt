--TEST--
Security 7: bodies with stray CR/LF around dots -> only CRLF on the wire, dot-stuffed, exactly one terminator
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// (the NUL case "\r\n\x00.\r\n" is in sec09: NUL -> ValueError)
$bodies = ["\n.\n", "\n.\r", "\r.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n",
    "a\n.\nb", "a\r.\rb", "a\r\n.\r\r\nQUIT\r\n", "x\n.\nMAIL FROM:<evil@example.com>\n"];
$srv = fake_auto(['ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME']]);   // no CHUNKING: DATA
$smtp = fake_client($srv);
foreach ($bodies as $b) {
    $smtp->send("Subject: line endings\r\n\r\nstart" . $b . "end", 'a@example.com', 'b@example.com');
}
fake_done($smtp);
$t = fake_wait($srv);
var_dump(count($t['messages']), count(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL'))));
foreach ($bodies as $i => $b) {
    $m = $t['messages'][$i] ?? ['raw' => ''];
    $want = fake_expected_data("Subject: line endings\r\n\r\nstart" . $b . "end");
    printf("%-28s %s %s\n", json_encode($b), $m['raw'] === $want ? 'exact' : 'DIFFERENT ' . json_encode($m['raw']),
        implode(',', fake_wire_problems($m['raw'])) ?: 'clean');
}
var_dump($t['errors']);
?>
--EXPECT--
int(12)
int(12)
"\n.\n"                      exact clean
"\n.\r"                      exact clean
"\r.\n"                      exact clean
"\r.\r"                      exact clean
"\n.\r\n"                    exact clean
"\r.\r\n"                    exact clean
"\r\n.\r\r\n"                exact clean
"\r\r\n.\r\r\n"              exact clean
"a\n.\nb"                    exact clean
"a\r.\rb"                    exact clean
"a\r\n.\r\r\nQUIT\r\n"       exact clean
"x\n.\nMAIL FROM:<evil@example.com>\n" exact clean
array(0) {
}
