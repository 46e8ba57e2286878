--TEST--
smtp.password_provider: mail() and smtp_mail() take the password (an OAuth token) from a function or "Class::method", called when connecting and once more when the server answers the token as expired (smtp.auth = XOAUTH2 or OAUTHBEARER); a provider that throws, returns a non-string or does not exist is a warning and false, nothing sent; the name is checked for its spelling only; tokens never shown
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl needed for the test certificates');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/fake/phpini.inc';

const USER = 'user=1@example.com';

/* mail() in a PHP configured by a php.ini file: STARTTLS to the fake server, AUTH with the provider */
function run_mail(FakeServerProc $srv, string $mech, string $provider, string $code): array
{
    $ca = fake_cert('localhost')['ca'];
    $user = USER;
    $r = phpini_run(<<<INI
        smtp.override_mail = 1
        smtp.host = localhost
        smtp.port = {$srv->port}
        smtp.tls = starttls
        smtp.from = sender@example.com
        smtp.helo = client.example
        smtp.username = "$user"
        smtp.auth = $mech
        smtp.password_provider = "$provider"
        openssl.cafile = "$ca"
        INI, $code . ' var_dump(mail("b@example.com", "Hi", "Body\n"));');
    return [$r, fake_wait($srv, 5)];
}

function show(array $r, array $t, array $tokens = ['tok-1', 'tok-2', 'bad-1', 'bad-2']): void
{
    $out = trim(preg_replace('/ in Command line code on line \d+/', '', $r['stdout'] . $r['stderr']));
    $auth = array_map(fn($ev) => $ev['ev'] === 'auth' ? ($ev['ok'] ? 'ok' : 'refused') : null, $t['events']);
    $leaked = false;
    foreach ($tokens as $tok) {
        $leaked = $leaked || str_contains($out, $tok) || str_contains($out, base64_encode($tok));
    }
    printf("%s\n   auth=%s messages=%d bytes=%d leaked=%s\n", $out, json_encode(array_values(array_filter($auth))),
        count($t['messages']), strlen($t['raw']), json_encode($leaked));
}

function server(): FakeServerProc
{
    return fake_auto(['starttls' => true, 'auth' => ['user' => USER, 'password' => 'tok-2', 'mechs' => 'XOAUTH2 OAUTHBEARER', 'required' => true]],
        ['tls' => 'localhost']);
}

$counting = 'function token() { static $n = 0; echo "provider called\n"; return "tok-" . ++$n; }';

echo "-- a function: the first token has expired, a fresh one is asked for and AUTH retried once\n";
foreach (['XOAUTH2', 'OAUTHBEARER'] as $mech) {
    echo "$mech:\n";
    show(...run_mail(server(), $mech, 'token', $counting));
}

echo "-- \"Class::method\", namespaced\n";
show(...run_mail(server(), 'XOAUTH2', 'App\\\\Vault::token',
    'namespace App; class Vault { static function token() { echo "Vault::token\n"; return "tok-2"; } }'));

echo "-- every token refused: two AUTH, then a warning and false\n";
show(...run_mail(server(), 'XOAUTH2', 'bad', 'function bad() { static $n = 0; return "bad-" . ++$n; }'));

echo "-- a provider that throws, returns a non-string, or is not defined: nothing sent, not even a connection\n";
foreach (['function p() { throw new RuntimeException("vault unreachable"); }', 'function p() { return 42; }', ''] as $code) {
    show(...run_mail(server(), 'XOAUTH2', 'p', $code));
}

echo "-- the name is checked when set, for its spelling only\n";
$r = phpini_run("display_startup_errors = 1\nsmtp.password_provider = \"not a name\"\nsmtp.auth = BOGUS\n", <<<'PHP'
    var_dump(ini_get("smtp.password_provider"), ini_get("smtp.auth"));
    foreach (["later_defined", "\\Ns\\fn", "A::b", "A::b::c", "1fn", "A::", "fn()", ""] as $v) {
        echo json_encode($v), ": ";
        var_dump(ini_set("smtp.password_provider", $v) !== false);
    }
    PHP);
echo trim(preg_replace('/ in (Command line code|Unknown) on line \d+/', '', $r['stdout'] . $r['stderr'])), "\n";
?>
--EXPECTF--
-- a function: the first token has expired, a fresh one is asked for and AUTH retried once
XOAUTH2:
provider called
provider called
bool(true)
   auth=["refused","ok"] messages=1 bytes=%d leaked=false
OAUTHBEARER:
provider called
provider called
bool(true)
   auth=["refused","ok"] messages=1 bytes=%d leaked=false
-- "Class::method", namespaced
Vault::token
bool(true)
   auth=["ok"] messages=1 bytes=%d leaked=false
-- every token refused: two AUTH, then a warning and false
Warning: mail(): %s
bool(false)
   auth=["refused","refused"] messages=0 bytes=%d leaked=false
-- a provider that throws, returns a non-string, or is not defined: nothing sent, not even a connection
Warning: mail(): the password callable threw an exception (see getPrevious()); no AUTH was sent
bool(false)
   auth=[] messages=0 bytes=0 leaked=false
Warning: mail(): the password callable returned int, not a string; no AUTH was sent
bool(false)
   auth=[] messages=0 bytes=0 leaked=false
Warning: mail(): smtp.password_provider "p" is not a function or static method that can be called; no AUTH was sent
bool(false)
   auth=[] messages=0 bytes=0 leaked=false
-- the name is checked when set, for its spelling only
Warning: PHP Startup: smtp.password_provider = "not a name" in the configuration is invalid (it must be empty, a function name or "Class::method"); the default "" is used

Warning: PHP Startup: smtp.auth = "BOGUS" in the configuration is invalid (it must be empty or one of "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" or "OAUTHBEARER"); the default "" is used
string(0) ""
string(0) ""
"later_defined": bool(true)
"\\Ns\\fn": bool(true)
"A::b": bool(true)
"A::b::c": 
Warning: ini_set(): smtp.password_provider must be empty, a function name or "Class::method", "A::b::c" given
bool(false)
"1fn": 
Warning: ini_set(): smtp.password_provider must be empty, a function name or "Class::method", "1fn" given
bool(false)
"A::": 
Warning: ini_set(): smtp.password_provider must be empty, a function name or "Class::method", "A::" given
bool(false)
"fn()": 
Warning: ini_set(): smtp.password_provider must be empty, a function name or "Class::method", "fn()" given
bool(false)
"": bool(true)
