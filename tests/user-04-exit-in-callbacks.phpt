--TEST--
User code during a send: exit() in the logger of sendBatch() (one connection or several), in the logger of send() while it connects to the first of several hosts, and in a password callable (option "password", INI smtp.password_provider with smtp_mail()) ends the request at once, as in send(): no UnwindExit in the results, no AuthenticationException or warning, nothing after exit() runs but the shutdown functions, nothing is delivered; the same under the CLI and PHP's built-in web server, whose response is complete
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!function_exists('proc_open')) die('skip proc_open() is needed');
?>
--FILE--
<?php
declare(strict_types=1);

require __DIR__ . '/fake/phpini.inc';
require __DIR__ . '/fake/webserver.inc';

$script = __DIR__ . '/fake/exit-callbacks.php';
$cases = ['sendBatch logger', 'sendBatch logger, 2 connections', 'send() logger at the greeting, two hosts',
    'password callable', 'smtp.password_provider'];

echo "-- CLI\n";
foreach ($cases as $case) {
    $r = phpini_run('', $script, [$case]);
    echo trim($r['stdout'] . $r['stderr']), "\n   exit status ", $r['status'], "\n";
}

echo "-- php -S\n";
$web = web_start($script);
foreach ($cases as $case) {
    $r = web_get($web, '/?case=' . rawurlencode($case));
    echo $r['status'], "\n", trim($r['body']), "\n";
}
$log = web_stop($web);
echo "the server logged a fatal error or a warning: ", preg_match('/Fatal|Warning|Uncaught/', $log) ? "yes\n$log" : 'no', "\n";
?>
--EXPECT--
-- CLI
case sendBatch logger
exit() in the logger
shutdown: 0 delivered
   exit status 0
case sendBatch logger, 2 connections
exit() in the logger
shutdown: 0 delivered
   exit status 0
case send() logger at the greeting, two hosts
exit() in the logger
shutdown: 0 delivered
   exit status 0
case password callable
exit() in the password callable
shutdown: 0 delivered
   exit status 0
case smtp.password_provider
exit() in smtp.password_provider
shutdown: 0 delivered
   exit status 0
-- php -S
HTTP/1.1 200 OK
case sendBatch logger
exit() in the logger
shutdown: 0 delivered
HTTP/1.1 200 OK
case sendBatch logger, 2 connections
exit() in the logger
shutdown: 0 delivered
HTTP/1.1 200 OK
case send() logger at the greeting, two hosts
exit() in the logger
shutdown: 0 delivered
HTTP/1.1 200 OK
case password callable
exit() in the password callable
shutdown: 0 delivered
HTTP/1.1 200 OK
case smtp.password_provider
exit() in smtp.password_provider
shutdown: 0 delivered
the server logged a fatal error or a warning: no
