<?php
/*
 * Sending many messages over one connection: a newsletter to a list of recipients, each with its
 * own message. sendBatch() pipelines the transactions (one round trip per message instead of one per
 * command), and a failure of one message does not stop the others.
 *
 *   php -d extension=smtp examples/batch.php [COUNT]
 */

$cfg = require __DIR__ . '/config.php';
$count = max(1, (int) ($argv[1] ?? 5));

$smtp = new Smtp($cfg['host'], $cfg['submission_port'], [
    'username' => $cfg['user'],
    'password' => $cfg['password'],
    'context' => $cfg['context'],
]);

[$local, $domain] = explode('@', $cfg['to'], 2);
$messages = [];
for ($i = 1; $i <= $count; $i++) {
    $messages[] = (new Smtp\Message())
        ->from($cfg['from'], 'Newsletter')
        ->to("$local+$i@$domain")                     // one recipient per message, plus-addressed
        ->subject("Newsletter, part $i of $count")
        ->text("Hello subscriber $i,\n\nhere is this week's news.\n");
}

// One entry per message, in order: an Smtp\Result, or the Smtp\Exception that message got.
if (method_exists($smtp, 'sendBatch')) {
    $results = $smtp->sendBatch($messages);
} else {
    // The same outcome with send() in a loop (one connection, a few round trips per message).
    $results = [];
    foreach ($messages as $i => $message) {
        try {
            $results[$i] = $smtp->send($message);
        } catch (Smtp\ConnectionException $e) {
            throw $e;                                 // the connection is gone: stop
        } catch (Smtp\Exception $e) {
            $results[$i] = $e;
            $smtp->reset();                           // leave a clean state for the next message
        }
    }
}
$smtp->quit();

$sent = 0;
foreach ($results as $i => $r) {
    if ($r instanceof Smtp\Result) {
        $sent++;
        printf("#%d sent to %s: %s\n", $i + 1, implode(', ', $r->accepted), $r->queueId ?? $r->reply);
    } else {
        printf("#%d failed: %s%s\n", $i + 1, $r->getMessage(), $r->isTransient() ? ' (retry later)' : '');
    }
}
printf("%d of %d sent\n", $sent, count($messages));
exit($sent === count($messages) ? 0 : 1);
