--TEST--
S/MIME: micalg names the digest the signature was made with (SHA-256 for RSA and EC P-384 keys; SHA-512 for Ed25519, RFC 8419), checked against the CMS structure and by openssl cms -verify; an Ed25519 key that this OpenSSL's CMS cannot sign with (OpenSSL 3.0) is refused by smime(), before anything is sent, not when the message is sent
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
exec('openssl version 2>/dev/null', $o, $rc);
if ($rc !== 0) die('skip the openssl command is needed');
?>
--FILE--
<?php
declare(strict_types=1);

$dir = sys_get_temp_dir() . '/smtp-smime02-' . getmypid();
@mkdir($dir);
function sh(string $cmd): ?string
{
    exec($cmd . ' 2>&1', $out, $rc);
    return $rc === 0 ? implode("\n", $out) : null;
}
$keys = [
    'rsa' => '-newkey rsa:2048',
    'ec P-384' => '-newkey ec -pkeyopt ec_paramgen_curve:P-384',
    'ed25519' => '-newkey ed25519',
];
foreach ($keys as $name => $newkey) {
    $f = "$dir/" . str_replace(' ', '', $name);
    if (sh("openssl req -x509 $newkey -nodes -keyout $f.key -out $f.crt -days 2 -subj /CN=signer/emailAddress=a@example.com") === null) {
        echo "$name: the openssl command cannot make the key\n";
        continue;
    }
    $m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("signed\n");
    try {
        $m->smime(['certificate' => "$f.crt", 'key' => "$f.key"]);
    } catch (ValueError $e) {
        // refused: only right where this OpenSSL's CMS indeed cannot sign with it
        file_put_contents("$f.txt", "Content-Type: text/plain\r\n\r\nx\r\n");
        $cli = sh("openssl cms -sign -signer $f.crt -inkey $f.key -binary -md sha512 -in $f.txt -out $f.p7");
        // the same OpenSSL series as the one PHP was built with (3.0.x: no EdDSA in CMS)
        $series = fn(string $v) => preg_match('/OpenSSL (\d+\.\d+)\./', $v, $mm) ? $mm[1] : '?';
        $same = $series(OPENSSL_VERSION_TEXT) === $series((string)sh('openssl version'));
        echo "$name: refused by smime(); ", str_contains($e->getMessage(), 'cannot make S/MIME (CMS) signatures')
            ? 'says why' : 'unclear: ' . $e->getMessage(), '; ',
            !$same ? 'consistent (another openssl command)' : ($cli === null ? 'consistent with openssl cms' : 'BUT openssl cms signs'), "\n";
        continue;
    }
    try {
        $raw = (new Smtp)->render($m);
    } catch (Throwable $e) {
        echo "$name: accepted by smime(), then ", get_class($e), ': ', $e->getMessage(), "\n";
        continue;
    }
    preg_match('/micalg=([^;\s]+)/', $raw, $mic);
    file_put_contents("$f.eml", $raw);
    $printed = (string)sh("openssl cms -cmsout -print -in $f.eml");
    preg_match('/digestAlgorithm:\s*algorithm: (\S+)/', $printed, $alg);
    $verified = sh("openssl cms -verify -CAfile $f.crt -in $f.eml -out /dev/null") !== null;
    $expected = $name === 'ed25519' ? 'sha-512' : 'sha-256';
    echo "$name: micalg=", $mic[1] ?? '(none)', ' ', ($mic[1] ?? '') === $expected ? 'as RFC 8419/8551 say' : "expected $expected",
        ", the CMS digest is ", $alg[1] ?? '(not found)', ', ', $verified ? 'verified' : 'NOT verified', "\n";
}
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECTREGEX--
rsa: micalg=sha-256 as RFC 8419\/8551 say, the CMS digest is sha256, verified
ec P-384: micalg=sha-256 as RFC 8419\/8551 say, the CMS digest is sha256, verified
ed25519: (refused by smime\(\); says why; consistent.*|micalg=sha-512 as RFC 8419\/8551 say, the CMS digest is sha512, verified)
