--TEST--
Security 24: logger transcript, exception messages/traces and getLastReply() never contain the password, its base64, or the token (also with SCRAM, OAUTHBEARER and a token provider)
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!extension_loaded('openssl')) die('skip openssl not loaded');
?>
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$user = 'user@example.com';
$pass = 'Sup3r-S3cret-P4ss';
$token = 'ya29.TOKEN-abcdefghijklmnop';
function secrets(string $user, string $secret): array
{
    return [
        $secret,
        base64_encode($secret),
        base64_encode("\0$user\0$secret"),
        base64_encode("$user\0$user\0$secret"),
        base64_encode("user=$user\x01auth=Bearer $secret\x01\x01"),
        base64_encode("n,a=$user,\x01auth=Bearer $secret\x01\x01"),
        rtrim(base64_encode($secret), '='),
        substr($secret, 0, 12),      // getTraceAsString() shortens string arguments
    ];
}
$cert = fake_cert('localhost');
$tls = ['tls' => Smtp::TLS_STARTTLS, 'context' => ['ssl' => ['cafile' => $cert['ca'], 'peer_name' => 'localhost']]];

foreach (['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER', 'SCRAM-SHA-1', 'SCRAM-SHA-256'] as $mech) {
    $oauth = $mech === 'XOAUTH2' || $mech === 'OAUTHBEARER';
    $secret = $oauth ? $token : $pass;
    foreach (['good', 'bad'] as $which) {
        foreach ($oauth ? ['login()', 'options', 'provider'] : ['login()', 'options'] as $how) {
            $log = [];
            $srv = fake_auto(['starttls' => true, 'auth' => ['user' => $user, 'password' => $which === 'good' ? $secret : 'other',
                'mechs' => 'PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER SCRAM-SHA-1 SCRAM-SHA-256']], ['tls' => $cert]);
            $opts = $tls + ['logger' => function ($l) use (&$log) { $log[] = $l; }];
            if ($how === 'options') {
                $opts += ['username' => $user, 'password' => $secret, 'auth' => $mech];
            } elseif ($how === 'provider') {
                $opts += ['username' => $user, 'password' => fn() => $secret, 'auth' => $mech];
            }
            $smtp = fake_client($srv, $opts);
            $e = fake_catch(function () use ($smtp, $how, $user, $secret, $mech) {
                if ($how === 'login()') {
                    $smtp->connect();
                    $smtp->login($user, $secret, $mech);
                }
                $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
            });
            $haystacks = ['logger' => implode("\n", $log), 'getLastReply' => (string)$smtp->getLastReply()];
            if ($e) {
                $haystacks['getMessage'] = $e->getMessage();
                $haystacks['exception'] = (string)$e;
                // Arguments of the extension's own frames (login()'s password is #[\SensitiveParameter]).
                $args = [];
                foreach ($e->getTrace() as $f) {
                    if (isset($f['class']) && str_starts_with($f['class'], 'Smtp')) {
                        foreach ($f['args'] ?? [] as $a) {
                            $args[] = is_scalar($a) ? (string)$a : get_debug_type($a);
                        }
                    }
                }
                $haystacks['trace args'] = implode("\n", $args);
                if ($e instanceof Smtp\Exception) {
                    $haystacks['getReply'] = (string)$e->getReply();
                }
            }
            fake_done($smtp);
            $t = fake_wait($srv);
            $p = [];
            if ($which === 'good' && $e !== null) $p[] = 'unexpected ' . fake_describe($e);
            if ($which === 'bad' && !$e instanceof Smtp\AuthenticationException) $p[] = 'expected AuthenticationException, got ' . fake_describe($e);
            if (!fake_sent_command($t, 'AUTH')) $p[] = 'no AUTH';
            if (!preg_grep('/^C: AUTH/', $log)) $p[] = 'AUTH not logged';
            foreach ($haystacks as $where => $text) {
                foreach (secrets($user, $secret) as $s) {
                    if (str_contains($text, $s)) {
                        $p[] = "leak in $where";
                        break;
                    }
                }
            }
            printf("%-13s %-4s %-8s %s\n", $mech, $which, $how, $p ? 'FAIL ' . implode('; ', array_unique($p)) : 'ok');
        }
    }
}
?>
--EXPECT--
PLAIN         good login()  ok
PLAIN         good options  ok
PLAIN         bad  login()  ok
PLAIN         bad  options  ok
LOGIN         good login()  ok
LOGIN         good options  ok
LOGIN         bad  login()  ok
LOGIN         bad  options  ok
CRAM-MD5      good login()  ok
CRAM-MD5      good options  ok
CRAM-MD5      bad  login()  ok
CRAM-MD5      bad  options  ok
XOAUTH2       good login()  ok
XOAUTH2       good options  ok
XOAUTH2       good provider ok
XOAUTH2       bad  login()  ok
XOAUTH2       bad  options  ok
XOAUTH2       bad  provider ok
OAUTHBEARER   good login()  ok
OAUTHBEARER   good options  ok
OAUTHBEARER   good provider ok
OAUTHBEARER   bad  login()  ok
OAUTHBEARER   bad  options  ok
OAUTHBEARER   bad  provider ok
SCRAM-SHA-1   good login()  ok
SCRAM-SHA-1   good options  ok
SCRAM-SHA-1   bad  login()  ok
SCRAM-SHA-1   bad  options  ok
SCRAM-SHA-256 good login()  ok
SCRAM-SHA-256 good options  ok
SCRAM-SHA-256 bad  login()  ok
SCRAM-SHA-256 bad  options  ok
