--TEST--
Secrets never in traces: every exception a bad constructor or login() call raises has no credential in getTrace() arguments or getTraceAsString() ($options and $password are sensitive parameters)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

const SECRET = 'S3cr3t-Pa55w0rd';

function leaks(Throwable $e): array
{
    $found = [];
    for ($x = $e; $x; $x = $x->getPrevious()) {
        if (str_contains(var_export($x->getTrace(), true), SECRET)) {
            $found[] = get_class($x) . ' getTrace()';
        }
        if (str_contains($x->getTraceAsString(), SECRET) || str_contains($x->getMessage(), SECRET)
            || str_contains((string)$x, SECRET)) {
            $found[] = get_class($x) . ' as string';
        }
    }
    return $found;
}

$calls = [
    'bad timeout' => fn() => new Smtp('localhost', 25, ['username' => 'u', 'password' => SECRET, 'timeout' => -1]),
    'unknown option' => fn() => new Smtp('localhost', 25, ['password' => SECRET, 'username' => 'u', 'pasword' => SECRET]),
    'option type' => fn() => new Smtp('localhost', 25, ['password' => SECRET, 'username' => 'u', 'tls' => 'yes']),
    'lone password' => fn() => new Smtp('localhost', 25, ['password' => SECRET]),
    'host with a port' => fn() => new Smtp('localhost:2525', 0, ['username' => 'u', 'password' => SECRET]),
    'bad logger' => fn() => new Smtp('localhost', 25, ['username' => 'u', 'password' => SECRET, 'logger' => 'nope']),
    'password type' => fn() => new Smtp('localhost', 25, ['username' => 'u', 'password' => [SECRET]]),
    'login bad mechanism' => fn() => (new Smtp('localhost'))->login('u', SECRET, 'NOPE'),
    'login CR in user' => fn() => (new Smtp('localhost'))->login("u\r\n", SECRET),
    'login type' => fn() => (new Smtp('localhost'))->login('u', SECRET, []),
];
$port = (function () {
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $n = stream_socket_get_name($s, false);
    fclose($s);
    return (int)substr($n, strrpos($n, ':') + 1);
})();
$calls['login, nothing listening'] = fn() => (new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE, 'timeout' => 2]))
    ->login('u', SECRET);
$calls['connect, nothing listening'] = fn() => (new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE, 'timeout' => 2,
    'username' => 'u', 'password' => SECRET, 'allow_plaintext_auth' => true]))->connect();
$srv = fake_auto(['auth' => ['user' => 'u', 'password' => 'other']]);
$calls['AUTH refused'] = fn() => fake_client($srv, ['username' => 'u', 'password' => SECRET, 'allow_plaintext_auth' => true])
    ->send("Subject: x\r\n\r\nx\r\n", 'a@example.com', 'b@example.com');
foreach ($calls as $name => $call) {
    $e = fake_catch($call);
    $l = $e ? leaks($e) : ['no exception'];
    printf("%-27s %-38s %s\n", $name, $e ? get_class($e) : '-', $l ? 'LEAK: ' . implode(', ', $l) : 'clean');
}
fake_wait($srv);
// what a trace shows instead
$e = fake_catch($calls['bad timeout']);
echo $e->getTrace()[0]['args'][2] instanceof SensitiveParameterValue ? "options shown as SensitiveParameterValue\n" : "options in clear\n";
?>
--EXPECT--
bad timeout                 ValueError                             clean
unknown option              ValueError                             clean
option type                 TypeError                              clean
lone password               ValueError                             clean
host with a port            ValueError                             clean
bad logger                  TypeError                              clean
password type               TypeError                              clean
login bad mechanism         ValueError                             clean
login CR in user            ValueError                             clean
login type                  TypeError                              clean
login, nothing listening    Smtp\ConnectionException               clean
connect, nothing listening  Smtp\ConnectionException               clean
AUTH refused                Smtp\AuthenticationException           clean
options shown as SensitiveParameterValue
