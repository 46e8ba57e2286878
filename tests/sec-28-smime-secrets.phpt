--TEST--
Security matrix 28: S/MIME secrets stay out of traces: a wrong passphrase, a key that is not the certificate's or a bad option gives a ValueError whose getTrace() arguments and string form hold neither the passphrase nor the PEM key ($options of smime() is a sensitive parameter); a Message signed with an encrypted key is sent without the passphrase being kept
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip ext/openssl is needed to make the test key');
?>
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
declare(strict_types=1);

require __DIR__ . '/fake/helpers.inc';

const PASSPHRASE = 'Pa55-phrase-of-the-key';

$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
$csr = openssl_csr_new(['commonName' => 'signer', 'emailAddress' => 'a@example.com'], $key, ['digest_alg' => 'sha256']);
openssl_x509_export(openssl_csr_sign($csr, null, $key, 30, ['digest_alg' => 'sha256']), $cert);
openssl_pkey_export($key, $encrypted, PASSPHRASE);
openssl_pkey_export($key, $plain);
$other = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
openssl_pkey_export($other, $otherPem);
// a part of the key's body that no message text contains
$keyBody = substr(preg_replace('/-----[^-]+-----|\s/', '', $encrypted), 100, 40);
$plainBody = substr(preg_replace('/-----[^-]+-----|\s/', '', $plain), 100, 40);
$otherBody = substr(preg_replace('/-----[^-]+-----|\s/', '', $otherPem), 100, 40);

function leaks(Throwable $e, array $secrets): string
{
    $found = [];
    foreach ($secrets as $name => $secret) {
        if (str_contains(var_export($e->getTrace(), true), $secret)) {
            $found[] = "$name in getTrace()";
        }
        if (str_contains((string)$e, $secret) || str_contains($e->getMessage(), $secret)) {
            $found[] = "$name in the string form";
        }
    }
    return $found ? 'LEAK: ' . implode(', ', $found) : 'clean';
}

$m = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("body\n");
$secrets = ['passphrase' => PASSPHRASE, 'key' => $keyBody, 'plain key' => $plainBody, 'other key' => $otherBody];
foreach ([
    'wrong passphrase' => ['certificate' => $cert, 'key' => $encrypted, 'passphrase' => 'not-' . PASSPHRASE],
    'no passphrase' => ['certificate' => $cert, 'key' => $encrypted],
    'not its key' => ['certificate' => $cert, 'key' => $otherPem, 'passphrase' => PASSPHRASE],
    'unknown option' => ['certificate' => $cert, 'key' => $plain, 'passphrase' => PASSPHRASE, 'sign' => true],
    'certificate missing' => ['key' => $encrypted, 'passphrase' => PASSPHRASE],
] as $name => $options) {
    $e = fake_catch(fn() => $m->smime($options));
    printf("%-20s %-11s %s\n", $name, $e ? get_class($e) : '-', $e ? leaks($e, $secrets) : 'no exception');
}
$e = fake_catch(fn() => $m->smime(['certificate' => $cert, 'key' => $encrypted, 'passphrase' => 'wrong']));
echo "the argument in the trace: ", get_debug_type($e->getTrace()[0]['args'][0] ?? null), "\n";

echo "-- signed with the encrypted key: sent twice (the parsed key is kept, not the passphrase)\n";
$signed = (clone $m)->smime(['certificate' => $cert, 'key' => $encrypted, 'passphrase' => PASSPHRASE]);
$srv = fake_auto([]);
$smtp = fake_client($srv);
$smtp->send($signed);
$smtp->send(clone $signed);
fake_done($smtp);
$t = fake_wait($srv);
foreach ($t['messages'] as $msg) {
    echo preg_match('/micalg=sha-256;/', $msg['data']) ? 'micalg=sha-256' : 'no micalg', ', ',
        str_contains($msg['data'], PASSPHRASE) ? 'passphrase sent!' : 'no passphrase', "\n";
}
?>
--EXPECT--
wrong passphrase     ValueError  clean
no passphrase        ValueError  clean
not its key          ValueError  clean
unknown option       ValueError  clean
certificate missing  ValueError  clean
the argument in the trace: SensitiveParameterValue
-- signed with the encrypted key: sent twice (the parsed key is kept, not the passphrase)
micalg=sha-256, no passphrase
micalg=sha-256, no passphrase
