<?php
/*
 * exit() inside user code the extension calls (user-03-exit-in-callbacks.phpt): run by the CLI with the
 * case as argument, or requested from PHP's built-in web server with ?case=. Prints what happened; after
 * exit() only the shutdown function may print.
 */
declare(strict_types=1);

require __DIR__ . '/helpers.inc';

$case = $_GET['case'] ?? $argv[1] ?? '';
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING'], 'auth' => ['user' => 'u', 'password' => 'p']]);
$smtp = null;
register_shutdown_function(function () use ($srv) {
    $GLOBALS['smtp'] = null;
    $t = fake_wait($srv, 10);
    echo "shutdown: ", count($t['messages']), " delivered\n";
});
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("body\n");
$exitIn = function (string $where): void {
    echo "exit() in $where\n";
    exit();
};
echo "case $case\n";
switch ($case) {
    case 'sendBatch logger':
    case 'sendBatch logger, 2 connections':
        $smtp = fake_client($srv, ['logger' => function (string $l) use ($exitIn) {
            if (str_starts_with($l, 'C: MAIL')) {
                $exitIn('the logger');
            }
        }]);
        $r = $smtp->sendBatch([$msg, $msg, $msg], ['connections' => str_contains($case, '2') ? 2 : 1]);
        echo 'not reached: ', implode(', ', array_map('get_debug_type', $r)), "\n";
        break;
    case 'send() logger at the greeting, two hosts':
        $smtp = new Smtp([['127.0.0.1', $srv->port], ['127.0.0.1', $srv->port]], 0, ['tls' => Smtp::TLS_NONE,
            'timeout' => 5, 'logger' => function (string $l) use ($exitIn) {
                if (str_starts_with($l, 'S: 220')) {
                    $exitIn('the logger');
                }
            }]);
        $smtp->send($msg);
        echo "not reached\n";
        break;
    case 'password callable':
        $smtp = fake_client($srv, ['username' => 'u', 'allow_plaintext_auth' => true,
            'password' => fn() => $exitIn('the password callable')]);
        $smtp->send($msg);
        echo "not reached\n";
        break;
    case 'smtp.password_provider':
        function exit_provider(): string
        {
            echo "exit() in smtp.password_provider\n";
            exit();
        }
        ini_set('smtp.host', '127.0.0.1');
        ini_set('smtp.port', (string)$srv->port);
        ini_set('smtp.tls', 'none');
        ini_set('smtp.username', 'u');
        ini_set('smtp.password_provider', 'exit_provider');
        ini_set('smtp.from', 'a@example.com');
        var_dump(smtp_mail('b@example.com', 's', "body\n"));
        echo "not reached\n";
        break;
}
echo "end of script\n";
