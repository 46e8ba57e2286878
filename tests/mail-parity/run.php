<?php
/*
 * Calls mail() with each case of corpus.php and writes the outcomes as JSON to argv[1]:
 * {case: {result: "true" | "false" | exception class, warnings: [...], seq: n-th accepted message}}.
 * Run once with sendmail_path = ../real/parity_capture.py and once with smtp.override_mail = 1 (see mail-03-parity.phpt).
 * The case name is in the environment (PARITY_CASE) for the capture script.
 */
$cases = require __DIR__ . '/corpus.php';
$out = [];
$seq = 0;
foreach ($cases as $name => $c) {
    $warnings = [];
    set_error_handler(function (int $no, string $msg) use (&$warnings) {
        $warnings[] = $msg;
        return true;
    });
    putenv('PARITY_CASE=' . $name);
    try {
        $r = mail($c[0], $c[1], $c[2], $c[3] ?? [], $c[4] ?? '');
        $result = $r ? 'true' : 'false';
        if ($r) {
            $seq++;
        }
    } catch (Throwable $e) {
        $result = get_class($e);
        $warnings[] = $e->getMessage();
    }
    restore_error_handler();
    $out[$name] = ['result' => $result, 'warnings' => $warnings, 'seq' => $result === 'true' ? $seq : 0];
}
file_put_contents($argv[1], json_encode($out, JSON_PRETTY_PRINT | JSON_INVALID_UTF8_SUBSTITUTE));
echo count($out), " cases\n";
