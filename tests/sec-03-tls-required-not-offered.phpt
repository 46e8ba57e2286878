--TEST--
Security 3: TLS required but STARTTLS absent / 502 / 454 -> TlsException, no AUTH/MAIL sent
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$auth = ['user' => 'user@example.com', 'password' => 'tls-secret'];
$cases = [
    'absent' => ['auth' => $auth],
    '502' => ['auth' => $auth, 'starttls' => true, 'reply' => ['STARTTLS' => "502 5.5.1 not implemented\r\n"]],
    '454' => ['auth' => $auth, 'starttls' => true, 'reply' => ['STARTTLS' => "454 4.7.0 TLS not available due to temporary reason\r\n"]],
];
foreach ($cases as $name => $auto) {
    foreach (['send', 'login'] as $how) {
        $srv = fake_auto($auto, ['tls' => 'localhost']);
        $smtp = fake_client($srv, ['tls' => Smtp::TLS_STARTTLS]
            + ($how === 'send' ? ['username' => 'user@example.com', 'password' => 'tls-secret'] : []));
        $e = fake_catch(function () use ($smtp, $how) {
            if ($how === 'login') {
                $smtp->connect();
                $smtp->login('user@example.com', 'tls-secret');
            }
            $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t'));
        });
        fake_done($smtp);
        $t = fake_wait($srv);
        printf("%-6s %-5s %s auth=%s mail=%s helo=%s secret=%s\n", $name, $how,
            $e instanceof Smtp\TlsException ? 'TlsException' : fake_describe($e),
            fake_sent_command($t, 'AUTH') ? 'yes' : 'no', fake_sent_command($t, 'MAIL') ? 'yes' : 'no',
            fake_sent_command($t, 'HELO') ? 'yes' : 'no', str_contains($t['raw'], 'tls-secret') ? 'yes' : 'no');
    }
}
?>
--EXPECT--
absent send  TlsException auth=no mail=no helo=no secret=no
absent login TlsException auth=no mail=no helo=no secret=no
502    send  TlsException auth=no mail=no helo=no secret=no
502    login TlsException auth=no mail=no helo=no secret=no
454    send  TlsException auth=no mail=no helo=no secret=no
454    login TlsException auth=no mail=no helo=no secret=no
