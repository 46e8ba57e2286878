--TEST--
sendBatch(): every item is checked before anything is sent; a bad one is a ValueError / TypeError naming its position (and the part: message, from, to); zero bytes sent; an empty batch sends nothing
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$srv = fake_auto();
$smtp = fake_client($srv);
$good = (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('s')->text("t\n");
$noTo = (new Smtp\Message)->from('a@example.com')->subject('s')->text("t\n");
$noFrom = (new Smtp\Message)->to('b@example.net')->subject('s')->text("t\n");

$cases = [
    'bad recipient' => [$good, [$good, null, "b@example.net>\r\nDATA"]],
    'bad recipient in a list' => [$good, $good, [$good, null, ['ok@example.net', 'no at sign']]],
    'recipient not a string' => [[$good, null, ['ok@example.net', 42]]],
    'bad sender' => [[$good, "a@example.com\r\nRSET"]],
    'no recipients' => [$good, $noTo],
    'no sender' => [$noFrom],
    'raw without from' => [["Subject: x\r\n\r\nbody\r\n"]],
    'raw without to' => [$good, ["Subject: x\r\n\r\nbody\r\n", 'a@example.com']],
    'raw with NUL' => [["Subject: x\r\n\r\nbo\0dy\r\n", 'a@example.com', 'b@example.net']],
    'not a message' => [$good, new stdClass],
    'a bare string' => ["Subject: x\r\n\r\nbody\r\n"],
    'message of the wrong type' => [[42, 'a@example.com', 'b@example.net']],
    'from of the wrong type' => [[$good, ['a@example.com']]],
    'too many parts' => [[$good, null, null, null, 'x']],
    'dsn of the wrong type' => [[$good, null, null, 'x']],
    'bad dsn' => [[$good, null, null, ['ret' => 'ALL']]],
    'not a list' => [['message' => $good]],
    'empty array' => [[]],
    'bad item from a generator' => (function () use ($good) { yield $good; yield $good; yield [$good, 'not an address']; })(),
];
foreach ($cases as $name => $items) {
    $e = fake_catch(fn() => $smtp->sendBatch($items));
    echo str_pad($name, 28), $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception', "\n";
}
var_dump($smtp->sendBatch([]), $smtp->sendBatch(new ArrayIterator([])), $smtp->isConnected());

// an exception thrown by the iterator comes out as is, before anything is sent
$e = fake_catch(fn() => $smtp->sendBatch((function () use ($good) { yield $good; throw new LogicException('from the generator'); })()));
echo get_class($e), ': ', $e->getMessage(), "\n";

fake_done($smtp);
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECTF--
bad recipient               ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 1: to must be a valid email address: %s
bad recipient in a list     ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 2: to must contain only valid email addresses, an entry is not: %s
recipient not a string      TypeError: Smtp::sendBatch(): Argument #1 ($messages) item 0: to must contain only strings, int given
bad sender                  ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: from must be a valid email address: %s
no recipients               ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 1: to must not be empty when the message has no To, Cc or Bcc address
no sender                   ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: from must be given when the message has no From or Sender address
raw without from            ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: from must be given when the message is a string
raw without to              ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 1: to must name at least one recipient when the message is a string
raw with NUL                ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: message must not contain NUL bytes
not a message               TypeError: Smtp::sendBatch(): Argument #1 ($messages) must contain only Smtp\Message objects or [message, from, to, dsn] arrays, stdClass given at item 1
a bare string               TypeError: Smtp::sendBatch(): Argument #1 ($messages) must contain only Smtp\Message objects or [message, from, to, dsn] arrays, string given at item 0
message of the wrong type   TypeError: Smtp::sendBatch(): Argument #1 ($messages) item 0: message must be of type Smtp\Message|string|resource|iterable, int given
from of the wrong type      TypeError: Smtp::sendBatch(): Argument #1 ($messages) item 0: from must be of type ?string, array given
too many parts              ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: must be an Smtp\Message or a list [message, from, to, dsn]
dsn of the wrong type       TypeError: Smtp::sendBatch(): Argument #1 ($messages) item 0: dsn must be of type ?array, string given
bad dsn                     ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: dsn ['ret'] must be "FULL" or "HDRS"
not a list                  ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: must be an Smtp\Message or a list [message, from, to, dsn]
empty array                 ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 0: must be an Smtp\Message or a list [message, from, to, dsn]
bad item from a generator   ValueError: Smtp::sendBatch(): Argument #1 ($messages) item 2: from must be a valid email address: %s
array(0) {
}
array(0) {
}
bool(false)
LogicException: from the generator
string(0) ""
