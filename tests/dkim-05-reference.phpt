--TEST--
DKIM: every send path and canonicalization checked by a verifier in plain PHP (ext/openssl, ext/sodium; it also runs under valgrind, where dkimpy and mailauth cannot); render() equals the bytes sent; S/MIME under DKIM; changed bytes fail
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!function_exists('sodium_crypto_sign_seed_keypair') || !function_exists('openssl_pkey_new')) die('skip needs ext/sodium and ext/openssl');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';
require __DIR__ . '/dkim/reference.inc';

function check(string $label, string $data, int $expect, bool $tampered = false): void
{
    $r = dkim_reference_verify($data, dkim_dns());
    $pass = count(array_filter($r, fn($l) => str_ends_with($l, ' pass')));
    if (!$tampered && $pass === $expect && count($r) === $expect) {
        echo "$label: ok\n";
    } elseif ($tampered && $pass === 0 && count($r) === $expect) {
        echo "$label: tampered, none passes\n";
    } else {
        echo "$label: ", implode(' | ', $r), "\n";
    }
}
$file = tempnam(sys_get_temp_dir(), 'dkim-att');
file_put_contents($file, random_bytes(100000));
$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
$x509 = openssl_csr_sign(openssl_csr_new(['commonName' => 'bob'], $key, ['digest_alg' => 'sha256']), null, $key, 30,
    ['digest_alg' => 'sha256']);
openssl_x509_export($x509, $cert);
openssl_pkey_export($key, $certKey);

$names = ['message', 'empty body', 'raw SMTPUTF8 bare LF', 'stream', 'batch message', 'batch raw', 'sendMail', 'S/MIME signed+encrypted'];
foreach (['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'] as $canon) {
    $srv = fake_auto(['ehlo' => ['PIPELINING', 'SMTPUTF8', '8BITMIME', 'CHUNKING']]);
    $smtp = fake_client($srv, ['dkim' => [
        dkim_signer('rsa', ['canonicalization' => $canon, 'expire' => 3600]),
        dkim_signer('ed', ['canonicalization' => $canon, 'identity' => 'news@mail.example.com']),
    ]]);
    $m = (new Smtp\Message)->from('a@example.com', 'Ann Ünïcode')->to('b@example.net')->subject('Grüße  with   spaces  ')
        ->text("line  \n\n.dot\n\n\n")->html('<p>x</p>')->attach($file, 'data.bin')->listUnsubscribe('https://example.com/u/1');
    $rendered = $smtp->render($m);
    $smtp->send($m);
    $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('empty')->text(''));
    $smtp->send("From: jürgen@example.com\nTo: b@example.net\nSubject: raw\n\n.x  \n\n", 'jürgen@example.com', 'b@example.net');
    $fh = fopen('php://temp', 'w+');
    fwrite($fh, "From: a@example.com\r\nSubject: stream\r\n\r\n" . str_repeat("stream line \t\r\n", 1000));
    rewind($fh);
    $smtp->send($fh, 'a@example.com', 'b@example.net');
    fclose($fh);
    $smtp->sendBatch([(new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('batch')->text("b\n"),
        ["From: a@example.com\r\nSubject: batch raw\r\n\r\nr\r\n", 'a@example.com', 'b@example.net']]);
    $smtp->sendMail('a@example.com', 'b@example.net', 'sendMail', "s\n");
    $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('smime')->text("secret\n")
        ->smime(['certificate' => $cert, 'key' => $certKey, 'encrypt' => $cert]));
    fake_done($smtp);
    $t = fake_wait($srv);
    if (count($t['messages']) !== count($names)) echo "$canon: ", count($t['messages']), " messages\n";
    if ($t['messages'][0]['data'] !== $rendered) echo "$canon: render() differs from what was sent\n";
    foreach ($names as $i => $name) {
        $data = $t['messages'][$i]['data'];
        check("$canon $name", $data, 2);
        check("$canon $name", dkim_tamper($data, $name === 'empty body' ? "\r\nSubject:" : "\r\n\r\n"), 2, true);
    }
}
unlink($file);
echo "-- smtp_mail() with the INI signer\n";
$srv = fake_auto([]);
$keyfile = tempnam(sys_get_temp_dir(), 'dkim-key');
file_put_contents($keyfile, dkim_keys()['rsa']);
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'a@example.com');
ini_set('smtp.dkim_domain', 'example.com');
ini_set('smtp.dkim_selector', 'rsasel');
ini_set('smtp.dkim_key', $keyfile);
ini_set('smtp.dkim_canonicalization', 'simple/simple');
var_dump(smtp_mail('b@example.net', 'via smtp_mail', "body\n"));
ini_set('smtp.dkim_passphrase', 'wrong');
ini_set('smtp.dkim_key', 'not a key');
var_dump(smtp_mail('b@example.net', 'never sent', "x\n"));
smtp_mail_quit();
$t = fake_wait($srv);
unlink($keyfile);
echo count($t['messages']), " message\n";
check('smtp_mail', $t['messages'][0]['data'], 1);
echo "-- the reference itself fails a wrong key\n";
$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => dkim_signer('rsa')]);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('x')->text("x\n"));
fake_done($smtp);
$t = fake_wait($srv);
echo implode("\n", dkim_reference_verify($t['messages'][0]['data'], ['rsasel._domainkey.example.com' => dkim_keys()['dns']['rsa1024']])), "\n";
?>
--EXPECTF--
relaxed/relaxed message: ok
relaxed/relaxed message: tampered, none passes
relaxed/relaxed empty body: ok
relaxed/relaxed empty body: tampered, none passes
relaxed/relaxed raw SMTPUTF8 bare LF: ok
relaxed/relaxed raw SMTPUTF8 bare LF: tampered, none passes
relaxed/relaxed stream: ok
relaxed/relaxed stream: tampered, none passes
relaxed/relaxed batch message: ok
relaxed/relaxed batch message: tampered, none passes
relaxed/relaxed batch raw: ok
relaxed/relaxed batch raw: tampered, none passes
relaxed/relaxed sendMail: ok
relaxed/relaxed sendMail: tampered, none passes
relaxed/relaxed S/MIME signed+encrypted: ok
relaxed/relaxed S/MIME signed+encrypted: tampered, none passes
relaxed/simple message: ok
relaxed/simple message: tampered, none passes
relaxed/simple empty body: ok
relaxed/simple empty body: tampered, none passes
relaxed/simple raw SMTPUTF8 bare LF: ok
relaxed/simple raw SMTPUTF8 bare LF: tampered, none passes
relaxed/simple stream: ok
relaxed/simple stream: tampered, none passes
relaxed/simple batch message: ok
relaxed/simple batch message: tampered, none passes
relaxed/simple batch raw: ok
relaxed/simple batch raw: tampered, none passes
relaxed/simple sendMail: ok
relaxed/simple sendMail: tampered, none passes
relaxed/simple S/MIME signed+encrypted: ok
relaxed/simple S/MIME signed+encrypted: tampered, none passes
simple/relaxed message: ok
simple/relaxed message: tampered, none passes
simple/relaxed empty body: ok
simple/relaxed empty body: tampered, none passes
simple/relaxed raw SMTPUTF8 bare LF: ok
simple/relaxed raw SMTPUTF8 bare LF: tampered, none passes
simple/relaxed stream: ok
simple/relaxed stream: tampered, none passes
simple/relaxed batch message: ok
simple/relaxed batch message: tampered, none passes
simple/relaxed batch raw: ok
simple/relaxed batch raw: tampered, none passes
simple/relaxed sendMail: ok
simple/relaxed sendMail: tampered, none passes
simple/relaxed S/MIME signed+encrypted: ok
simple/relaxed S/MIME signed+encrypted: tampered, none passes
simple/simple message: ok
simple/simple message: tampered, none passes
simple/simple empty body: ok
simple/simple empty body: tampered, none passes
simple/simple raw SMTPUTF8 bare LF: ok
simple/simple raw SMTPUTF8 bare LF: tampered, none passes
simple/simple stream: ok
simple/simple stream: tampered, none passes
simple/simple batch message: ok
simple/simple batch message: tampered, none passes
simple/simple batch raw: ok
simple/simple batch raw: tampered, none passes
simple/simple sendMail: ok
simple/simple sendMail: tampered, none passes
simple/simple S/MIME signed+encrypted: ok
simple/simple S/MIME signed+encrypted: tampered, none passes
-- smtp_mail() with the INI signer
bool(true)

Warning: smtp_mail(): Not sent: INI smtp.dkim_*: "key" is neither PEM text nor the path of a readable local file holding it (only local files are read: no URL, no stream wrapper) in %s on line %d
bool(false)
1 message
smtp_mail: ok
-- the reference itself fails a wrong key
example.com rsasel rsa-sha256 fail (signature)
