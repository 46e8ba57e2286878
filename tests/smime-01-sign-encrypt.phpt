--TEST--
S/MIME (RFC 8551): signed (multipart/signed, detached), encrypted (AES-256-CBC, to one or two recipients), signed then encrypted and DKIM-signed on top; checked with openssl cms and Python's email on the bytes received
--SKIPIF--
<?php
require __DIR__ . '/dkim/dkim.inc';
dkim_skipif();
exec('openssl version 2>/dev/null', $o, $rc);
if ($rc !== 0) die('skip the openssl command is needed');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';

$dir = sys_get_temp_dir() . '/smtp-smime-' . getmypid();
@mkdir($dir);
function make_cert(string $dir, string $name, string $email): array
{
    $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
    $csr = openssl_csr_new(['commonName' => $name, 'emailAddress' => $email], $key, ['digest_alg' => 'sha256']);
    $x = openssl_csr_sign($csr, null, $key, 30, ['digest_alg' => 'sha256']);
    openssl_x509_export($x, $cert);
    openssl_pkey_export($key, $pem);
    file_put_contents("$dir/$name.crt", $cert);
    file_put_contents("$dir/$name.key", $pem);
    return ['cert' => $cert, 'key' => $pem, 'crt_file' => "$dir/$name.crt", 'key_file' => "$dir/$name.key"];
}
$signer = make_cert($dir, 'signer', 'a@example.com');
$bob = make_cert($dir, 'bob', 'b@example.net');
$carol = make_cert($dir, 'carol', 'c@example.net');

function cms(string $dir, string $args, string $in): ?string
{
    file_put_contents("$dir/in.eml", $in);
    @unlink("$dir/out.eml");
    exec("openssl cms $args -in $dir/in.eml -out $dir/out.eml 2>$dir/err.txt", $o, $rc);
    return $rc === 0 ? file_get_contents("$dir/out.eml") : null;
}
/* the inner message through Python's email: content types in order, and the text part */
function py_parts(string $dir, string $mime): string
{
    file_put_contents("$dir/inner.eml", $mime);
    $py = 'import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default); '
        . 'print(" ".join(p.get_content_type() for p in m.walk())); b = m.get_body(("plain",)); print(repr(b.get_content() if b else None))';
    return trim((string)shell_exec(escapeshellarg(dkim_python()) . ' -c ' . escapeshellarg($py) . " $dir/inner.eml"));
}
$make = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('Secret — Grüße')
    ->text("Hello Bob,\n.dot line\nbye\n")->html('<p>Hello</p>')->attachData("col1,col2\n1,2\n", 'data.csv', 'text/csv');

$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => dkim_signer('rsa')]);
$smtp->send($make()->smime(['certificate' => $signer['crt_file'], 'key' => $signer['key']]));
$smtp->send($make()->smime(['encrypt' => [$bob['cert'], $carol['crt_file']]]));
$smtp->send($make()->smime(['certificate' => $signer['cert'], 'key' => $signer['key_file'], 'encrypt' => $bob['cert']]));
fake_done($smtp);
$t = fake_wait($srv);
[$signed, $encrypted, $both] = array_column($t['messages'], 'data');

echo "-- signed\n";
preg_match('/^Content-Type: ([^;\r\n]+)/m', $signed, $ct);
echo $ct[1], "\n";
var_dump(str_contains($signed, "\r\nSubject: =?UTF-8?"), str_contains($signed, 'micalg=sha-256;'));
$inner = cms($dir, "-verify -CAfile {$signer['crt_file']}", $signed);
echo $inner === null ? 'verify failed: ' . file_get_contents("$dir/err.txt") : py_parts($dir, $inner), "\n";
var_dump(cms($dir, "-verify -CAfile {$signer['crt_file']}", str_replace('Hello Bob', 'Hello Bib', $signed)) === null);

echo "-- encrypted to two recipients\n";
preg_match('/^Content-Type: ([^\r\n]+)/m', $encrypted, $ct);
echo $ct[1], "\n";
var_dump(str_contains($encrypted, 'Hello Bob'));
foreach (['bob' => $bob, 'carol' => $carol] as $who => $c) {
    $inner = cms($dir, "-decrypt -recip {$c['crt_file']} -inkey {$c['key_file']}", $encrypted);
    echo "$who: ", $inner === null ? 'decrypt failed' : py_parts($dir, $inner), "\n";
}
var_dump(cms($dir, "-decrypt -recip {$signer['crt_file']} -inkey {$signer['key_file']}", $encrypted) === null);

echo "-- signed, then encrypted, then DKIM\n";
$signedInner = cms($dir, "-decrypt -recip {$bob['crt_file']} -inkey {$bob['key_file']}", $both);
$inner = $signedInner === null ? null : cms($dir, "-verify -CAfile {$signer['crt_file']}", $signedInner);
echo $inner === null ? 'failed' : py_parts($dir, $inner), "\n";
dkim_report(dkim_verify_all(['signed' => $signed, 'encrypted' => $encrypted, 'signed+encrypted' => $both]), 1);

echo "-- errors\n";
foreach ([
    ['certificate' => $signer['cert'], 'key' => $bob['key']],
    ['certificate' => $signer['cert']],
    ['encrypt' => 'not a certificate'],
    ['passphrase' => 'x'],
    ['sign' => true],
] as $bad) {
    try {
        $make()->smime($bad);
    } catch (Throwable $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
$m = $make()->smime(['encrypt' => $bob['cert']])->smime([]);
var_dump(str_contains((new Smtp)->render($m), 'Hello Bob'));
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
-- signed
multipart/signed
bool(true)
bool(true)
multipart/mixed multipart/alternative text/plain text/html text/csv
'Hello Bob,\n.dot line\nbye\n'
bool(true)
-- encrypted to two recipients
application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"
bool(false)
bob: multipart/mixed multipart/alternative text/plain text/html text/csv
'Hello Bob,\n.dot line\nbye\n'
carol: multipart/mixed multipart/alternative text/plain text/html text/csv
'Hello Bob,\n.dot line\nbye\n'
bool(true)
-- signed, then encrypted, then DKIM
multipart/mixed multipart/alternative text/plain text/html text/csv
'Hello Bob,\n.dot line\nbye\n'
signed: ok (1 signatures pass in both)
encrypted: ok (1 signatures pass in both)
signed+encrypted: ok (1 signatures pass in both)
-- errors
ValueError: Smtp\Message::smime(): Argument #1 ($options) option "key" is not the key of "certificate"
ValueError: Smtp\Message::smime(): Argument #1 ($options) must have both "certificate" and "key" to sign
ValueError: Smtp\Message::smime(): Argument #1 ($options) "encrypt" is neither PEM text nor the path of a readable local file holding it (only local files are read: no URL, no stream wrapper)
ValueError: Smtp\Message::smime(): Argument #1 ($options) must sign ("certificate" and "key") or encrypt ("encrypt"), or both
ValueError: Smtp\Message::smime(): Argument #1 ($options) contains unknown option "sign"
bool(true)
