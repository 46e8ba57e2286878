--TEST--
Security 26: SCRAM failures at every step (nonce not extending ours, weak iteration count, wrong or missing server signature, 535) are AuthenticationExceptions, nothing is sent after them, and there is no downgrade to PLAIN/LOGIN when SCRAM was asked for
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user@example.com';
$pass = 'scram-secret';
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');

// fault => [what the message must say, whether the proof was sent, whether the connection must be gone]
$cases = [
    'nonce' => ['nonce does not extend ours', false, true],
    'iterations' => ['iteration count', false, true],
    'signature' => ['signature is wrong', true, true],
    'no_signature' => ['without sending its signature', true, true],
    'reject' => ['535 5.7.8', true, false],
];
foreach (['SCRAM-SHA-1', 'SCRAM-SHA-256'] as $mech) {
    foreach ($cases as $fault => [$why, $proofSent, $closed]) {
        $srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass, 'mechs' => "PLAIN LOGIN $mech", 'scram_fault' => $fault]]);
        $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => $pass, 'auth' => $mech]);
        $e = fake_catch(fn() => $smtp->send($msg));
        $connected = $smtp->isConnected();
        fake_done($smtp);
        $t = fake_wait($srv);
        $p = [];
        if (!$e instanceof Smtp\AuthenticationException) $p[] = 'not an AuthenticationException: ' . fake_describe($e);
        elseif (!str_contains($e->getMessage(), $why)) $p[] = 'message: ' . $e->getMessage();
        $auths = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'AUTH')));
        if (count($auths) !== 1 || !str_starts_with($auths[0], "AUTH $mech ")) $p[] = 'AUTH lines ' . json_encode($auths);
        if (fake_sent_command($t, 'MAIL')) $p[] = 'MAIL sent';
        if ($t['messages']) $p[] = 'message delivered';
        $sawProof = (bool)array_filter($t['events'], fn($ev) => $ev['ev'] === 'scram_final');
        if ($sawProof !== $proofSent) $p[] = $proofSent ? 'no proof sent' : 'proof sent';
        if ($closed && $connected) $p[] = 'still connected';
        if (str_contains($t['raw'], $pass) || str_contains($t['raw'], base64_encode($pass))) $p[] = 'password on the wire';
        printf("%-13s %-12s %s\n", $mech, $fault, $p ? 'FAIL ' . implode('; ', $p) : 'ok');
    }
}

echo "-- SCRAM asked for, the server offers only PLAIN and LOGIN: refused before any AUTH\n";
foreach (['option', 'login()'] as $how) {
    $srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass, 'mechs' => 'PLAIN LOGIN']]);
    if ($how === 'option') {
        $smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => $pass, 'auth' => 'SCRAM-SHA-256']);
        $e = fake_catch(fn() => $smtp->send($msg));
    } else {
        $smtp = fake_client($srv, ['allow_plaintext_auth' => true]);
        $e = fake_catch(fn() => $smtp->login($user, $pass, 'SCRAM-SHA-1'));
    }
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("%-8s %s, AUTH sent: %s, MAIL sent: %s\n", $how, $e instanceof Smtp\AuthenticationException ? $e->getMessage() : fake_describe($e),
        json_encode(fake_sent_command($t, 'AUTH')), json_encode(fake_sent_command($t, 'MAIL')));
}
?>
--EXPECTF--
SCRAM-SHA-1   nonce        ok
SCRAM-SHA-1   iterations   ok
SCRAM-SHA-1   signature    ok
SCRAM-SHA-1   no_signature ok
SCRAM-SHA-1   reject       ok
SCRAM-SHA-256 nonce        ok
SCRAM-SHA-256 iterations   ok
SCRAM-SHA-256 signature    ok
SCRAM-SHA-256 no_signature ok
SCRAM-SHA-256 reject       ok
-- SCRAM asked for, the server offers only PLAIN and LOGIN: refused before any AUTH
option   the server does not offer this AUTH mechanism: SCRAM-SHA-256 (127.0.0.1:%d, at EHLO), AUTH sent: false, MAIL sent: false
login()  the server does not offer this AUTH mechanism: SCRAM-SHA-1 (127.0.0.1:%d, at EHLO), AUTH sent: false, MAIL sent: false
