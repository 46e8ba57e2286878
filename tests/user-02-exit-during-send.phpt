--TEST--
User code during a send: exit() in the logger before the end of data ends the request without delivering the message, and the kept (persistent) connection is closed rather than left in the middle of a transaction
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

foreach (['DATA' => ['PIPELINING'], 'BDAT' => ['PIPELINING', 'CHUNKING']] as $name => $ehlo) {
    $srv[$name] = fake_auto(['ehlo' => $ehlo]);
}
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("body\n");

// BDAT first: its exit() comes from a send of its own, not the one the request ends in
$smtp = fake_client($srv['BDAT'], ['persistent' => 'p1', 'logger' => function (string $l) {
    if (str_starts_with($l, 'C: BDAT')) {
        throw new RuntimeException('stop');
    }
}]);
$e = fake_catch(fn() => $smtp->send($msg));
echo 'BDAT: ', get_class($e), ' <- ', get_class($e->getPrevious()), '; connected: ', var_export($smtp->isConnected(), true), "\n";
fake_done($smtp);
echo 'BDAT delivered: ', count(fake_wait($srv['BDAT'])['messages']), "\n";

register_shutdown_function(function () use (&$smtp, $srv) {
    echo "after exit(): connected: ", var_export($smtp->isConnected(), true), "\n";
    $smtp = null;
    $t = fake_wait($srv['DATA']);
    echo 'DATA delivered: ', count($t['messages']), '; the server saw the end of data: ',
        var_export(str_contains($t['raw'], "\r\n.\r\n"), true), "\n";
});
$smtp = fake_client($srv['DATA'], ['persistent' => 'p2', 'logger' => function (string $l) {
    if ($l === 'C: .') {
        exit();
    }
}]);
$smtp->send($msg);
echo "not reached\n";
?>
--EXPECT--
BDAT: Smtp\ConnectionException <- RuntimeException; connected: false
BDAT delivered: 0
after exit(): connected: false
DATA delivered: 0; the server saw the end of data: false
