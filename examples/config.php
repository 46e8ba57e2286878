<?php
/*
 * Connection settings shared by the examples, from the environment:
 *
 *   SMTP_HOST (localhost)   SMTP_PORT (per example: 25, 587 or 465)   SMTP_USER   SMTP_PASSWORD
 *   SMTP_CAFILE (CA bundle to trust, e.g. for a private test server)   SMTP_PEER_NAME (name on its certificate)
 *   SMTP_FROM (sender@example.com)   SMTP_TO (recipient@example.com)
 *
 * Or point SMTP_TEST_POSTFIX_ENV at the env.json that tests/postfix/start.sh writes to use the
 * project's private Postfix (plain, submission and smtps ports, its test user and its CA).
 * Variables set explicitly win over env.json.
 */

$cfg = [
    'host' => 'localhost',
    'plain_port' => 25,          // plain SMTP (examples/plain-send.php)
    'submission_port' => 587,    // STARTTLS + AUTH
    'smtps_port' => 465,         // implicit TLS
    'user' => null,
    'password' => null,
    'cafile' => null,
    'peer_name' => null,
    'from' => 'sender@example.com',
    'to' => 'recipient@example.com',
];

$envFile = getenv('SMTP_TEST_POSTFIX_ENV');
if ($envFile !== false && $envFile !== '') {
    $pf = json_decode((string) file_get_contents($envFile), true, 16, JSON_THROW_ON_ERROR);
    $cfg['host'] = $pf['host'];
    $cfg['plain_port'] = $pf['ports']['plain'];
    $cfg['submission_port'] = $pf['ports']['submission'];
    $cfg['smtps_port'] = $pf['ports']['smtps'];
    $cfg['user'] = $pf['user'];
    $cfg['password'] = $pf['password'];
    $cfg['cafile'] = $pf['cafile'];
    $cfg['peer_name'] = $pf['tls_name'] ?? null;
}

foreach (['host' => 'SMTP_HOST', 'user' => 'SMTP_USER', 'password' => 'SMTP_PASSWORD', 'cafile' => 'SMTP_CAFILE',
          'peer_name' => 'SMTP_PEER_NAME', 'from' => 'SMTP_FROM', 'to' => 'SMTP_TO'] as $key => $var) {
    $value = getenv($var);
    if ($value !== false && $value !== '') {
        $cfg[$key] = $value;
    }
}
$port = getenv('SMTP_PORT');
if ($port !== false && $port !== '') {
    // one explicit port overrides whichever port the example would use
    $cfg['plain_port'] = $cfg['submission_port'] = $cfg['smtps_port'] = (int) $port;
}

// Stream context for TLS: trust a private CA and check the name on the server's certificate.
$cfg['context'] = [];
if ($cfg['cafile'] !== null) {
    $cfg['context']['ssl']['cafile'] = $cfg['cafile'];
}
if ($cfg['peer_name'] !== null) {
    $cfg['context']['ssl']['peer_name'] = $cfg['peer_name'];
}

if (!extension_loaded('smtp')) {
    fwrite(STDERR, "The smtp extension is not loaded: run with php -d extension=smtp (or enable it in php.ini).\n");
    exit(1);
}

return $cfg;
