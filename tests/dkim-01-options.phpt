--TEST--
DKIM: option checks before any byte is sent (RSA under 1024 bits, algorithm, canonicalization, headers without From, identity, keys from files and with passphrases); unsignable messages are refused before MAIL; a From domain not aligned with d= warns
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!function_exists('sodium_crypto_sign_seed_keypair') || !function_exists('openssl_pkey_new')) die('skip needs ext/sodium and ext/openssl');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';

$k = dkim_keys();
function try_option($dkim): void
{
    try {
        new Smtp('127.0.0.1', 25, ['dkim' => $dkim]);
        echo "accepted\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
$ok = ['domain' => 'example.com', 'selector' => 'rsasel', 'key' => $k['rsa']];
try_option(['domain' => 'example.com', 'selector' => 's', 'key' => $k['rsa512']]);
try_option($ok + ['algorithm' => 'ed25519-sha256']);
try_option($ok + ['algorithm' => 'rsa-sha1']);
try_option(['domain' => 'example.com', 'key' => $k['rsa']]);
try_option($ok + ['length' => 100]);
try_option($ok + ['canonicalization' => 'loose']);
try_option($ok + ['headers' => ['To', 'Subject']]);
try_option($ok + ['identity' => 'user@other.example']);
try_option($ok + ['expire' => 0]);
try_option(['domain' => 'exa mple.com'] + $ok);
try_option(['key' => 'not a key and not a file'] + $ok);
try_option([]);
try_option('example.com');
try_option(null);
echo "-- accepted forms\n";
try_option(['domain' => 'example.com', 'selector' => 's', 'key' => $k['rsa1024']]);
try_option([$ok, ['domain' => 'example.com', 'selector' => 'edsel', 'key' => $k['ed'], 'algorithm' => 'ed25519-sha256']]);
$file = tempnam(sys_get_temp_dir(), 'dkim-key');
file_put_contents($file, $k['ed']);
try_option(['key' => $file] + $ok);
$enc = openssl_pkey_get_private($k['rsa']);
openssl_pkey_export($enc, $encrypted, 'correct horse');
try_option(['key' => $encrypted, 'passphrase' => 'correct horse'] + $ok);
try_option(['key' => $encrypted, 'passphrase' => 'wrong'] + $ok);
try_option(['key' => $encrypted] + $ok);
try_option($ok + ['headers' => 'from:to:subject', 'identity' => 'news@mail.example.com', 'canonicalization' => 'simple']);

echo "-- refused before MAIL\n";
$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => $ok]);
$e = fake_catch(fn() => $smtp->send("To: b@example.net\r\nSubject: no From\r\n\r\nbody\r\n", 'a@example.com', 'b@example.net'));
echo get_class($e), ': ', $e->getMessage(), "\n";
$e = fake_catch(fn() => $smtp->send("From: a@example.com\r\n\r\nNUL \0 byte\r\n", 'a@example.com', 'b@example.net'));
echo get_class($e), ': ', $e->getMessage(), "\n";
$child = proc_open([PHP_BINARY, '-n', '-r', 'echo "From: a@example.com\r\n\r\nbody\r\n";'], [1 => ['pipe', 'w']], $pipes);
$pipe = $pipes[1];
$e = fake_catch(fn() => $smtp->send($pipe, 'a@example.com', 'b@example.net'));
echo get_class($e), ': ', $e->getMessage(), "\n";
fclose($pipe);
proc_close($child);
echo "-- not aligned: a warning, still sent\n";
$r = $smtp->send((new Smtp\Message)->from('a@other.example')->to('b@example.net')->subject('x')->text("x\n"));
echo get_class($r), "\n";
echo "-- h= as given, then completed to over-sign each field it names\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['messages']), " message\n";
// SIZE= counts the DKIM-Signature field too
preg_match('/SIZE=(\d+)/', implode('', $t['lines']), $size);
var_dump((int)$size[1] === strlen($t['messages'][0]['data']));
$srv = fake_auto([]);
$smtp2 = fake_client($srv, ['dkim' => $ok + ['headers' => ['from', 'subject', 'subject']]]);
$smtp2->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('x')->text("x\n"));
fake_done($smtp2);
$t = fake_wait($srv);
preg_match('/h=([^;]*);/', $t['messages'][0]['data'], $h);
echo "h=$h[1]\n";
unlink($file);
?>
--EXPECTF--
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": RSA keys under 1024 bits are refused (RFC 8301); use 2048 bits
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "algorithm" does not match the key's type
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "algorithm" must be "rsa-sha256" or "ed25519-sha256"
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim" must have "domain", "selector" and "key"
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim" contains unknown key "length"
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "canonicalization" must be "relaxed/relaxed", "relaxed/simple", "simple/relaxed" or "simple/simple"
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": headers must include From (RFC 6376 5.4)
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": identity must be "@domain" or "user@domain" with the signing domain or one of its subdomains
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "expire" must be a number of seconds greater than 0
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": domain must be an ASCII domain name (A-labels)
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "key" is neither PEM text nor the path of a readable local file holding it (only local files are read: no URL, no stream wrapper)
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim" must be one signer (an array with "domain", "selector" and "key") or a list of 1 to 8 signers
TypeError: Smtp::__construct(): Argument #3 ($options) option "dkim" must be of type array, string given
accepted
-- accepted forms
accepted
accepted
accepted
accepted
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "key" could not be read as a PEM private key (wrong passphrase?)
ValueError: Smtp::__construct(): Argument #3 ($options) option "dkim": "key" could not be read as a PEM private key (encrypted keys need "passphrase")
accepted
-- refused before MAIL
ValueError: Not sent: the message has no From field: it cannot be DKIM-signed
ValueError: Smtp::send(): Argument #1 ($message) must not contain NUL bytes
ValueError: Smtp::send(): Argument #1 ($message) must be a seekable stream to be DKIM-signed (it is read twice)
-- not aligned: a warning, still sent

Warning: Smtp::send(): DKIM: the From domain is not aligned with d=example.com: DMARC will not pass on this signature in %s on line %d
Smtp\Result
-- h= as given, then completed to over-sign each field it names
1 message
bool(true)
h=from:subject:subject:from
