--TEST--
Seed bug: EHLO uses the helo option (not a hard-coded name); the default is a sane domain
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv, ['helo' => 'mail.client.example']);
$smtp->connect();
fake_done($smtp);
$t = fake_wait($srv);
echo fake_lines($t)[0], "\n";

// Default helo: the machine's FQDN, else "localhost" - never empty, never smtp.qq.com.
$srv = fake_auto();
$smtp = new Smtp('127.0.0.1', $srv->port, ['tls' => Smtp::TLS_NONE, 'timeout' => 5, 'command_timeout' => 10]);
$smtp->connect();
fake_done($smtp);
$t = fake_wait($srv);
$line = fake_lines($t)[0];
var_dump(str_starts_with($line, 'EHLO '));
$arg = substr($line, 5);
var_dump((bool)preg_match('/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$|^\[[0-9A-Fa-f.:IPv]+\]$/', $arg));
var_dump($arg !== 'smtp.qq.com');
?>
--EXPECT--
EHLO mail.client.example
bool(true)
bool(true)
bool(true)
