--TEST--
STARTTLS with a CA-verified certificate: EHLO again after TLS, capabilities from the second EHLO, message over TLS
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$srv = fake_auto([
    'starttls' => true,
    'ehlo' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'X-BEFORE-TLS'],
    'ehlo_tls' => ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'X-AFTER-TLS'],
], ['tls' => $cert]);
$smtp = fake_client($srv, [
    'tls' => Smtp::TLS_STARTTLS,
    'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']],
]);
$smtp->connect();
$caps = $smtp->getCapabilities();
var_dump(isset($caps['X-AFTER-TLS']), isset($caps['X-BEFORE-TLS']), isset($caps['STARTTLS']));
$r = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('tls')->text('secret body'));
var_dump($r->queueId);
fake_done($smtp);
$t = fake_wait($srv);
$lines = fake_lines($t);
$lines[3] = preg_replace('/^(MAIL FROM:<[^>]*>).*$/', '$1', $lines[3]);
echo implode("\n", $lines), "\n";
var_dump($t['tls'], $t['messages'][0]['tls'], $t['plaintext_after_starttls']);
// Nothing after STARTTLS travelled in clear text.
$conn = $t['conns'][1];
var_dump(substr($conn, 0, strpos($conn, "STARTTLS\r\n") + 10) === "EHLO client.example\r\nSTARTTLS\r\n");
var_dump($t['errors']);
?>
--EXPECT--
bool(true)
bool(false)
bool(false)
string(6) "ABC123"
EHLO client.example
STARTTLS
EHLO client.example
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com>
DATA
QUIT
int(1)
bool(true)
string(0) ""
bool(true)
array(0) {
}
