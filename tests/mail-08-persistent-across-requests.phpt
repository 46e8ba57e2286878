--TEST--
smtp.persistent = On (unquoted in php.ini): mail()'s connection is kept across the requests of a PHP process (the built-in web server), checked with RSET before reuse; a connection the server closed while idle is replaced; smtp.persistent off: QUIT at the end of the request; smtp_mail_quit() ends a kept one
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!is_file(dirname(__DIR__) . '/modules/' . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so'))) {
    exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg('echo extension_loaded("smtp") ? 1 : 0;'), $out);
    if (($out[0] ?? '0') !== '1') die('skip the extension is neither built in modules/ nor loaded by php.ini');
}
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/fake/phpini.inc';

$idle_ms = (int)(2000 * fake_slowdown());
// the server closes a connection idle for $idle_ms; a second server for the request with smtp.persistent off
$srv = fake_start(['conns' => [[['auto' => ['timeout_ms' => $idle_ms]]], [['auto' => []]]], 'time_limit' => 60 * fake_slowdown()]);
$other = fake_auto([], ['time_limit' => 60 * fake_slowdown()]);

$dir = fake_tmpdir();
$router = $dir . DIRECTORY_SEPARATOR . 'router.php';
file_put_contents($router, <<<'PHP'
    <?php
    if (!empty($_GET['off'])) {
        ini_set('smtp.persistent', '0');
        ini_set('smtp.port', $_GET['off']);
    }
    for ($i = 1; $i <= (int)$_GET['n']; $i++) {
        echo json_encode(mail("to$i@example.com", "request " . $_GET['r'], "body\n")), ' ';
    }
    if (!empty($_GET['quit'])) {
        smtp_mail_quit();
    }
    PHP);
$ini = phpini_file("smtp.persistent = On\nsmtp.override_mail = 1\nsmtp.host = 127.0.0.1\nsmtp.port = {$srv->port}\n"
    . "smtp.tls = none\nsmtp.helo = client.example\nsmtp.from = sender@example.com\nsmtp.timeout = " . 10 * fake_slowdown() . "\n");

$probe = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($probe, false);
$port = (int)substr($name, strrpos($name, ':') + 1);
fclose($probe);
$env = getenv();
$env['PHP_INI_SCAN_DIR'] = '';
unset($env['PHPRC']);
$web = proc_open([getenv('TEST_PHP_EXECUTABLE') ?: PHP_BINARY, '-c', $ini, '-S', "127.0.0.1:$port", $router],
    [0 => ['pipe', 'r'], 1 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.out', 'w'],
    2 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.err', 'w']], $pipes, null, $env);
for ($i = 0; $i < 300 && !($s = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1)); $i++) {
    usleep(100000);
}
if ($s) {
    fclose($s);
}
$get = function (string $query) use ($port): string {
    $body = @file_get_contents("http://127.0.0.1:$port/?$query");
    return $body === false ? 'failed' : trim($body);
};
echo "request 1 (two messages): ", $get('r=1&n=2'), "\n";
echo "request 2: ", $get('r=2&n=1'), "\n";
echo "request 3 (smtp.persistent off, the other server): ", $get('r=3&n=2&off=' . $other->port), "\n";
usleep(($idle_ms + 1500) * 1000); // the first server closes the idle connection meanwhile
echo "request 4 (after the server closed it): ", $get('r=4&n=1'), "\n";
echo "request 5 (smtp_mail_quit()): ", $get('r=5&n=1&quit=1'), "\n";
proc_terminate($web);
proc_close($web);
unlink($ini);

foreach (['kept' => fake_wait($srv), 'off' => fake_wait($other)] as $what => $t) {
    foreach ($t['conns'] as $n => $raw) {
        preg_match_all('/^(EHLO|MAIL|RSET|QUIT)/m', $raw, $m);
        echo "$what, connection $n: ", implode(' ', $m[1]), "\n";
    }
    echo "$what: ", count($t['messages']), " messages\n";
    print_r($t['errors']);
}
$err = (string)@file_get_contents($dir . DIRECTORY_SEPARATOR . 'web.err');
echo preg_match('/(Fatal|Warning|Notice|Deprecated|Uncaught)/', $err) ? "web server errors:\n$err" : "no web server errors\n";
fake_rmdir($dir);
?>
--EXPECT--
request 1 (two messages): true true
request 2: true
request 3 (smtp.persistent off, the other server): true true
request 4 (after the server closed it): true
request 5 (smtp_mail_quit()): true
kept, connection 1: EHLO MAIL MAIL RSET MAIL
kept, connection 2: EHLO MAIL RSET MAIL QUIT
kept: 5 messages
Array
(
)
off, connection 1: EHLO MAIL MAIL QUIT
off: 2 messages
Array
(
)
no web server errors
