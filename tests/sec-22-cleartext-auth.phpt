--TEST--
Security 22: AUTH in clear text is refused before any credential byte (unless allow_plaintext_auth)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user@example.com';
$pass = 'cleartext-secret';
$b64 = [base64_encode($pass), base64_encode("\0$user\0$pass"), base64_encode($user)];
foreach ([Smtp::TLS_NONE => 'TLS_NONE', Smtp::TLS_OPPORTUNISTIC => 'TLS_OPPORTUNISTIC'] as $mode => $modeName) {
    foreach (['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', null] as $mech) {
        foreach (['options', 'login()'] as $how) {
            $srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass]]);   // AUTH offered, no STARTTLS
            $opts = ['tls' => $mode];
            if ($how === 'options') {
                $opts += ['username' => $user, 'password' => $pass] + ($mech ? ['auth' => $mech] : []);
            }
            $smtp = fake_client($srv, $opts);
            $e = fake_catch(function () use ($smtp, $how, $user, $pass, $mech) {
                if ($how === 'login()') {
                    $smtp->connect();
                    $smtp->login($user, $pass, $mech);
                }
                $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
            });
            fake_done($smtp);
            $t = fake_wait($srv);
            $leak = str_contains($t['raw'], $pass);
            foreach ($b64 as $b) {
                $leak = $leak || str_contains($t['raw'], $b);
            }
            $p = [];
            if (!$e instanceof Smtp\Exception) $p[] = 'no Smtp\Exception';
            if (fake_sent_command($t, 'AUTH')) $p[] = 'AUTH sent';
            if ($leak) $p[] = 'credential on the wire';
            if (fake_sent_command($t, 'MAIL')) $p[] = 'MAIL sent';
            printf("%-17s %-8s %-7s %s\n", $modeName, $mech ?? 'default', $how, $p ? 'FAIL ' . implode('; ', $p) : 'ok');
        }
    }
}

// Opt-in: allow_plaintext_auth => true authenticates in clear text.
$srv = fake_auto(['auth' => ['user' => $user, 'password' => $pass]]);
$smtp = fake_client($srv, ['allow_plaintext_auth' => true, 'username' => $user, 'password' => $pass]);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
fake_done($smtp);
$t = fake_wait($srv);
var_dump($t['messages'][0]['auth']);
?>
--EXPECT--
TLS_NONE          PLAIN    options ok
TLS_NONE          PLAIN    login() ok
TLS_NONE          LOGIN    options ok
TLS_NONE          LOGIN    login() ok
TLS_NONE          CRAM-MD5 options ok
TLS_NONE          CRAM-MD5 login() ok
TLS_NONE          XOAUTH2  options ok
TLS_NONE          XOAUTH2  login() ok
TLS_NONE          default  options ok
TLS_NONE          default  login() ok
TLS_OPPORTUNISTIC PLAIN    options ok
TLS_OPPORTUNISTIC PLAIN    login() ok
TLS_OPPORTUNISTIC LOGIN    options ok
TLS_OPPORTUNISTIC LOGIN    login() ok
TLS_OPPORTUNISTIC CRAM-MD5 options ok
TLS_OPPORTUNISTIC CRAM-MD5 login() ok
TLS_OPPORTUNISTIC XOAUTH2  options ok
TLS_OPPORTUNISTIC XOAUTH2  login() ok
TLS_OPPORTUNISTIC default  options ok
TLS_OPPORTUNISTIC default  login() ok
string(16) "user@example.com"
