--TEST--
smtp: the extension is loaded and declares its classes, constants and exception hierarchy
--EXTENSIONS--
smtp
--FILE--
<?php
var_dump(extension_loaded('smtp'));
var_dump(phpversion('smtp') !== false);
foreach (['Smtp', 'Smtp\Message', 'Smtp\Result', 'Smtp\Exception'] as $class) {
    echo $class, ': ', class_exists($class) ? 'yes' : 'no', "\n";
}
var_dump(function_exists('smtp_mail'));
var_dump(Smtp::TLS_NONE, Smtp::TLS_STARTTLS, Smtp::TLS_IMPLICIT, Smtp::TLS_OPPORTUNISTIC);
var_dump(get_parent_class('Smtp\Exception'));
foreach (['ConnectionException', 'TlsException', 'AuthenticationException', 'ResponseException', 'RecipientException'] as $c) {
    echo "Smtp\\$c: ", get_parent_class("Smtp\\$c"), "\n";
}
var_dump(is_subclass_of('Smtp\TlsException', 'Smtp\Exception'));
var_dump((new ReflectionClass('Smtp'))->isFinal());
var_dump(ini_get('smtp.override_mail'));
?>
--EXPECT--
bool(true)
bool(true)
Smtp: yes
Smtp\Message: yes
Smtp\Result: yes
Smtp\Exception: yes
bool(true)
int(0)
int(1)
int(2)
int(3)
string(16) "RuntimeException"
Smtp\ConnectionException: Smtp\Exception
Smtp\TlsException: Smtp\ConnectionException
Smtp\AuthenticationException: Smtp\Exception
Smtp\ResponseException: Smtp\Exception
Smtp\RecipientException: Smtp\Exception
bool(true)
bool(true)
string(1) "0"
