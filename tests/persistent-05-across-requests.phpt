--TEST--
persistent: the connection (with its STARTTLS) is kept across real requests of one PHP process (the built-in web server runs each request separately); quit() in one request ends it
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
if (!is_file(dirname(__DIR__) . '/modules/' . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so'))) {
    exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg("echo extension_loaded('smtp') ? 1 : 0;"), $out);
    if (($out[0] ?? '0') !== '1') die('skip the extension is neither built in modules/ nor loaded by php.ini');
}
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$srv = fake_start(['conns' => [[['auto' => ['starttls' => true]]], [['auto' => ['starttls' => true, 'queue_id' => 'SECOND']]]],
    'tls' => $cert, 'time_limit' => 30]);

$dir = fake_tmpdir();
$router = $dir . DIRECTORY_SEPARATOR . 'router.php';
file_put_contents($router, '<?php
$smtp = new Smtp("127.0.0.1", ' . $srv->port . ', [
    "tls" => Smtp::TLS_STARTTLS,
    "context" => ["ssl" => ["cafile" => ' . var_export($cert['ca'], true) . ', "peer_name" => "localhost"]],
    "helo" => "client.example", "timeout" => ' . 10 * fake_slowdown() . ', "command_timeout" => 20, "persistent" => true,
]);
$r = $smtp->send((new Smtp\Message)->from("me@example.com")->to("you@example.net")->subject("request " . $_GET["n"])->text("x\n"));
echo $r->queueId, "\n";
if (!empty($_GET["quit"])) {
    $smtp->quit();
}
');

// a free port for the web server
$probe = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($probe, false);
$port = (int)substr($name, strrpos($name, ':') + 1);
fclose($probe);

// the web server: this PHP, with this build of the extension unless its php.ini loads one
$cmd = [PHP_BINARY];
exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg("echo extension_loaded('smtp') ? 1 : 0;"), $out);
if (($out[0] ?? '0') !== '1') {
    $cmd[] = '-d';
    $cmd[] = 'extension=' . dirname(__DIR__) . DIRECTORY_SEPARATOR . 'modules' . DIRECTORY_SEPARATOR
        . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so');
}
array_push($cmd, '-S', "127.0.0.1:$port", $router);
$web = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.out', 'w'],
    2 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.err', 'w']], $pipes);
for ($i = 0; $i < 300 && !($s = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1)); $i++) {
    usleep(100000);
}
if ($s) {
    fclose($s);
}
for ($n = 1; $n <= 4; $n++) {
    $body = @file_get_contents("http://127.0.0.1:$port/?n=$n" . ($n === 3 ? '&quit=1' : ''));
    echo "request $n: ", $body === false ? 'failed' : trim($body), "\n";
}
proc_terminate($web);
proc_close($web);
$t = fake_wait($srv);
foreach ($t['conns'] as $n => $raw) {
    preg_match_all('/^(EHLO|STARTTLS|MAIL|RSET|QUIT)/m', $raw, $m);
    echo "connection $n: ", implode(' ', $m[1]), "\n";
}
echo 'TLS handshakes: ', $t['tls'], ', every message over TLS: ', count(array_filter($t['messages'], fn($m) => $m['tls'])), "\n";
print_r($t['errors']);
$err = (string)@file_get_contents($dir . DIRECTORY_SEPARATOR . 'web.err');
echo preg_match('/(Fatal|Warning|Notice|Deprecated|Uncaught)/', $err) ? "web server errors:\n$err" : "no web server errors\n";
fake_rmdir($dir);
?>
--EXPECT--
request 1: ABC123
request 2: ABC123N2
request 3: ABC123N3
request 4: SECOND
connection 1: EHLO STARTTLS EHLO MAIL RSET MAIL RSET MAIL QUIT
connection 2: EHLO STARTTLS EHLO MAIL
TLS handshakes: 2, every message over TLS: 4
Array
(
)
no web server errors
