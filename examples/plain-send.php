<?php
/*
 * The simplest send: plain SMTP without TLS or authentication, e.g. to a local relay or a
 * development server (MailHog, smtp-sink, Postfix on localhost) on port 25.
 *
 *   php -d extension=smtp examples/plain-send.php
 *   SMTP_HOST=127.0.0.1 SMTP_PORT=2525 php -d extension=smtp examples/plain-send.php
 */

$cfg = require __DIR__ . '/config.php';

// TLS_NONE has to be asked for: by default the client insists on STARTTLS.
$smtp = new Smtp($cfg['host'], $cfg['plain_port'], [
    'tls' => Smtp::TLS_NONE,
    'timeout' => 10,
]);

try {
    // sendMail() is the mail()-like shortcut: from, to, subject, plain-text body, extra headers.
    $result = $smtp->sendMail(
        $cfg['from'],
        $cfg['to'],
        'Hello from the smtp extension',
        "Hi,\n\nthis message went out over plain SMTP.\n",
        ['X-Mailer' => 'smtp examples'],
    );
    printf("sent: %s (queue id %s)\n", $result->reply, $result->queueId ?? 'unknown');
} catch (Smtp\Exception $e) {
    // The code is the SMTP reply code (0 for a network error); isTransient() says if a retry may work.
    fprintf(STDERR, "failed (%d%s): %s\n", $e->getCode(), $e->isTransient() ? ', try later' : '', $e->getMessage());
    exit(1);
} finally {
    $smtp->quit();
}
