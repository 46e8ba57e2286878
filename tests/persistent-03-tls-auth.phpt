--TEST--
persistent: a kept connection keeps its TLS and its AUTH: the next object with the same settings sends over it without STARTTLS, EHLO or AUTH again; implicit TLS too
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");
$auth = ['user' => 'user@example.com', 'password' => 'secret-pw', 'mechs' => 'PLAIN LOGIN', 'tls_only' => true, 'required' => true];

foreach (['STARTTLS' => Smtp::TLS_STARTTLS, 'implicit' => Smtp::TLS_IMPLICIT] as $name => $mode) {
    $srv = fake_auto(['starttls' => $mode === Smtp::TLS_STARTTLS, 'auth' => $auth],
        ['tls' => $cert, 'tls_implicit' => $mode === Smtp::TLS_IMPLICIT]);
    $options = [
        'tls' => $mode,
        'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']],
        'username' => 'user@example.com',
        'password' => 'secret-pw',
        'persistent' => true,
    ];
    $ids = [];
    for ($i = 1; $i <= 3; $i++) {
        $smtp = fake_client($srv, $options);
        $ids[] = $smtp->send($msg($i))->queueId;
        if ($i === 3) {
            $smtp->quit();
        }
        unset($smtp);
    }
    $t = fake_wait($srv);
    echo "$name: ", implode(' ', $ids), ' | connections ', count($t['conns']), ', TLS handshakes ', $t['tls'],
        ' | ', implode(' ', array_map(fn($l) => strtok($l, ' :'), fake_lines($t))), "\n";
    echo '  every message over TLS and authenticated: ',
        count(array_filter($t['messages'], fn($m) => $m['tls'] && $m['auth'] === 'user@example.com')), "\n";
    echo '  nothing in clear after STARTTLS: ', $t['plaintext_after_starttls'] === '' ? 'yes' : 'no', "\n";
    print_r($t['errors']);
}
?>
--EXPECT--
STARTTLS: ABC123 ABC123N2 ABC123N3 | connections 1, TLS handshakes 1 | EHLO STARTTLS EHLO AUTH MAIL RCPT DATA RSET MAIL RCPT DATA RSET MAIL RCPT DATA QUIT
  every message over TLS and authenticated: 3
  nothing in clear after STARTTLS: yes
Array
(
)
implicit: ABC123 ABC123N2 ABC123N3 | connections 1, TLS handshakes 1 | EHLO AUTH MAIL RCPT DATA RSET MAIL RCPT DATA RSET MAIL RCPT DATA QUIT
  every message over TLS and authenticated: 3
  nothing in clear after STARTTLS: yes
Array
(
)
