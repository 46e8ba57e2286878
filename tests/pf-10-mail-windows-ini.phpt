--TEST--
Real Postfix: a Windows php.ini with only SMTP, smtp_port, sendmail_from, smtp.override_mail and credentials sends mail() over STARTTLS + AUTH; smtp.host/smtp.port/smtp.from win over them when set
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';
require __DIR__ . '/fake/phpini.inc';

$env = pf_env();

function send_with(string $ini, string $id): void
{
    $r = phpini_run($ini, 'var_dump(mail("rcpt@example.net", "windows ini", "Body\n", "X-Test-Id: ' . $id . '"));');
    echo trim($r['stdout']), trim($r['stderr']) === '' ? '' : ' ' . trim($r['stderr']), "\n";
}

function show(string $id): void
{
    $got = pf_find($id);
    echo count($got), ' copy, ', pf_protocol($got[0]), ', ', $got[0]['envelope']['from'], ' -> ', $got[0]['envelope']['to'],
        ', From: ', $got[0]['from'], "\n";
}

echo "-- Windows settings only (port 587-like: STARTTLS required, AUTH required to relay)\n";
$id = pf_id();
send_with(<<<INI
    [mail function]
    SMTP = {$env['tls_name']}
    smtp_port = {$env['ports']['submission']}
    sendmail_from = sender@example.com
    smtp.override_mail = 1
    smtp.username = "{$env['user']}"
    smtp.password = "{$env['password']}"
    openssl.cafile = "{$env['cafile']}"
    INI, $id);
show($id);

echo "-- smtp.host, smtp.port, smtp.tls and smtp.from win over SMTP, smtp_port and sendmail_from\n";
$id = pf_id();
send_with(<<<INI
    SMTP = nowhere.invalid
    smtp_port = 9
    sendmail_from = wrong@example.com
    smtp.override_mail = 1
    smtp.host = {$env['host']}
    smtp.port = {$env['ports']['plain']}
    smtp.tls = none
    smtp.from = "Site <site@example.com>"
    INI, $id);
show($id);
?>
--EXPECT--
-- Windows settings only (port 587-like: STARTTLS required, AUTH required to relay)
bool(true)
1 copy, ESMTPSA, sender@example.com -> rcpt@example.net, From: sender@example.com
-- smtp.host, smtp.port, smtp.tls and smtp.from win over SMTP, smtp_port and sendmail_from
bool(true)
1 copy, ESMTP, site@example.com -> rcpt@example.net, From: Site <site@example.com>
