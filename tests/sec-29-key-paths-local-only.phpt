--TEST--
Security matrix 29: key and certificate paths are local files only: S/MIME "certificate", "key", "encrypt", "chain" and the DKIM "key" never go through a URL or stream wrapper (http://, ftp://, php://filter, data:, compress.zlib://), no connection is attempted; an explicit file:// is a local file; a missing file, a directory, a file open_basedir forbids and a URL all give one message
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip ext/openssl is needed to make the test keys');
?>
--INI--
default_socket_timeout=3
--FILE--
<?php
declare(strict_types=1);

require __DIR__ . '/dkim/dkim.inc';

$dir = sys_get_temp_dir() . '/smtp-sec29-' . getmypid();
@mkdir("$dir/allowed", 0700, true);
@mkdir("$dir/forbidden", 0700, true);
$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
$csr = openssl_csr_new(['commonName' => 'signer', 'emailAddress' => 'a@example.com'], $key, ['digest_alg' => 'sha256']);
openssl_x509_export(openssl_csr_sign($csr, null, $key, 30, ['digest_alg' => 'sha256']), $cert);
openssl_pkey_export($key, $pem);
foreach (['allowed', 'forbidden'] as $d) {
    file_put_contents("$dir/$d/c.crt", $cert);
    file_put_contents("$dir/$d/k.key", $pem);
}
file_put_contents("$dir/allowed/dkim.key", dkim_keys()['rsa']);
file_put_contents("$dir/forbidden/dkim.key", dkim_keys()['rsa']);

// a listener standing for a server a URL would reach: nothing may connect to it
$listener = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($listener, false), ':'), 1);

/** Every way one option's value can be given, for a file $file of the allowed folder; $what names it. */
function ways(string $file): array
{
    global $port;
    return [
        'http://' => "http://127.0.0.1:$port/" . basename($file),
        'ftp://' => "ftp://127.0.0.1:$port/" . basename($file),
        'php://filter' => "php://filter/resource=$file",
        'data:' => 'data://text/plain;base64,' . base64_encode(file_get_contents($file)),
        'compress.zlib://' => "compress.zlib://$file",
        'file://' => "file://$file",
        'plain path' => $file,
        'missing file' => dirname($file) . '/missing.pem',
        'a directory' => dirname($file),
    ];
}

$m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->text("body\n");
$calls = [
    'smime certificate' => fn(string $v) => (clone $m)->smime(['certificate' => $v, 'key' => $pem]),
    'smime key' => fn(string $v) => (clone $m)->smime(['certificate' => $cert, 'key' => $v]),
    'smime encrypt' => fn(string $v) => (clone $m)->smime(['encrypt' => $v]),
    'smime chain' => fn(string $v) => (clone $m)->smime(['certificate' => $cert, 'key' => $pem, 'chain' => [$v]]),
    'dkim key' => fn(string $v) => new Smtp('127.0.0.1', 25, ['dkim' => ['domain' => 'example.com', 'selector' => 's',
        'key' => $v]]),
];
$files = ['smime certificate' => 'c.crt', 'smime key' => 'k.key', 'smime encrypt' => 'c.crt', 'smime chain' => 'c.crt',
    'dkim key' => 'dkim.key'];
$messages = [];
foreach ($calls as $name => $call) {
    $row = [];
    foreach (ways("$dir/allowed/{$files[$name]}") as $way => $value) {
        try {
            $call($value);
            $row[] = "$way: accepted";
        } catch (ValueError $e) {
            $row[] = "$way: refused";
            $messages[$name][$way] = preg_replace('/^.*?: /', '', $e->getMessage());
        }
    }
    echo "$name\n  ", implode("\n  ", $row), "\n";
}
$r = [$listener];
$w = $x = null;
echo 'connections attempted: ', stream_select($r, $w, $x, 0) ? 'yes' : 'none', "\n";

echo "-- one message for a missing file, a directory, a file open_basedir forbids and a URL\n";
ini_set('open_basedir', "$dir/allowed" . PATH_SEPARATOR . __DIR__);
foreach ($calls as $name => $call) {
    $messages[$name]['forbidden'] = preg_replace('/^.*?: /', '', @message_of(fn() => $call("$dir/forbidden/{$files[$name]}")));
    $messages[$name]['forbidden, file://'] = preg_replace('/^.*?: /', '', @message_of(fn() => $call("file://$dir/forbidden/{$files[$name]}")));
    $distinct = array_unique($messages[$name]);
    printf("%-18s %d distinct message%s\n", $name, count($distinct), count($distinct) === 1 ? '' : 's: ' . implode(' | ', $distinct));
}
echo reset($messages['dkim key']), "\n";

function message_of(callable $call): string
{
    try {
        $call();
        return 'accepted';
    } catch (ValueError $e) {
        return $e->getMessage();
    }
}
?>
--CLEAN--
<?php
foreach (glob(sys_get_temp_dir() . '/smtp-sec29-*/*/*') as $f) {
    unlink($f);
}
foreach (glob(sys_get_temp_dir() . '/smtp-sec29-*/*') as $d) {
    rmdir($d);
}
foreach (glob(sys_get_temp_dir() . '/smtp-sec29-*') as $d) {
    rmdir($d);
}
?>
--EXPECT--
smime certificate
  http://: refused
  ftp://: refused
  php://filter: refused
  data:: refused
  compress.zlib://: refused
  file://: accepted
  plain path: accepted
  missing file: refused
  a directory: refused
smime key
  http://: refused
  ftp://: refused
  php://filter: refused
  data:: refused
  compress.zlib://: refused
  file://: accepted
  plain path: accepted
  missing file: refused
  a directory: refused
smime encrypt
  http://: refused
  ftp://: refused
  php://filter: refused
  data:: refused
  compress.zlib://: refused
  file://: accepted
  plain path: accepted
  missing file: refused
  a directory: refused
smime chain
  http://: refused
  ftp://: refused
  php://filter: refused
  data:: refused
  compress.zlib://: refused
  file://: accepted
  plain path: accepted
  missing file: refused
  a directory: refused
dkim key
  http://: refused
  ftp://: refused
  php://filter: refused
  data:: refused
  compress.zlib://: refused
  file://: accepted
  plain path: accepted
  missing file: refused
  a directory: refused
connections attempted: none
-- one message for a missing file, a directory, a file open_basedir forbids and a URL
smime certificate  1 distinct message
smime key          1 distinct message
smime encrypt      1 distinct message
smime chain        1 distinct message
dkim key           1 distinct message
Argument #3 ($options) option "dkim": "key" is neither PEM text nor the path of a readable local file holding it (only local files are read: no URL, no stream wrapper)
