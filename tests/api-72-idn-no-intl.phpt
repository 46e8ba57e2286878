--TEST--
IDN without ext/intl (a child PHP run with -n): a non-ASCII domain and no SMTPUTF8 gives an Smtp\Exception naming intl, no MAIL; ASCII mail and SMTPUTF8 servers still work
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!function_exists('proc_open')) die('skip proc_open not available');
if (PHP_OS_FAMILY === 'Windows' && !is_file(ini_get('extension_dir') . '/php_smtp.dll')
    && !is_file(__DIR__ . '/../modules/php_smtp.dll')) {
    die('skip php_smtp.dll is neither in extension_dir nor in modules/ (the child PHP loads it by path)');
}
if (trim((string)shell_exec(escapeshellarg(PHP_BINARY) . ' -n -r "echo (int)function_exists(\'idn_to_ascii\');"')) !== '0') {
    die('skip intl is built into this PHP (php -n has it)');
}
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

/* The smtp.so this process loaded (run-tests gives its path with -d extension=...). */
function loaded_smtp_so(): ?string
{
    foreach (@file('/proc/self/maps', FILE_IGNORE_NEW_LINES) ?: [] as $l) {
        if (preg_match('~\s(/\S*/smtp\.so)$~', $l, $m) && is_file($m[1])) {
            return $m[1];
        }
    }
    $name = PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so';
    foreach ([__DIR__ . '/../modules/' . $name, ini_get('extension_dir') . '/' . $name] as $p) {
        if (is_file($p)) {
            return realpath($p);
        }
    }
    return null;
}

$so = loaded_smtp_so();
if ($so === null) {
    die("cannot find the smtp module file\n");
}

$child = <<<'PHP'
<?php
[$port, $ehlo] = [(int)$argv[1], $argv[2]];
echo 'intl: ', extension_loaded('intl') ? 'loaded' : 'not loaded', "\n";
$smtp = new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5,
    'command_timeout' => 10, 'data_timeout' => 10]);
$tries = [
    'envelope domain' => fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', ['b@bücher.example']),
    'header domain' => fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')
        ->replyTo('r@bücher.example')->subject('s')->text("t\n")),
    'sender domain' => fn() => $smtp->send((new Smtp\Message)->from('a@bücher.example')->to('b@example.com')->text("t\n")),
    'ascii' => fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', ['b@example.com']),
];
foreach ($tries as $label => $fn) {
    try {
        $r = $fn();
        echo "$label: sent to ", implode(',', $r->accepted), "\n";
    } catch (Throwable $e) {
        echo "$label: ", get_class($e), ' code=', $e->getCode(),
            ' intl=', str_contains($e->getMessage(), 'intl') ? 'yes' : 'no', ' | ', $e->getMessage(), "\n";
    }
}
try {
    $smtp->quit();
} catch (Throwable $e) {
}
PHP;
$script = sys_get_temp_dir() . '/php-smtp-072-' . getmypid() . '.php';
file_put_contents($script, $child);
register_shutdown_function(fn() => @unlink($script));

function run_child(string $so, string $script, int $port, string $ehlo): string
{
    $p = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $so, '-d', 'pcre.jit=0', '-d', 'display_errors=1',
        $script, (string)$port, $ehlo], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($p);
    return $out;
}

foreach (['no SMTPUTF8' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME'],
          'SMTPUTF8' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8']] as $label => $ehlo) {
    echo "-- $label\n";
    $srv = fake_auto(['ehlo' => $ehlo]);
    $out = run_child($so, $script, $srv->port, $label);
    $t = fake_wait($srv);
    // the messages differ; what matters: the class, the code, that intl is named
    echo preg_replace('/ \| .*/', '', $out);
    echo json_encode(array_values(array_filter(fake_lines($t), fn($l) => preg_match('/^(MAIL|RCPT)/', $l))),
        JSON_UNESCAPED_UNICODE), "\n";
    echo count($t['messages']), " message(s)\n";
}
@unlink($script);
?>
--EXPECT--
-- no SMTPUTF8
intl: not loaded
envelope domain: Smtp\Exception code=0 intl=yes
header domain: Smtp\Exception code=0 intl=yes
sender domain: Smtp\Exception code=0 intl=yes
ascii: sent to b@example.com
["MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>"]
1 message(s)
-- SMTPUTF8
intl: not loaded
envelope domain: sent to b@bücher.example
header domain: sent to b@example.com
sender domain: sent to b@example.com
ascii: sent to b@example.com
["MAIL FROM:<a@example.com> SMTPUTF8","RCPT TO:<b@bücher.example>","MAIL FROM:<a@example.com> SMTPUTF8","RCPT TO:<b@example.com>","MAIL FROM:<a@bücher.example> SMTPUTF8","RCPT TO:<b@example.com>","MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>"]
4 message(s)
