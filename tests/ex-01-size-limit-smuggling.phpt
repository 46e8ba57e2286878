--TEST--
Real Exim: a message over the advertised SIZE, from a pipe of unknown size, is stopped before the limit; no body line is ever read as a command
--SKIPIF--
<?php require __DIR__ . '/exim/exim.inc'; exim_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/exim/exim.inc';
$env = exim_env();

// A body made of SMTP commands: a server that stops reading mid-chunk would run them.
$payload = '';
for ($i = 0; strlen($payload) < 2.5 * $env['size_limit']; $i++) {
    $payload .= "RSET\r\nMAIL FROM:<smuggler@example.com>\r\nRCPT TO:<victim$i@example.com>\r\nBDAT 5 LAST\r\nhello"
        . "DATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n";
}
$message = "From: a@example.com\r\nTo: b@example.com\r\nSubject: too big\r\n\r\n$payload\r\n";
$file = tempnam(sys_get_temp_dir(), 'exim');
file_put_contents($file, $message);

foreach (['BDAT' => true, 'DATA' => false] as $via => $chunking) {
    $mark = exim_mark();
    $smtp = exim_client(['chunking' => $chunking]);
    // a pipe: the size is not known in advance (cat may find it closed early: not an error here)
    $pipe = popen('cat ' . escapeshellarg($file) . ' 2>/dev/null', 'r');
    try {
        $smtp->send($pipe, 'a@example.com', ['b@example.com']);
        echo "$via: sent?!\n";
    } catch (Smtp\Exception $e) {
        echo "$via: ", get_class($e), ', mentions SIZE: ', str_contains($e->getMessage(), (string)$env['size_limit']) ? 'yes' : 'no', "\n";
    }
    pclose($pipe);
    // the same object goes on: a small message is delivered
    $r = $smtp->send("From: a@example.com\r\nTo: b@example.com\r\nSubject: small after big\r\n\r\nhi\r\n", 'a@example.com', ['b@example.com']);
    echo "$via: small one accepted: ", str_starts_with($r->reply, '250') ? 'yes' : 'no', "\n";
    $smtp->quit();

    $got = exim_delivered(1);
    $log = exim_log_since($mark);
    echo "$via: delivered: ", count($got), ', subjects: ', implode(',', array_map(fn($m) => preg_match('/^Subject: (.*)$/m', $m, $x) ? trim($x[1]) : '?', $got)), "\n";
    // Exim logs "message too big: read=N" when a client sends past the limit, "<= sender" for each
    // message it takes, and "=> recipient" for each delivery
    echo "$via: Exim saw more than SIZE: ", str_contains($log, 'message too big') ? 'yes' : 'no', "\n";
    echo "$via: smuggled commands run: ", preg_match('/ <= smuggler@| => victim\d| R=.* victim\d/', $log) ? 'yes' : 'no', "\n";
}
unlink($file);
?>
--EXPECT--
BDAT: Smtp\ResponseException, mentions SIZE: yes
BDAT: small one accepted: yes
BDAT: delivered: 1, subjects: small after big
BDAT: Exim saw more than SIZE: no
BDAT: smuggled commands run: no
DATA: Smtp\ResponseException, mentions SIZE: yes
DATA: small one accepted: yes
DATA: delivered: 1, subjects: small after big
DATA: Exim saw more than SIZE: no
DATA: smuggled commands run: no
