--TEST--
mail() parity: the corpus of mail() calls gives the same outcome through PHP's own mail() (sendmail_path = a capture script) and through smtp.override_mail (a real server, aiosmtpd), and the messages read the same
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (PHP_OS_FAMILY === 'Windows') die('skip sendmail_path is a Unix mail() setting');
require __DIR__ . '/fake/helpers.inc';
// Under CI a missing real server is a failure, not a skip.
if (getenv('CI') !== 'true' && fake_python(['aiosmtpd']) === null) die('skip python3 with aiosmtpd not available');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/fake/phpini.inc';

$dir = __DIR__ . DIRECTORY_SEPARATOR . 'mail-parity';
$real = __DIR__ . DIRECTORY_SEPARATOR . 'real';
// under valgrind (run-tests -m) the PHP children run traced, much slower
$limit = getenv('USE_ZEND_ALLOC') === '0' ? 1800 : 120;
$py = fake_python(['aiosmtpd']) ?? throw new RuntimeException('python3 with aiosmtpd is required (CI=true)');
$work = fake_tmpdir();
mkdir("$work/capture");

// 1. PHP's own mail(), sendmail_path pointing at the capture script
$r = phpini_run(
    "sendmail_path = \"$py $real/parity_capture.py\"\nmail.add_x_header = On\n",
    "$dir/run.php", ["$work/capture.json"], ['PARITY_CAPTURE_DIR' => "$work/capture"], $limit);
echo "mail(): ", trim($r['stdout']), "\n";
if (!str_ends_with(trim($r['stdout']), 'cases')) {
    echo $r['stderr'], "\n";
}

// 2. the override, configured as php.ini users write it (unquoted none, a display name in smtp.from)
$srv = real_aiosmtpd_start(1000, $limit);
$r = phpini_run(<<<INI
    smtp.override_mail = 1
    smtp.host = 127.0.0.1
    smtp.port = {$srv['port']}
    smtp.tls = none
    smtp.timeout = 10
    smtp.from = "Web Site <web@example.com>"
    mail.add_x_header = On
    INI, "$dir/run.php", ["$work/override.json"], [], $limit);
echo "override: ", trim($r['stdout']), "\n";
if ($r['stderr'] !== '') {
    echo $r['stderr'], "\n";
}

// 3. outcomes and messages compared by Python's email package
$cases = count(require "$dir/corpus.php");
var_dump($cases >= 60);
$p = proc_open([$py, "$real/parity_compare.py", "$work/capture.json", "$work/capture", "$work/override.json", $srv['dir'],
    'Web Site <web@example.com>'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$out = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
echo proc_close($p) === 0 ? "all match\n" : $out . $err;
echo substr($out, strrpos(rtrim($out), "\n") === false ? 0 : strrpos(rtrim($out), "\n") + 1);

// a refused call is a warning, never an uncaught exception other than mail()'s own
$o = json_decode(file_get_contents("$work/override.json"), true);
$kinds = array_count_values(array_column($o, 'result'));
ksort($kinds);
print_r($kinds);
real_stop($srv);
fake_rmdir($work);
?>
--EXPECTF--
mail(): %d cases
override: %d cases
bool(true)
all match
%d cases, %d match, 0 differ
Array
(
    [TypeError] => 3
    [ValueError] => 6
    [false] => 5
    [true] => %d
)
