<?php
/*
 * Old code that calls mail() gains SMTP, AUTH and TLS without a change: with smtp.override_mail=1
 * (php.ini or -d only, not ini_set) PHP's mail() sends through the server in the smtp.* settings.
 *
 *   php -d extension=smtp -d smtp.override_mail=1 -d smtp.host=127.0.0.1 -d smtp.port=25 \
 *       -d smtp.tls=none -d smtp.from=sender@example.com examples/mail-override.php
 *
 * In php.ini:
 *   extension=smtp
 *   smtp.override_mail = 1
 *   smtp.host = smtp.example.com
 *   smtp.port = 587
 *   smtp.tls = starttls            ; auto (the default: by port), starttls, implicit, opportunistic, none
 *   smtp.username = me@example.com
 *   smtp.password = secret
 *   smtp.from = me@example.com     ; else sendmail_from
 *
 * For a server with a private CA, trust it with -d openssl.cafile=/path/to/ca.pem.
 * Without the override, smtp_mail() takes the same arguments as mail().
 */

$cfg = require __DIR__ . '/config.php';

// The smtp.* settings other than smtp.override_mail may also be changed at run time. When the
// command line names no server, use the plain-SMTP one from the environment (see config.php).
if (ini_get('smtp.host') === '' && ini_get('smtp.port') === '0') {
    ini_set('smtp.host', $cfg['host']);
    ini_set('smtp.port', (string) $cfg['plain_port']);
    ini_set('smtp.tls', 'none');
}
if (ini_get('smtp.from') === '' && ini_get('sendmail_from') == '') {
    ini_set('smtp.from', $cfg['from']);
}

$to = $cfg['to'];
$subject = 'Sent by mail()';
$body = "This message was sent by PHP's mail() function.\n";
$headers = ['Content-Type' => 'text/plain; charset=UTF-8', 'X-Mailer' => 'smtp examples'];

if (ini_get('smtp.override_mail')) {
    echo "smtp.override_mail is on: mail() speaks SMTP to ", ini_get('smtp.host'), "\n";
    $ok = mail($to, $subject, $body, $headers);
} else {
    echo "smtp.override_mail is off (mail() would use sendmail): calling smtp_mail() instead\n";
    $ok = smtp_mail($to, $subject, $body, $headers);
}
// Like mail(): true when the server accepted the message, false with a warning otherwise.
echo $ok ? "accepted\n" : "not accepted\n";
exit($ok ? 0 : 1);
