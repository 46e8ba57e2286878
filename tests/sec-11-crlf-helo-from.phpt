--TEST--
Security 11: CR/LF/NUL in helo, envelope from and sender addresses -> ValueError, zero bytes sent
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$port = $srv->port;
$m = fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text('t');
foreach (["\r\n", "\n", "\r", "\0"] as $bad) {
    $r = [];
    // helo: refused by the constructor or at the latest by connect(), before connecting.
    $r[] = get_class(fake_catch(function () use ($port, $bad) {
        $s = new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE, 'helo' => "client.example{$bad}MAIL FROM:<x@example.com>"]);
        $s->connect();
    }) ?? new stdClass);
    $smtp = new Smtp('127.0.0.1', $port, ['tls' => Smtp::TLS_NONE, 'helo' => 'client.example', 'timeout' => 5]);
    $from = "a@example.com>{$bad}RCPT TO:<x@example.com";
    $r[] = get_class(fake_catch(fn() => $smtp->send($m(), $from)) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->from($from))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->sender($from))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send($m()->replyTo($from))) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->sendMail($from, 'b@example.com', 's', 'b')) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->send("Subject: s\r\n\r\nb\r\n", $from, 'b@example.com')) ?? new stdClass);
    $r[] = get_class(fake_catch(fn() => $smtp->login("user{$bad}MAIL FROM:<x@example.com>", 'pw')) ?? new stdClass);
    printf("%-6s %s\n", json_encode($bad), implode(' ', $r));
    $smtp = null;
}
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECT--
"\r\n" ValueError ValueError ValueError ValueError ValueError ValueError ValueError ValueError
"\n"   ValueError ValueError ValueError ValueError ValueError ValueError ValueError ValueError
"\r"   ValueError ValueError ValueError ValueError ValueError ValueError ValueError ValueError
"\u0000" ValueError ValueError ValueError ValueError ValueError ValueError ValueError ValueError
string(0) ""
