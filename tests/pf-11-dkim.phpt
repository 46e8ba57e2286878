--TEST--
Real Postfix: DKIM-signed messages (rsa-sha256 + ed25519-sha256; Message with attachments and List-Unsubscribe, raw string, stream) delivered into the Maildir verify with dkimpy and with mailauth's `report` command, Postfix's own header fields included
--SKIPIF--
<?php
require __DIR__ . '/postfix/postfix.inc'; pf_skipif();
require __DIR__ . '/dkim/dkim.inc'; dkim_skipif();
?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';
require __DIR__ . '/dkim/dkim.inc';

$smtp = pf_client('submission', pf_auth(['dkim' => [
    dkim_signer('rsa'),
    dkim_signer('ed', ['canonicalization' => 'simple/simple', 'expire' => 86400]),
]]));
$ids = [];
$id = $ids['message'] = pf_id();
$smtp->send(pf_message($id)->from('sender@example.com', 'Sender Ünïcode')->subject('Signed through Postfix — Grüße')
    ->text("Hello  \n\n.dot line\nend\n\n\n")->html('<p>Hello</p>')->attachData(random_bytes(30000), 'blob.bin')
    ->listUnsubscribe('https://example.com/u/1', 'unsub@example.com'));
$id = $ids['raw'] = pf_id();
$smtp->send("From: sender@example.com\nTo: rcpt@example.net\nSubject: raw\nX-Test-Id: $id\nMessage-ID: <$id@test.example>\n\n"
    . ".leading dot\ntrailing space \n", 'sender@example.com', 'rcpt@example.net');
$id = $ids['stream'] = pf_id();
$fh = fopen('php://temp', 'w+');
fwrite($fh, "From: sender@example.com\r\nTo: rcpt@example.net\r\nSubject: stream\r\nX-Test-Id: $id\r\n\r\n"
    . str_repeat("streamed line\r\n", 20000));
rewind($fh);
$smtp->send($fh, 'sender@example.com', 'rcpt@example.net');
fclose($fh);
$smtp->quit();

$delivered = [];
foreach ($ids as $name => $id) {
    $got = pf_find($id, 1);
    $file = file_get_contents($got[0]['path']);
    // Maildir stores LF line ends; the message went out in CRLF
    $delivered[$name] = str_replace("\n", "\r\n", $file);
    if (!str_contains($file, '(Postfix) with ESMTP')) echo "$name: no Received field from Postfix?\n";
}
dkim_report(dkim_verify_all($delivered, null, true), 2);
$tampered = ['message' => dkim_tamper($delivered['message'], "\r\nSubject:")];
dkim_report(dkim_verify_all($tampered, null, true), 2, true);
?>
--EXPECT--
message: ok (2 signatures pass in both)
raw: ok (2 signatures pass in both)
stream: ok (2 signatures pass in both)
message: tampered, none passes
