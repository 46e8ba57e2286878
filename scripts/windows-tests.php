<?php
/*
 * windows-tests.php - which PHPT tests run on Windows: every test whose --SKIPIF-- does not skip there.
 * A test skips on Windows when its SKIPIF tests PHP_OS_FAMILY === 'Windows', or calls one of the
 * helpers that do (pf_skipif(), exim_skipif(), dkim_skipif()). Read from the files, not run.
 *
 *   php scripts/windows-tests.php          the names of the tests that run on Windows, one a line
 *   php scripts/windows-tests.php --count  "N of M tests run on Windows"
 */
declare(strict_types=1);

$dir = dirname(__DIR__) . DIRECTORY_SEPARATOR . 'tests';
$helpers = ['pf_skipif', 'exim_skipif', 'dkim_skipif'];
$runs = [];
$all = glob($dir . DIRECTORY_SEPARATOR . '*.phpt') ?: [];
foreach ($all as $file) {
    $text = (string)file_get_contents($file);
    $skipif = preg_match('/^--SKIPIF--\R(.*?)^--[A-Z_]+--/ms', $text, $m) ? $m[1] : '';
    $skips = preg_match("/PHP_OS_FAMILY\s*===\s*'Windows'\)\s*die\(\s*'skip/", $skipif) === 1;
    foreach ($helpers as $h) {
        $skips = $skips || str_contains($skipif, $h . '(');
    }
    if (!$skips) {
        $runs[] = basename($file, '.phpt');
    }
}
if (($argv[1] ?? '') === '--count') {
    printf("%d of %d tests run on Windows\n", count($runs), count($all));
} else {
    echo implode("\n", $runs), "\n";
}
