--TEST--
Actionable errors: a host string with a port or a URL and a lone password are refused saying what to write; every error after connect names host:port and the step; a silent server at the greeting gets the implicit-TLS hint, implicit TLS to a cleartext port the STARTTLS one
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

echo "--- refused up front\n";
foreach (['127.0.0.1:2525', 'mail.example.com:587', '[::1]:25', 'smtp://mail.example.com:465'] as $host) {
    $e = fake_catch(fn() => new Smtp($host));
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
foreach (['::1', '[::1]', 'fe80::1%eth0', 'mail.example.com', '192.0.2.1'] as $host) {
    echo str_replace('%', '(zone)', $host), ': ', fake_catch(fn() => new Smtp($host)) === null ? "accepted\n" : "refused\n";
}
$e = fake_catch(fn() => new Smtp('localhost', 587, ['password' => 'x']));
echo get_class($e), ': ', $e->getMessage(), "\n";

echo "--- after connect: host:port and the step\n";
$short = ['command_timeout' => 1, 'data_timeout' => 1];
$cases = [
    'silent greeting (an implicit-TLS server)' => [['tls_implicit' => true, 'tls' => 'localhost', 'script' => [['expect_close' => true, 'timeout_ms' => 5000]]],
        ['tls' => Smtp::TLS_STARTTLS]],
    'EHLO unanswered' => [['script' => [['send' => "220 fake\r\n"], ['expect' => 'EHLO'], ['expect_close' => true, 'timeout_ms' => 5000]]], []],
    'STARTTLS not offered' => [['auto' => []], ['tls' => Smtp::TLS_STARTTLS]],
    'sender rejected' => [['auto' => ['reply' => ['MAIL' => "550 5.7.1 not you\r\n"]]], []],
    'final reply missing' => [['auto' => ['reply' => ['DOT' => 'close']]], []],
    'certificate not trusted' => [['auto' => ['starttls' => true], 'tls' => 'selfsigned'], ['tls' => Smtp::TLS_STARTTLS]],
    'implicit TLS to a cleartext port' => [['auto' => []], ['tls' => Smtp::TLS_IMPLICIT]],
];
foreach ($cases as $name => [$cfg, $opts]) {
    $srv = fake_start($cfg);
    $smtp = fake_client($srv, $opts + $short);
    $e = fake_catch(fn() => $smtp->send("Subject: x\r\n\r\nx\r\n", 'a@example.com', 'b@example.com'));
    echo "$name:\n  ", get_class($e), ': ', str_replace((string)$srv->port, 'PORT', $e->getMessage()), "\n";
    fake_done($smtp);
    fake_stop($srv);
}
?>
--EXPECTF--
--- refused up front
ValueError: Smtp::__construct(): Argument #1 ($host) must be a host name or an IP address without a port: write new Smtp("127.0.0.1", 2525) instead of new Smtp("127.0.0.1:2525")
ValueError: Smtp::__construct(): Argument #1 ($host) must be a host name or an IP address without a port: write new Smtp("mail.example.com", 587) instead of new Smtp("mail.example.com:587")
ValueError: Smtp::__construct(): Argument #1 ($host) must be a host name or an IP address without a port: write new Smtp("[::1]", 25) instead of new Smtp("[::1]:25")
ValueError: Smtp::__construct(): Argument #1 ($host) must be a host name or an IP address, not a URL (write new Smtp("host", port, ['tls' => Smtp::TLS_IMPLICIT or Smtp::TLS_STARTTLS]))
::1: accepted
[::1]: accepted
fe80::1(zone)eth0: accepted
mail.example.com: accepted
192.0.2.1: accepted
ValueError: Smtp::__construct(): Argument #3 ($options) option "password" needs option "username" (AUTH sends both; for XOAUTH2 the username is the mailbox the token is for)
--- after connect: host:port and the step
silent greeting (an implicit-TLS server):
  Smtp\ConnectionException: timed out: waiting for the reply (127.0.0.1:PORT, at the greeting): no greeting in 1 s; is this an implicit-TLS port? Use 'tls' => Smtp::TLS_IMPLICIT (the usual port for it is 465)
EHLO unanswered:
  Smtp\ConnectionException: timed out: waiting for the reply (127.0.0.1:PORT, at EHLO)
STARTTLS not offered:
  Smtp\TlsException: TLS is required but the server does not offer STARTTLS (127.0.0.1:PORT, at EHLO)
sender rejected:
  Smtp\ResponseException: sender rejected: 550 5.7.1 not you (127.0.0.1:PORT, at MAIL FROM)
final reply missing:
  Smtp\ConnectionException: the server closed the connection: waiting for the reply (127.0.0.1:PORT, at the end of data); the end of data was sent: not known whether the server accepted the message
certificate not trusted:
  Smtp\TlsException: TLS handshake failed: %scertificate verify failed%s(127.0.0.1:PORT, at the TLS handshake)
implicit TLS to a cleartext port:
  Smtp\TlsException: TLS with 127.0.0.1:PORT failed: %s; is this a cleartext (STARTTLS) port? Use 'tls' => Smtp::TLS_STARTTLS (the usual port for it is 587)
