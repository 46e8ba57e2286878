--TEST--
Result::$host names the server that accepted the message: the host that answered after a refused one, and each result of a batch
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$base = ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5, 'command_timeout' => 5];
$msg = fn(int $i) => (new Smtp\Message)->from('a@example.com')->to("b$i@example.com")->subject("s$i")->text('t');

$s = stream_socket_server('tcp://127.0.0.1:0');
$refused = (int)substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
fclose($s);

$good = fake_auto();
$smtp = new Smtp([['127.0.0.1', $refused], ['127.0.0.1', $good->port]], 0, $base);
$r = $smtp->send($msg(0));
var_dump($r->host === "127.0.0.1:{$good->port}", $r->host === $smtp->getHost());
$results = $smtp->sendBatch([$msg(1), $msg(2), $msg(3)]);
foreach ($results as $i => $res) {
    echo $i, ': ', $res instanceof Smtp\Result && $res->host === "127.0.0.1:{$good->port}" ? 'the second host' : fake_describe($res), "\n";
}
fake_done($smtp);
echo 'messages: ', count(fake_wait($good)['messages']), "\n";

// read-only, like the other properties
try {
    $r->host = 'x';
} catch (Error $e) {
    echo get_class($e), "\n";
}
?>
--EXPECT--
bool(true)
bool(true)
0: the second host
1: the second host
2: the second host
messages: 4
Error
