<?php
/*
 * A message with a plain-text and an HTML version, an inline image referenced from the HTML, a file
 * attachment streamed from disk and one generated in memory. toString() shows the exact bytes.
 *
 *   php -d extension=smtp examples/html-attachment.php            (sends via submission + STARTTLS)
 *   php -d extension=smtp examples/html-attachment.php --print    (only prints the message)
 */

$cfg = require __DIR__ . '/config.php';

// A small PNG to embed (1x1 pixel), written to a temporary file like any image on disk.
$logo = tempnam(sys_get_temp_dir(), 'logo');
file_put_contents($logo, base64_decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='));

$csv = "date,amount\n2026-01-01,10.00\n2026-01-02,12.50\n";

$message = (new Smtp\Message())
    ->from($cfg['from'], 'Reports')
    ->to($cfg['to'])
    ->replyTo('no-reply@example.com')
    ->subject('Your monthly report')
    ->text("Your report is attached.\n")                                  // for clients without HTML
    ->html('<p>Your report is attached.</p><p><img src="cid:logo" alt="logo"></p>')
    ->embed($logo, 'logo', 'image/png')                                   // shown inside the HTML
    ->attach(__FILE__, 'example-source.php', 'text/plain')                // read while sending
    ->attachData($csv, 'report 2026-01.csv', 'text/csv')                  // from memory
    ->header('X-Report-Id', '2026-01');

if (in_array('--print', $argv, true)) {
    echo $message->toString();
    unlink($logo);
    exit(0);
}

$smtp = new Smtp($cfg['host'], $cfg['submission_port'], [
    'username' => $cfg['user'],
    'password' => $cfg['password'],
    'context' => $cfg['context'],
]);
try {
    $result = $smtp->send($message);
    echo "sent, Message-ID ", $result->messageId, "\n";
} catch (Smtp\Exception $e) {
    fwrite(STDERR, "failed: {$e->getMessage()}\n");
    exit(1);
} finally {
    $smtp->quit();
    unlink($logo);
}
