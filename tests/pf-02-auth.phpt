--TEST--
Real Postfix: AUTH PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256 (auth option and login()) on submission and smtps, SCRAM-SHA-256 by default; wrong password -> AuthenticationException 535, object usable afterwards
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

$env = pf_env();
$pw = $env['password'];
$leaks = [$pw, base64_encode($pw), base64_encode("\0" . $env['user'] . "\0" . $pw)];

/* Sends one message; returns problems. */
function deliver(Smtp $smtp, string $label): array
{
    $id = pf_id();
    $m = pf_message($id)->subject($label)->text("$label\n");
    $r = null;
    $e = pf_catch(function () use ($smtp, $m, &$r) { $r = $smtp->send($m); });
    if ($e !== null) {
        return ['send: ' . pf_describe($e)];
    }
    $got = pf_find($id);
    if (count($got) !== 1) {
        return [count($got) . ' copies delivered'];
    }
    return pf_verify($got[0], $m->toString(), $r, ['subject' => $label, 'protocol' => 'ESMTPSA', 'normalise' => false]);
}

function leaks(array $log, array $leaks): array
{
    $p = [];
    foreach ($log as $l) {
        foreach ($leaks as $s) {
            if (str_contains($l, $s)) $p[] = 'credential in transcript';
        }
    }
    return array_unique($p);
}

function auth_lines(array $log): array
{
    return array_values(array_filter($log, fn($l) => str_starts_with($l, 'C: AUTH')));
}

foreach (['submission', 'smtps'] as $port) {
    foreach (array_merge($env['auth_mechs'], [null]) as $mech) {
        foreach (['option', 'login()'] as $how) {
            $label = sprintf('%-10s %-13s %s', $port, $mech ?? 'default', $how);
            $log = [];
            $opts = ['logger' => function (string $l) use (&$log) { $log[] = $l; }];
            if ($how === 'option') {
                $opts = pf_auth($opts + ($mech !== null ? ['auth' => $mech] : []));
            }
            $smtp = pf_client($port, $opts);
            $problems = [];
            if ($how === 'login()') {
                $e = pf_catch(fn() => $smtp->login($env['user'], $env['password'], $mech));
                if ($e !== null) $problems[] = 'login: ' . pf_describe($e);
                if (!$smtp->isConnected()) $problems[] = 'not connected after login()';
            }
            if (!$problems) {
                $problems = deliver($smtp, $label);
            }
            $a = auth_lines($log);
            if (count($a) !== 1) {
                $problems[] = count($a) . ' AUTH commands';
            } elseif (!preg_match('/^C: AUTH ' . preg_quote($mech ?? 'SCRAM-SHA-256', '/') . '( |$)/', $a[0])) {
                $problems[] = "sent '{$a[0]}'";
            }
            $problems = array_merge($problems, leaks($log, $leaks));
            pf_catch(fn() => $smtp->quit());
            pf_report($label, $problems, 30);
        }
    }
}

echo "-- wrong password\n";
// Dovecot's authentication penalty (anvil) delays every AUTH from 127.0.0.1 for up to 15 s after a
// failed CRAM-MD5 (no password checksum to recognise a repeated mistake), so CRAM-MD5 fails only once,
// last, with no AUTH after it.
$cases = [
    // [port, mechanism, how, log in again with the right password and send on the same object]
    ['submission', 'PLAIN', 'option', false],
    ['smtps', 'PLAIN', 'login()', true],
    ['submission', 'LOGIN', 'login()', true],
    ['smtps', 'LOGIN', 'option', false],
    ['submission', 'SCRAM-SHA-256', 'option', false],
    ['smtps', 'SCRAM-SHA-1', 'login()', true],
    ['submission', 'CRAM-MD5', 'login()', false],
];
$bad = ['wrong-password', base64_encode('wrong-password')];
foreach ($cases as [$port, $mech, $how, $again]) {
    $log = [];
    $opts = ['logger' => function (string $l) use (&$log) { $log[] = $l; }];
    if ($how === 'option') {
        $opts += ['username' => $env['user'], 'password' => 'wrong-password', 'auth' => $mech];
    }
    $smtp = pf_client($port, $opts);
    $e = $how === 'option'
        ? pf_catch(fn() => $smtp->send(pf_message(pf_id())->subject('never')->text("never\n")))
        : pf_catch(fn() => $smtp->login($env['user'], 'wrong-password', $mech));
    $problems = [];
    if (!$e instanceof Smtp\AuthenticationException) $problems[] = 'expected AuthenticationException, got ' . pf_describe($e);
    elseif ($e->getCode() !== 535 || $e->isTransient() || $e->getEnhancedStatus() !== '5.7.8') $problems[] = pf_describe($e);
    if ($e !== null && (str_contains($e->getMessage() . $e->getReply(), 'wrong-password')
        || str_contains($e->getMessage() . $e->getReply(), base64_encode('wrong-password')))) {
        $problems[] = 'password in the exception';
    }
    if ($e instanceof Smtp\Exception && !str_starts_with((string)$e->getReply(), '535 5.7.8')) $problems[] = 'getReply() ' . var_export($e->getReply(), true);
    foreach ($log as $l) {
        if (preg_match('/^C: (MAIL|RCPT|DATA|BDAT)/', $l)) $problems[] = "sent '$l'";
    }
    if ($again) {
        $e = pf_catch(fn() => $smtp->login($env['user'], $env['password'], $mech));
        if ($e !== null) {
            $problems[] = 'second login: ' . pf_describe($e);
        } else {
            $problems = array_merge($problems, deliver($smtp, "after a failed $mech login on $port"));
        }
    }
    $problems = array_merge($problems, leaks($log, array_merge($leaks, $bad)));
    pf_catch(fn() => $smtp->quit());
    pf_report(sprintf('%-10s %-13s %s', $port, $mech, $how . ($again ? ' + login()' : '')), $problems, 30);
}
?>
--EXPECT--
submission PLAIN         option ok
submission PLAIN         login() ok
submission LOGIN         option ok
submission LOGIN         login() ok
submission CRAM-MD5      option ok
submission CRAM-MD5      login() ok
submission SCRAM-SHA-1   option ok
submission SCRAM-SHA-1   login() ok
submission SCRAM-SHA-256 option ok
submission SCRAM-SHA-256 login() ok
submission default       option ok
submission default       login() ok
smtps      PLAIN         option ok
smtps      PLAIN         login() ok
smtps      LOGIN         option ok
smtps      LOGIN         login() ok
smtps      CRAM-MD5      option ok
smtps      CRAM-MD5      login() ok
smtps      SCRAM-SHA-1   option ok
smtps      SCRAM-SHA-1   login() ok
smtps      SCRAM-SHA-256 option ok
smtps      SCRAM-SHA-256 login() ok
smtps      default       option ok
smtps      default       login() ok
-- wrong password
submission PLAIN         option ok
smtps      PLAIN         login() + login() ok
submission LOGIN         login() + login() ok
smtps      LOGIN         option ok
submission SCRAM-SHA-256 option ok
smtps      SCRAM-SHA-1   login() + login() ok
submission CRAM-MD5      login() ok
