<?php
/*
 * The demo: send one UTF-8 message through a real SMTP server with STARTTLS and AUTH, print the
 * transcript (credentials redacted by the extension) and the result.
 *
 *   php -d extension=modules/smtp.so scripts/demo.php ENV_JSON
 *
 * ENV_JSON is what tests/postfix/start.sh writes: host, ports, user, password, cafile.
 */
$env = json_decode(file_get_contents($argv[1] ?? ''), true, 512, JSON_THROW_ON_ERROR);

$smtp = new Smtp($env['host'], $env['ports']['submission'], [
    'tls' => Smtp::TLS_STARTTLS,
    'context' => ['ssl' => ['cafile' => $env['cafile'], 'peer_name' => $env['tls_name']]],
    'username' => $env['user'],
    'password' => $env['password'],
    'helo' => 'demo.example.org',
    'logger' => function (string $line): void { echo "  $line\n"; },
]);

$message = (new Smtp\Message())
    ->from('sender@example.com', 'Zhāng Wěi')
    ->to('recipient@example.com', 'Recipient')
    ->subject('记得收衣服啊')
    ->text("你好！\n\nThis message went through the smtp extension with STARTTLS and AUTH.\n.A line that starts with a dot.\n");

echo "transcript:\n";
$result = $smtp->send($message);
$smtp->quit();

echo "\nresult:\n";
printf("  queue id:   %s\n  message id: %s\n  accepted:   %s\n  reply:      %s\n",
    $result->queueId, $result->messageId, implode(', ', $result->accepted), $result->reply);
