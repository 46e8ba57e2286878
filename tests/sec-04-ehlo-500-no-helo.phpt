--TEST--
Security 4: EHLO answered 500 while TLS is required -> error, no HELO fallback in clear text
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

foreach (["500 5.5.1 command unrecognized\r\n", "502 5.5.2 not implemented\r\n"] as $reply) {
    $srv = fake_auto(['starttls' => true, 'reply' => ['EHLO' => $reply]], ['tls' => 'localhost']);
    $smtp = fake_client($srv, ['tls' => Smtp::TLS_STARTTLS, 'username' => 'u@example.com', 'password' => 'no-helo-secret']);
    $e = fake_catch(fn() => $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t')));
    fake_done($smtp);
    $t = fake_wait($srv);
    printf("starttls %s: exception=%s helo=%s mail=%s auth=%s\n", substr($reply, 0, 3),
        $e instanceof Smtp\Exception ? 'yes' : 'no',
        fake_sent_command($t, 'HELO') ? 'yes' : 'no', fake_sent_command($t, 'MAIL') ? 'yes' : 'no',
        fake_sent_command($t, 'AUTH') ? 'yes' : 'no');
}
?>
--EXPECT--
starttls 500: exception=yes helo=no mail=no auth=no
starttls 502: exception=yes helo=no mail=no auth=no
