--TEST--
Seed bug: multi-line replies are read whole (greeting, EHLO with 10 continuation lines, MAIL, RCPT)
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$ehlo = ['PIPELINING', 'SIZE 12345', 'ENHANCEDSTATUSCODES', '8BITMIME'];
for ($i = 1; $i <= 10; $i++) {
    $ehlo[] = "X-K$i" . ($i === 3 ? ' a b' : '');
}
$srv = fake_auto([
    'greeting' => "220-fake.example ESMTP\r\n220-second greeting line\r\n220 third greeting line\r\n",
    'ehlo' => $ehlo,
    'reply' => [
        'MAIL' => "250-2.1.0 first line\r\n250-2.1.0 second line\r\n250 2.1.0 Ok\r\n",
        'RCPT' => "250-2.1.5 first line\r\n250 2.1.5 Ok\r\n",
    ],
]);
$smtp = fake_client($srv);
$smtp->connect();

$caps = $smtp->getCapabilities();
$missing = [];
for ($i = 1; $i <= 10; $i++) {
    if (!array_key_exists("X-K$i", $caps)) {
        $missing[] = "X-K$i";
    }
}
echo 'missing: ', implode(',', $missing), "\n";
var_dump($caps['SIZE'] ?? null, $caps['X-K3'] ?? null, isset($caps['PIPELINING']));

// The EHLO reply: 1 greeting line + 14 keyword lines, joined by "\n".
$last = $smtp->getLastReply();
var_dump(substr_count($last, "\n"), str_contains($last, 'X-K10'));

$r = $smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('x')->text('y'));
var_dump($r->queueId);
$smtp->quit();
$smtp = null;
$t = fake_wait($srv);
echo implode("\n", array_map(fn($l) => strtok($l, ':'), fake_lines($t))), "\n";
var_dump(count($t['messages']), $t['errors']);
?>
--EXPECT--
missing: 
string(5) "12345"
string(3) "a b"
bool(true)
int(14)
bool(true)
string(6) "ABC123"
EHLO client.example
MAIL FROM
RCPT TO
DATA
QUIT
int(1)
array(0) {
}
