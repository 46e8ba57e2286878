--TEST--
send() of an iterable: exit() in the generator mid-message ends the request without delivering the message (no final dot), and nothing is thrown over the exit
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto(['ehlo' => ['PIPELINING', '8BITMIME']]);
register_shutdown_function(function () use (&$smtp, $srv) {
    echo "after exit(): connected: ", var_export($smtp->isConnected(), true), "\n";
    $smtp = null;
    $t = fake_wait($srv);
    echo 'delivered: ', count($t['messages']), '; DATA started: ', var_export(str_contains($t['raw'], "\r\nDATA\r\n"), true),
        '; the server saw the end of data: ', var_export(str_contains($t['raw'], "\r\n.\r\n"), true), "\n";
});
$smtp = fake_client($srv);
try {
    $smtp->send((function () {
        yield "From: a@example.com\r\nSubject: s\r\n\r\n";
        yield str_repeat("body line\r\n", 10000);
        exit("exit in the generator\n");
    })(), 'a@example.com', 'b@example.com');
} catch (Throwable $e) {
    echo 'caught ', get_class($e), "\n";
}
echo "not reached\n";
?>
--EXPECT--
exit in the generator
after exit(): connected: false
delivered: 0; DATA started: true; the server saw the end of data: false
