--TEST--
smtp.* from a real php.ini file: unquoted none/off, bad values are startup warnings naming the setting and the default in force, ini_set() of a bad value fails naming it, smtp.from keeps its display name, smtp.timeout bounds mail(), phpinfo() names the server after the SMTP/smtp_port fallback
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/fake/phpini.inc';

echo "-- unquoted values as users write them\n";
foreach (['none', 'off', 'Off', 'no', 'false', 'starttls', 'implicit', 'opportunistic', 'auto', '"none"', '0', '1'] as $v) {
    $r = phpini_run("smtp.tls = $v\n", 'echo json_encode(ini_get("smtp.tls")), "\n";');
    echo str_pad($v, 14), trim($r['stdout']), $r['stderr'] === '' ? '' : ' ' . trim($r['stderr']), "\n";
}

echo "-- bad values: startup warnings\n";
$r = phpini_run(<<<'INI'
    display_startup_errors = 1
    smtp.tls = bogus
    smtp.port = 99999
    smtp.timeout = 0
    smtp.helo = "my host"
    smtp.host = "smtp example.com"
    smtp.from = "not an address"
    INI, 'foreach (["tls", "port", "timeout", "helo", "host", "from"] as $k) echo $k, "=", json_encode(ini_get("smtp.$k")), "\n";');
echo preg_replace('/ in Unknown on line \d+/', '', trim($r['stdout'])), "\n";

echo "-- ini_set() of a bad value\n";
$r = phpini_run("smtp.port = 2525\n", <<<'PHP'
    foreach ([["smtp.port", "99999"], ["smtp.tls", "bogus"], ["smtp.timeout", "-1"], ["smtp.helo", "my host"], ["smtp.from", "a@"]] as [$k, $v]) {
        var_dump(ini_set($k, $v));
    }
    var_dump(ini_get("smtp.port"));
    PHP);
echo preg_replace('/ in Command line code on line \d+/', '', trim($r['stdout'])), "\n";

echo "-- phpinfo() names the server mail() uses, after the fallback to SMTP and smtp_port\n";
foreach (["SMTP = mail.example.com\nsmtp_port = 2525\n", "SMTP = mail.example.com\nsmtp_port = 25\nsmtp.tls = none\n",
          "SMTP = mail.example.com\nsmtp.host = 127.0.0.1\nsmtp.port = 465\n"] as $ini) {
    $r = phpini_run($ini, '(new ReflectionExtension("smtp"))->info();');
    echo preg_match('/smtp_mail\(\) server => (.*)/', $r['stdout'], $m) ? $m[1] : $r['stdout'], "\n";
}

echo "-- smtp.from keeps its display name; mail() with only php.ini settings\n";
$srv = fake_auto();
$r = phpini_run(<<<INI
    smtp.override_mail = 1
    smtp.host = 127.0.0.1
    smtp.port = {$srv->port}
    smtp.tls = none
    smtp.from = "Web Site <web@example.com>"
    smtp.helo = client.example
    INI, 'var_dump(mail("b@example.com", "Hi", "Body\n"));');
echo trim($r['stdout']), trim($r['stderr']), "\n";
$t = fake_wait($srv);
$m = $t['messages'][0];
echo $m['from'], ' -> ', implode(',', $m['rcpt']), "\n";
var_dump(fake_header(fake_parse($m['data']), 'From'));
echo trim($t['lines'][0] ?? ''), "\n";

echo "-- smtp.timeout = 2 bounds mail() when the server never greets\n";
$srv = fake_start(['script' => [['sleep_ms' => 8000]], 'time_limit' => 10]);
$r = phpini_run(<<<INI
    smtp.override_mail = 1
    smtp.host = 127.0.0.1
    smtp.port = {$srv->port}
    smtp.tls = none
    smtp.timeout = 2
    smtp.from = web@example.com
    INI, '$t = microtime(true); $ok = mail("b@example.com", "Hi", "Body\n"); $s = microtime(true) - $t; printf("%s after %s\n", var_export($ok, true), $s >= 1.9 && $s < 15 ? "about 2 s" : "$s s");');
fake_stop($srv);
echo preg_replace('/ in Command line code on line \d+/', '', trim($r['stdout'])), "\n";
?>
--EXPECTF--
-- unquoted values as users write them
none          ""
off           ""
Off           ""
no            ""
false         ""
starttls      "starttls"
implicit      "implicit"
opportunistic "opportunistic"
auto          "auto"
"none"        "none"
0             "0"
1             "1"
-- bad values: startup warnings
Warning: PHP Startup: smtp.host = "smtp example.com" in the configuration is invalid (it must be a host name or an IP address); the default "" is used

Warning: PHP Startup: smtp.port = "99999" in the configuration is invalid (it must be a port number from 0 (automatic) to 65535); the default "0" is used

Warning: PHP Startup: smtp.tls = "bogus" in the configuration is invalid (it must be auto, starttls, implicit, opportunistic or none (also written off)); the default "auto" is used

Warning: PHP Startup: smtp.helo = "my host" in the configuration is invalid (it must be empty or a name for EHLO (printable ASCII, no spaces)); the default "" is used

Warning: PHP Startup: smtp.timeout = "0" in the configuration is invalid (it must be a number of seconds greater than 0); the default "30" is used

Warning: PHP Startup: smtp.from = "not an address" in the configuration is invalid (it must be empty or one address, user@example.com or Name <user@example.com>); the default "" is used
tls="auto"
port="0"
timeout="30"
helo=""
host=""
from=""
-- ini_set() of a bad value
Warning: ini_set(): smtp.port must be a port number from 0 (automatic) to 65535, "99999" given
bool(false)

Warning: ini_set(): smtp.tls must be auto, starttls, implicit, opportunistic or none (also written off), "bogus" given
bool(false)

Warning: ini_set(): smtp.timeout must be a number of seconds greater than 0, "-1" given
bool(false)

Warning: ini_set(): smtp.helo must be empty or a name for EHLO (printable ASCII, no spaces), "my host" given
bool(false)

Warning: ini_set(): smtp.from must be empty or one address, user@example.com or Name <user@example.com>, "a@" given
bool(false)
string(4) "2525"
-- phpinfo() names the server mail() uses, after the fallback to SMTP and smtp_port
mail.example.com:2525, TLS: STARTTLS
mail.example.com:25, TLS: none
127.0.0.1:465, TLS: implicit TLS
-- smtp.from keeps its display name; mail() with only php.ini settings
bool(true)
web@example.com -> b@example.com
string(26) "Web Site <web@example.com>"
EHLO client.example
-- smtp.timeout = 2 bounds mail() when the server never greets
Warning: mail(): %s
false after about 2 s
