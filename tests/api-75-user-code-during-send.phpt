--TEST--
User code running during a send (the logger) cannot break it: a Message changed meanwhile is sent as it was, a stream closed meanwhile fails cleanly; handles that are not message streams and bad ORCPT/RET values are refused before connecting
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

echo "-- the logger changes the Message after MAIL: what goes out is the message as send() got it\n";
$msg = (new Smtp\Message)->from('first@example.com', 'First Name')->to('b@example.com')
    ->subject('before')->text("the original text\n")->attachData('original bytes', 'a.txt');
$srv = fake_auto(['ehlo' => ['PIPELINING']]);
$smtp = fake_client($srv, ['logger' => function (string $l) use ($msg) {
    if (str_starts_with($l, 'C: MAIL')) {
        $msg->from(str_repeat('g', 40) . '@example.com', 'Other ' . str_repeat('o', 40))
            ->subject(str_repeat('x', 60))->text('changed')->attachData('more', 'b.txt')->header('X-Late', 'yes');
    }
}]);
$r = $smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
$p = fake_parse($t['messages'][0]['data']);
echo fake_header($p, 'From'), ' | ', fake_header($p, 'Subject'), "\n";
var_dump(str_contains($t['messages'][0]['data'], 'the original text'), str_contains($t['messages'][0]['data'], 'X-Late'),
    str_contains($t['messages'][0]['data'], 'b.txt'));
echo "and the message has the changes now: ", str_contains($msg->toString(), 'X-Late: yes') ? 'yes' : 'no', "\n";

echo "-- the logger closes the message stream in the middle of BDAT\n";
$file = tempnam(sys_get_temp_dir(), 'smtp075');
file_put_contents($file, "Subject: x\r\n\r\n" . str_repeat(str_repeat('y', 70) . "\r\n", 20000));
$h = fopen($file, 'r');
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING']]);
$smtp = fake_client($srv, ['logger' => function (string $l) use (&$h) {
    if (str_starts_with($l, 'C: BDAT') && is_resource($h)) {
        fclose($h);
    }
}]);
$e = fake_catch(fn() => $smtp->send($h, 'a@example.com', 'b@example.com'));
echo get_class($e), ': ', $e->getMessage(), "\n";
fake_done($smtp);
$t = fake_wait($srv);
echo count($t['messages']), " messages delivered\n";
unlink($file);

echo "-- handles that are not a message stream: refused before connecting\n";
$srv = fake_auto([]);
$smtp = fake_client($srv);
$closed = fopen('php://memory', 'r');
fclose($closed);
$cases = [
    'closed stream' => $closed,
    'directory handle' => opendir(__DIR__),
    'stream context' => stream_context_create(),
];
foreach ($cases as $name => $v) {
    $e = fake_catch(fn() => $smtp->send($v, 'a@example.com', 'b@example.com'));
    printf("%-17s %s: %s\n", $name, get_class($e), $e->getMessage());
}

echo "-- ORCPT and RET values\n";
$m = new Smtp\Message;
foreach ([
    'not an address' => ['recipients' => ['b@example.com' => ['orcpt' => ';x']]],
    'rfc822 not ASCII' => ['recipients' => ['b@example.com' => ['orcpt' => 'rfc822;ü@example.com']]],
    'too long encoded' => ['recipients' => ['b@example.com' => ['orcpt' => 'rfc822;' . str_repeat('+', 200) . '@example.com']]],
    'ret not a string' => ['ret' => 5],
] as $name => $options) {
    $e = fake_catch(fn() => $m->dsn($options));
    printf("%-17s %s: %s\n", $name, get_class($e), $e->getMessage());
}
$m->dsn(['recipients' => ['b@example.com' => ['orcpt' => 'utf-8;jürgen@bücher.example']]]);
$m->dsn(['recipients' => ['b@example.com' => ['orcpt' => 'jürgen@bücher.example']]]);
echo "utf-8 ORCPT accepted\n";
fake_done($smtp);
$t = fake_wait($srv);
echo strlen($t['raw']), " bytes reached the server\n";
?>
--EXPECTF--
-- the logger changes the Message after MAIL: what goes out is the message as send() got it
First Name <first@example.com> | before
bool(true)
bool(false)
bool(false)
and the message has the changes now: yes
-- the logger closes the message stream in the middle of BDAT
Smtp\Exception: Not sent: the message stream was closed while it was read
0 messages delivered
-- handles that are not a message stream: refused before connecting
closed stream     TypeError: Smtp::send(): Argument #1 ($message) must be of type Smtp\Message|string|resource, closed resource given
directory handle  ValueError: Smtp::send(): Argument #1 ($message) must be a stream of a message, not a directory handle
stream context    TypeError: Smtp::send(): Argument #1 ($message) must be of type Smtp\Message|string|resource, resource that is not a stream given
-- ORCPT and RET values
not an address    ValueError: Smtp\Message::dsn(): Argument #1 ($options) ['recipients']['b@example.com']['orcpt'] must be a valid email address or "type;address": %s
rfc822 not ASCII  ValueError: Smtp\Message::dsn(): Argument #1 ($options) ['recipients']['b@example.com']['orcpt'] must be ASCII for type rfc822 (use the utf-8 type, RFC 6533)
too long encoded  ValueError: Smtp\Message::dsn(): Argument #1 ($options) ['recipients']['b@example.com']['orcpt'] must be at most 500 characters once encoded (RFC 3461)
ret not a string  TypeError: Smtp\Message::dsn(): Argument #1 ($options) ['ret'] must be of type string, int given
utf-8 ORCPT accepted
0 bytes reached the server
