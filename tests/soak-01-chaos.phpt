--TEST--
Soak (bounded): 1,500 messages with send() and 1,500 with sendBatch() through a kept connection to a server that randomly drops, answers 421 and stalls; nothing delivered twice, nothing reported sent is lost, no failure reported for a delivered message unless its outcome was unknown (bench/soak.php runs the full 100,000)
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!is_file(dirname(__DIR__) . '/modules/' . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so'))) {
    exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg("echo extension_loaded('smtp') ? 1 : 0;"), $out);
    if (($out[0] ?? '0') !== '1') die('skip the extension is neither built in modules/ nor loaded by php.ini');
}
?>
--FILE--
<?php
// the child: this PHP, with this build of the extension unless its php.ini loads one
$php = escapeshellarg(PHP_BINARY);
exec($php . ' -r ' . escapeshellarg("echo extension_loaded('smtp') ? 1 : 0;"), $loaded);
if (($loaded[0] ?? '0') !== '1') {
    $php .= ' -d extension=' . escapeshellarg(dirname(__DIR__) . DIRECTORY_SEPARATOR . 'modules' . DIRECTORY_SEPARATOR
        . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so'));
}
foreach (['send', 'batch'] as $mode) {
    $out = [];
    exec($php . ' ' . escapeshellarg(dirname(__DIR__) . '/bench/soak.php') . " 1500 $mode 7 2>&1", $out, $rc);
    $r = json_decode(implode("\n", $out), true);
    if (!is_array($r)) {
        echo "$mode: no report: ", implode("\n", $out), "\n";
        continue;
    }
    printf("%s: all accounted for: %s; twice %d, lost %d, failed but delivered %d; faults injected: %s; exit %d\n",
        $mode, var_export($r['sent'] + $r['failed'] === 1500, true), $r['delivered_twice'], $r['lost'],
        $r['failed_but_delivered'], var_export(array_sum($r['faults']) > 0, true), $rc);
}
?>
--EXPECT--
send: all accounted for: true; twice 0, lost 0, failed but delivered 0; faults injected: true; exit 0
batch: all accounted for: true; twice 0, lost 0, failed but delivered 0; faults injected: true; exit 0
