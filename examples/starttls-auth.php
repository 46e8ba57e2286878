<?php
/*
 * The usual setup for a mail provider: the submission port (587), STARTTLS (required, the default),
 * then AUTH with a user name and password. Implicit TLS on port 465 works the same way: pass the
 * port 465 (or 'tls' => Smtp::TLS_IMPLICIT).
 *
 *   SMTP_HOST=smtp.example.com SMTP_USER=me@example.com SMTP_PASSWORD=secret \
 *   SMTP_FROM=me@example.com SMTP_TO=you@example.net php -d extension=smtp examples/starttls-auth.php
 */

$cfg = require __DIR__ . '/config.php';

$smtp = new Smtp($cfg['host'], $cfg['submission_port'], [
    'tls' => Smtp::TLS_STARTTLS,           // the default; shown for clarity
    'username' => $cfg['user'],            // with credentials, connect() authenticates after STARTTLS
    'password' => $cfg['password'],
    'context' => $cfg['context'],          // e.g. ['ssl' => ['cafile' => ...]] for a private CA
    // Print the dialogue; credentials are redacted by the extension.
    'logger' => getenv('SMTP_DEBUG') ? fn (string $line) => fwrite(STDERR, $line . "\n") : null,
]);

$message = (new Smtp\Message())
    ->from($cfg['from'], 'Example Sender')
    ->to($cfg['to'])
    ->subject('Grüße über STARTTLS ✉')      // non-ASCII is encoded (RFC 2047) automatically
    ->text("Hallo,\n\ndiese Nachricht kam verschlüsselt und authentifiziert an.\n");

try {
    $smtp->connect();                      // optional: send() connects lazily
    echo "server capabilities: ", implode(' ', array_keys($smtp->getCapabilities())), "\n";
    $result = $smtp->send($message);
    echo "accepted for: ", implode(', ', $result->accepted), "\n";
    echo "server said: ", $result->reply, "\n";
} catch (Smtp\TlsException $e) {
    fwrite(STDERR, "TLS problem (not offered, or certificate not trusted): {$e->getMessage()}\n");
    exit(1);
} catch (Smtp\AuthenticationException $e) {
    fwrite(STDERR, "login refused: {$e->getMessage()}\n");
    exit(1);
} catch (Smtp\Exception $e) {
    fwrite(STDERR, "failed: {$e->getMessage()} (enhanced status {$e->getEnhancedStatus()})\n");
    exit(1);
} finally {
    $smtp->quit();
}
