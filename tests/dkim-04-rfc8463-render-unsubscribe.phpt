--TEST--
DKIM: RFC 8463 known answer (ed25519 is deterministic: the RFC's b= from the RFC's key, then ours checked by an independent Ed25519); Smtp::render() gives the bytes send() transmits, twice the same; listUnsubscribe() (RFC 8058) is signed
--SKIPIF--
<?php require __DIR__ . '/dkim/dkim.inc'; dkim_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';

// The reference procedure, written here from RFC 6376 3.4.2 and 3.7 and signed with ext/sodium.
function relaxed_header(string $field): string
{
    [$name, $value] = explode(':', $field, 2);
    $v = preg_replace('/[ \t]+/', ' ', preg_replace('/\r\n(?=[ \t])/', '', $value));
    return strtolower(rtrim($name, " \t")) . ':' . trim($v, " \t\r\n") . "\r\n";
}
function reference_b(string $message, string $dkimField, string $seed): string
{
    [$head] = explode("\r\n\r\n", $message, 2);
    $fields = preg_split('/\r\n(?![ \t])/', $head);
    preg_match('/h=([^;]*);/', preg_replace('/\s+/', '', $dkimField), $h);
    $used = [];
    $in = '';
    foreach (explode(':', strtolower($h[1])) as $name) {
        for ($i = count($fields) - 1; $i >= 0; $i--) {
            if (!isset($used[$i]) && strtolower(trim(explode(':', $fields[$i], 2)[0])) === $name) {
                $used[$i] = true;
                $in .= relaxed_header($fields[$i]);
                break;
            }
        }
    }
    $unsigned = preg_replace('/(\bb=)[^;]*$/', '$1', rtrim($dkimField, "\r\n"));
    $in .= rtrim(relaxed_header($unsigned), "\r\n");
    $kp = sodium_crypto_sign_seed_keypair($seed);
    return base64_encode(sodium_crypto_sign_detached(hash('sha256', $in, true), sodium_crypto_sign_secretkey($kp)));
}

$rfcSeed = hex2bin('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 7.1 test 1
$rfcDns = ['brisbane._domainkey.football.example.com' => 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='];
$rfcBody = "From: Joe SixPack <joe@football.example.com>\r\nTo: Suzie Q <suzie@shopping.example.net>\r\n"
    . "Subject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    . "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n\r\nHi.\r\n\r\n"
    . "We lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";
$rfcField = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n d=football.example.com; i=@football.example.com;\r\n"
    . " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n subject : date : message-id : from : subject : date;\r\n"
    . " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    . " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n";
echo "-- the reference gives the RFC's own signature\n";
var_dump(reference_b($rfcBody, $rfcField, $rfcSeed)
    === '/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==');

echo "-- ours, same key, message and parameters\n";
$smtp = new Smtp('127.0.0.1', 25, ['tls' => Smtp::TLS_NONE, 'dkim' => [
    'domain' => 'football.example.com', 'selector' => 'brisbane', 'key' => dkim_ed25519_pem($rfcSeed),
    'identity' => '@football.example.com', 'headers' => 'from:to:subject:date:message-id:from:subject:date',
]]);
$signed = $smtp->render($rfcBody);
var_dump($signed === $smtp->render($rfcBody));
preg_match('/^DKIM-Signature:.*?\r\n(?![ \t])/s', $signed, $f);
$ours = $f[0];
var_dump(str_contains($ours, 'bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;'));
preg_match('/\bt=(\d+);/', $ours, $t);
echo "t=$t[1] (the Date field's time)\n";
preg_match('/\bb=([^;]*)$/', rtrim($ours), $b);
var_dump(preg_replace('/\s+/', '', $b[1]) === reference_b(substr($signed, strlen($ours)), $ours, $rfcSeed));
var_dump(substr($signed, strlen($ours)) === $rfcBody);

echo "-- render() = what send() transmits, and the same twice\n";
$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => [dkim_signer('rsa'), dkim_signer('ed')]]);
$plain = fake_client($srv);
$m = (new Smtp\Message)->from('news@example.com')->to('b@example.net')->subject('Newsletter')->text("text\n")
    ->html('<p>html</p>')->attachData(random_bytes(3000), 'a.bin')
    ->listUnsubscribe('https://example.com/unsubscribe?u=42&t=x', 'unsubscribe@example.com');
$first = $smtp->render($m);
usleep(1100000); // a second later: still the same Date, Message-ID, boundaries and t=
$second = $smtp->render($m);
var_dump($first === $second, str_starts_with($first, 'DKIM-Signature: v=1; a=rsa-sha256;'));
$smtp->send($m);
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['messages'][0]['data'] === $first);
$u = (new Smtp)->render($m);
var_dump($u === (new Smtp)->render($m), $u === substr($first, strpos($first, "\r\nDate: ") + 2));

echo "-- List-Unsubscribe signed\n";
preg_match('/^List-Unsubscribe:.*?\r\n(?![ \t])/ms', $first, $lu);
echo $lu[0];
var_dump(str_contains($first, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
preg_match('/h=([^;]*);/', preg_replace('/\r\n\t/', '', $first), $h);
echo "h=$h[1]\n";
$v = dkim_verify_all(['rfc 8463 message' => $signed, 'the RFC signature itself' => $rfcField . $rfcBody,
    'unsubscribe' => $first, 'url changed' => str_replace('u=42', 'u=43', $first)], dkim_dns($rfcDns));
dkim_report(array_slice($v, 0, 2), 1);
dkim_report(array_slice($v, 2, 1), 2);
dkim_report(array_slice($v, 3, 1), 2, true);
foreach ([['http://example.com/u', null], ['https://example.com/a b', null], ['https://example.com/u', 'not an address']] as [$url, $to]) {
    try {
        $m->listUnsubscribe($url, $to);
    } catch (ValueError $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
-- the reference gives the RFC's own signature
bool(true)
-- ours, same key, message and parameters
bool(true)
bool(true)
t=1057982437 (the Date field's time)
bool(true)
bool(true)
-- render() = what send() transmits, and the same twice
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
-- List-Unsubscribe signed
List-Unsubscribe: <https://example.com/unsubscribe?u=42&t=x>,
 <mailto:unsubscribe@example.com>
bool(true)
h=From:From:Sender:Reply-To:To:To:Cc:Subject:Subject:Date:Date:Message-ID:Message-ID:In-Reply-To:References:MIME-Version:MIME-Version:Content-Type:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe:List-Unsubscribe-Post:List-Unsubscribe-Post
rfc 8463 message: ok (1 signatures pass in both)
the RFC signature itself: ok (1 signatures pass in both)
unsubscribe: ok (2 signatures pass in both)
url changed: tampered, none passes
Smtp\Message::listUnsubscribe(): Argument #1 ($httpsUrl) must be an https:// URL (RFC 8058)
Smtp\Message::listUnsubscribe(): Argument #1 ($httpsUrl) must be a URL of printable ASCII without spaces, '<', '>' or ',' (percent-encode them), at most 900 characters
Smtp\Message::listUnsubscribe(): Argument #2 ($mailto) must be an address or a mailto: URI of printable ASCII without spaces, '<', '>' or ','
