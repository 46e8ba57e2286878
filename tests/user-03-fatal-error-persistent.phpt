--TEST--
User code during a send: a fatal error in the logger mid-DATA ends the request without delivering; the next request never reuses the persistent connection in that state
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
// the fatal error is a memory_limit one, which the system allocator valgrind runs with does not enforce
if (getenv('USE_ZEND_ALLOC') === '0') die('skip no memory_limit under valgrind (USE_ZEND_ALLOC=0)');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// two connections at most: the one the fatal error interrupted, and a fresh one for the next request
$srv = fake_start(['conns' => [[['auto' => ['ehlo' => ['PIPELINING', '8BITMIME']]]],
    [['auto' => ['ehlo' => ['PIPELINING', '8BITMIME'], 'queue_id' => 'SECOND']]]], 'time_limit' => 30]);

$dir = fake_tmpdir();
$router = $dir . DIRECTORY_SEPARATOR . 'router.php';
file_put_contents($router, '<?php
$fatal = !empty($_GET["fatal"]);
$smtp = new Smtp("127.0.0.1", ' . $srv->port . ', ["tls" => Smtp::TLS_NONE, "helo" => "client.example",
    "timeout" => ' . 10 * fake_slowdown() . ', "command_timeout" => 20, "persistent" => true,
    "logger" => function (string $line) use ($fatal) {
        if ($fatal && str_starts_with($line, "S: 354")) {
            ini_set("memory_limit", "16M");
            $x = str_repeat("x", 64 << 20);   // Allowed memory size exhausted: a fatal error, no exception
        }
    }]);
$r = $smtp->send((new Smtp\Message)->from("me@example.com")->to("you@example.net")->subject("request " . $_GET["n"])->text("x\n"));
echo $r->queueId, "\n";
');

$probe = stream_socket_server('tcp://127.0.0.1:0');
$name = stream_socket_get_name($probe, false);
$port = (int)substr($name, strrpos($name, ':') + 1);
fclose($probe);
$cmd = [PHP_BINARY];
exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg("echo extension_loaded('smtp') ? 1 : 0;"), $out);
if (($out[0] ?? '0') !== '1') {
    $cmd[] = '-d';
    $cmd[] = 'extension=' . dirname(__DIR__) . DIRECTORY_SEPARATOR . 'modules' . DIRECTORY_SEPARATOR
        . (PHP_OS_FAMILY === 'Windows' ? 'php_smtp.dll' : 'smtp.so');
}
array_push($cmd, '-d', 'display_errors=0', '-d', 'log_errors=1', '-S', "127.0.0.1:$port", $router);
$web = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.out', 'w'],
    2 => ['file', $dir . DIRECTORY_SEPARATOR . 'web.err', 'w']], $pipes);
for ($i = 0; $i < 300 && !($s = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1)); $i++) {
    usleep(100000);
}
if ($s) {
    fclose($s);
}
$ctx = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 60]]);
$b1 = @file_get_contents("http://127.0.0.1:$port/?n=1&fatal=1", false, $ctx);
echo "request 1 answered a queue id: ", preg_match('/^[A-Z0-9]+$/m', (string)$b1) ? 'yes' : 'no', "\n";
$b2 = @file_get_contents("http://127.0.0.1:$port/?n=2", false, $ctx);
echo "request 2: ", trim((string)$b2), "\n";
proc_terminate($web);
proc_close($web);
$t = fake_wait($srv);
echo 'delivered: ', implode(', ', array_map(fn($m) => fake_header(fake_parse($m['data']), 'Subject'), $t['messages'])), "\n";
echo 'connections: ', count($t['conns']), "\n";
$err = (string)@file_get_contents($dir . DIRECTORY_SEPARATOR . 'web.err');
echo 'the fatal error happened: ', str_contains($err, 'Allowed memory size') ? 'yes' : 'no', "\n";
print_r($t['errors']);
fake_rmdir($dir);
?>
--EXPECT--
request 1 answered a queue id: no
request 2: SECOND
delivered: request 2
connections: 2
the fatal error happened: yes
Array
(
)
