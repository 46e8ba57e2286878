--TEST--
Security matrix 30: phpinfo() never shows a DKIM key given as PEM text in smtp.dkim_key (local or master value, text or HTML), nor smtp.dkim_passphrase or smtp.password; a key file's path is shown as it is
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--INI--
smtp.dkim_passphrase=Pass-of-the-ini-key
smtp.password=Password-of-the-ini
--FILE--
<?php
declare(strict_types=1);

$pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKeyBytesThatMustNotShow0123456789abcdefgh\n-----END PRIVATE KEY-----\n";
$secrets = ['KeyBytesThatMustNotShow', 'Pass-of-the-ini-key', 'Password-of-the-ini'];

function info(): string
{
    ob_start();
    phpinfo(INFO_MODULES);
    return ob_get_clean();
}

function show(string $info, array $secrets): void
{
    foreach (explode("\n", $info) as $line) {
        if (preg_match('/^smtp\.(dkim_key|dkim_passphrase|password) /', $line)) {
            echo $line, "\n";
        }
    }
    foreach ($secrets as $s) {
        if (str_contains($info, $s)) {
            echo "LEAK: $s\n";
        }
    }
}

echo "-- PEM text\n";
ini_set('smtp.dkim_key', $pem);
show(info(), $secrets);
echo "-- PEM text after leading white space\n";
ini_set('smtp.dkim_key', "\n  " . $pem);
show(info(), $secrets);
echo "-- a path\n";
ini_set('smtp.dkim_key', '/etc/dkim/example.pem');
show(info(), $secrets);

echo "-- the HTML form, from PHP's built-in web server\n";
require __DIR__ . '/fake/webserver.inc';
$router = tempnam(sys_get_temp_dir(), 'smtp-sec30-');
file_put_contents($router, '<?php ini_set("smtp.dkim_key", ' . var_export($pem, true) . '); phpinfo(INFO_MODULES);');
$web = web_start($router, "smtp.dkim_passphrase = Pass-of-the-ini-key\nsmtp.password = Password-of-the-ini\n"
    . "smtp.dkim_key = \"-----BEGIN PRIVATE KEY-----MasterKeyBytesThatMustNotShow\"\n");
$html = web_get($web, '/')['body'];
web_stop($web);
unlink($router);
preg_match('~<tr><td class="e">smtp.dkim_key</td><td class="v">(.*?)</td><td class="v">(.*?)</td></tr>~', $html, $row);
echo 'smtp.dkim_key: ', $row[1] ?? '(not found)', ' | ', $row[2] ?? '', "\n";
foreach (array_merge($secrets, ['MasterKeyBytesThatMustNotShow']) as $s) {
    if (str_contains($html, $s)) {
        echo "LEAK: $s\n";
    }
}
?>
--EXPECT--
-- PEM text
smtp.dkim_key => ******** (PEM text) => no value
smtp.dkim_passphrase => ******** => ********
smtp.password => ******** => ********
-- PEM text after leading white space
smtp.dkim_key => ******** (PEM text) => no value
smtp.dkim_passphrase => ******** => ********
smtp.password => ******** => ********
-- a path
smtp.dkim_key => /etc/dkim/example.pem => no value
smtp.dkim_passphrase => ******** => ********
smtp.password => ******** => ********
-- the HTML form, from PHP's built-in web server
smtp.dkim_key: ******** (PEM text) | ******** (PEM text)
