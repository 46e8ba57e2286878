--TEST--
REQUIRETLS (RFC 8689) per message: Message::requireTls() puts REQUIRETLS on MAIL when the server offers it over TLS; refused before MAIL with a TlsException when not offered (or in cleartext), and the connection goes on for other messages
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$cert = fake_cert('localhost');
$tlsOpts = ['tls' => Smtp::TLS_STARTTLS, 'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]];
$plain = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('plain')->text('t');
$strict = (clone $plain)->subject('strict')->requireTls();
$undone = (clone $strict)->subject('undone')->requireTls(false);

function mail_lines(array $t): array
{
    // SIZE= depends on the message's length: not what is checked here
    return array_values(array_map(fn($l) => preg_replace('/ SIZE=\d+/', '', $l),
        array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL'))));
}

$cases = [
    'offered over TLS' => [['starttls' => true, 'ehlo_tls' => ['PIPELINING', 'ENHANCEDSTATUSCODES', 'REQUIRETLS']], ['tls' => $cert], $tlsOpts],
    'not offered' => [['starttls' => true], ['tls' => $cert], $tlsOpts],
    'offered in cleartext' => [['ehlo' => ['PIPELINING', 'REQUIRETLS']], [], []],
];
foreach ($cases as $name => [$auto, $cfg, $opts]) {
    echo "-- $name\n";
    $srv = fake_auto($auto, $cfg);
    $smtp = fake_client($srv, $opts);
    foreach ([$strict, $plain, $undone] as $m) {
        $e = fake_catch(fn() => $smtp->send($m));
        echo '  ', str_pad(preg_match('/^Subject: (\w+)/m', $m->toString(), $mm) ? $mm[1] : '?', 7),
            $e ? get_class($e) . ' transient=' . json_encode($e->isTransient()) . ': ' . $e->getMessage() : 'sent', "\n";
    }
    fake_done($smtp);
    $t = fake_wait($srv);
    echo '  MAIL lines: ', json_encode(mail_lines($t)), ', messages: ', count($t['messages']), "\n";
}
?>
--EXPECTF--
-- offered over TLS
  strict sent
  plain  sent
  undone sent
  MAIL lines: ["MAIL FROM:<a@example.com> REQUIRETLS","MAIL FROM:<a@example.com>","MAIL FROM:<a@example.com>"], messages: 3
-- not offered
  strict Smtp\TlsException transient=false: the message requires REQUIRETLS (RFC 8689), which the server does not offer (127.0.0.1:%d, at EHLO)
  plain  sent
  undone sent
  MAIL lines: ["MAIL FROM:<a@example.com>","MAIL FROM:<a@example.com>"], messages: 2
-- offered in cleartext
  strict Smtp\TlsException transient=false: the message requires REQUIRETLS (RFC 8689), which needs a TLS connection (127.0.0.1:%d, at EHLO)
  plain  sent
  undone sent
  MAIL lines: ["MAIL FROM:<a@example.com>","MAIL FROM:<a@example.com>"], messages: 2
