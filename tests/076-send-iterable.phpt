--TEST--
send() of an iterable of strings (array, Generator, Iterator, IteratorAggregate): sent as it is read, no SIZE=, DATA and BDAT; non-string items are a TypeError (an array's before connecting); an iterable that throws mid-body aborts the transaction (no final dot, no BDAT LAST) with its exception as previous; DKIM refuses a Generator and reads an IteratorAggregate twice; batch
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); if (!extension_loaded('openssl')) die('skip openssl not loaded (the test makes a DKIM key)'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

function envelope_lines(array $t): array
{
    return array_values(array_filter(fake_lines($t), fn($l) => preg_match('/^(MAIL|BDAT) /', $l)));
}

$head = "From: a@example.com\r\nTo: b@example.com\r\nSubject: iterable\r\nMessage-ID: <it1@example.com>\r\n\r\n";
$body = '';
for ($i = 0; $i < 3000; $i++) {
    $body .= ($i % 5 === 0 ? '.' : '') . "line $i " . str_repeat('x', $i % 70) . "\r\n";
}
$raw = $head . $body;
$chunks = [$head, '', ...str_split($body, 4093)];

function gen(array $chunks): Generator
{
    foreach ($chunks as $c) {
        yield $c;
    }
}

final class Chunks implements IteratorAggregate
{
    public int $passes = 0;
    public function __construct(private array $chunks) {}
    public function getIterator(): Generator
    {
        $this->passes++;
        yield from $this->chunks;
    }
}

$ehlo = ['PIPELINING', '8BITMIME', 'SIZE 50000000'];
$bdat = ['PIPELINING', 'CHUNKING', '8BITMIME', 'SIZE 50000000'];

echo "-- array, Generator, ArrayIterator, IteratorAggregate; DATA and BDAT\n";
foreach (['DATA' => $ehlo, 'BDAT' => $bdat] as $via => $e) {
    $srv = fake_auto(['ehlo' => $e]);
    $smtp = fake_client($srv);
    $ids = [];
    foreach ([$chunks, gen($chunks), new ArrayIterator($chunks), new Chunks($chunks)] as $it) {
        $ids[] = $smtp->send($it, 'bounce@example.com', 'b@example.com')->messageId;
    }
    fake_done($smtp);
    $t = fake_wait($srv);
    foreach ($t['messages'] as $i => $m) {
        echo $via, ' ', $i, ' ', $m['via'], ' ', $m['data'] === $raw ? 'identical' : 'DIFFERENT', ' ', $ids[$i], "\n";
    }
    echo json_encode(array_values(array_unique(array_filter(envelope_lines($t), fn($l) => str_starts_with($l, 'MAIL'))))), "\n";
}

echo "-- errors\n";
// four connections for each: the bad item, the throw and the used generator each end theirs
$conns = [];
foreach ([$ehlo, $bdat] as $e) {
    for ($i = 0; $i < 4; $i++) {
        $conns[] = [['auto' => ['ehlo' => $e]]];
    }
}
$srv = fake_start(['conns' => $conns]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send([$head, 42], 'a@example.com', 'b@example.com'));
echo fake_describe($e), ' ', $e->getMessage(), "\n";
echo fake_describe(fake_catch(fn() => $smtp->send(gen([$head]), null, 'b@example.com'))), "\n";
echo fake_describe(fake_catch(fn() => $smtp->send(gen([$head]), 'a@example.com', []))), "\n";
var_dump($smtp->isConnected());
foreach (['DATA', 'BDAT'] as $via) {
    // a Traversable's bad item is found as it is read: mid-body, the transaction is abandoned
    $e = fake_catch(fn() => $smtp->send(gen([$head, str_repeat("y\r\n", 100000), ['no']]), 'a@example.com', 'b@example.com'));
    echo $via, ' ', fake_describe($e), ' ', $e->getMessage(), "\n";
    var_dump($smtp->isConnected());
    $thrower = (function () use ($head) {
        yield $head;
        yield str_repeat("z\r\n", 100000);
        throw new RuntimeException('the template failed');
    })();
    $e = fake_catch(fn() => $smtp->send($thrower, 'a@example.com', 'b@example.com'));
    echo $via, ' ', get_class($e), ': ', $e->getMessage(), ' | previous: ', get_class($e->getPrevious()), ': ',
        $e->getPrevious()->getMessage(), "\n";
    var_dump($smtp->isConnected());
    // a generator already run cannot be sent again
    $used = gen([$head, "x\r\n"]);
    foreach ($used as $_) {
    }
    $e = fake_catch(fn() => $smtp->send($used, 'a@example.com', 'b@example.com'));
    echo $via, ' ', get_class($e), ': ', $e->getMessage(), ' | previous: ', get_class($e->getPrevious()), "\n";
    $smtp->send([$head, "fine\r\n"], 'a@example.com', 'ok@example.com');
    $smtp->quit();
}
$smtp = null;
$t = fake_wait($srv);
foreach ($t['conns'] as $n => $c) {
    printf("conn %d: final dot=%s BDAT LAST count=%d\n", $n, var_export(str_contains($c, "\r\n.\r\n"), true),
        preg_match_all('/^BDAT \d+ LAST\r$/m', $c));
}
echo json_encode(array_map(fn($m) => $m['conn'] . ':' . implode(',', $m['rcpt']) . ':' . strlen($m['data']), $t['messages'])), "\n";

echo "-- NUL in an item: ValueError, nothing delivered\n";
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
echo fake_describe(fake_catch(fn() => $smtp->send(gen([$head, "a\0b\r\n"]), 'a@example.com', 'b@example.com'))), "\n";
$smtp = null;
$t = fake_wait($srv);
var_dump(count($t['messages']));

echo "-- DKIM: a Generator is refused before connecting; an IteratorAggregate is read twice\n";
$key = openssl_pkey_new(['private_key_type' => OPENSSL_KEYTYPE_RSA, 'private_key_bits' => 2048]);
openssl_pkey_export($key, $pem);
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv, ['dkim' => ['domain' => 'example.com', 'selector' => 's1', 'key' => $pem]]);
echo fake_describe(fake_catch(fn() => $smtp->send(gen($chunks), 'a@example.com', 'b@example.com'))), "\n";
var_dump($smtp->isConnected());
$agg = new Chunks($chunks);
$smtp->send($agg, 'a@example.com', 'b@example.com');
var_dump($agg->passes);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(str_starts_with($t['messages'][0]['data'], 'DKIM-Signature: '), str_ends_with($t['messages'][0]['data'], $raw));

echo "-- sendBatch\n";
$srv = fake_auto(['ehlo' => $ehlo]);
$smtp = fake_client($srv);
$res = $smtp->sendBatch([[gen($chunks), 'a@example.com', 'b@example.com'], [$chunks, 'a@example.com', 'c@example.com']]);
foreach ($res as $r) {
    echo get_class($r), ' ', $r->messageId, "\n";
}
fake_done($smtp);
$t = fake_wait($srv);
foreach ($t['messages'] as $m) {
    echo $m['data'] === $raw ? 'identical' : 'DIFFERENT', "\n";
}
?>
--EXPECT--
-- array, Generator, ArrayIterator, IteratorAggregate; DATA and BDAT
DATA 0 DATA identical <it1@example.com>
DATA 1 DATA identical <it1@example.com>
DATA 2 DATA identical <it1@example.com>
DATA 3 DATA identical <it1@example.com>
["MAIL FROM:<bounce@example.com> BODY=8BITMIME"]
BDAT 0 BDAT identical <it1@example.com>
BDAT 1 BDAT identical <it1@example.com>
BDAT 2 BDAT identical <it1@example.com>
BDAT 3 BDAT identical <it1@example.com>
["MAIL FROM:<bounce@example.com> BODY=8BITMIME"]
-- errors
TypeError code=0 Smtp::send(): Argument #1 ($message) must be an iterable of strings, int given at item 1
ValueError code=0
ValueError code=0
bool(false)
DATA TypeError code=0 Smtp::send(): Argument #1 ($message) must be an iterable of strings, array given at item 2; nothing was delivered
bool(false)
DATA Smtp\Exception: Not sent: the message iterable threw RuntimeException: the template failed | previous: RuntimeException: the template failed
bool(false)
DATA Smtp\Exception: Not sent: the message iterable threw Exception: Cannot traverse an already closed generator | previous: Exception
BDAT TypeError code=0 Smtp::send(): Argument #1 ($message) must be an iterable of strings, array given at item 2; nothing was delivered
bool(false)
BDAT Smtp\Exception: Not sent: the message iterable threw RuntimeException: the template failed | previous: RuntimeException: the template failed
bool(false)
BDAT Smtp\Exception: Not sent: the message iterable threw Exception: Cannot traverse an already closed generator | previous: Exception
conn 1: final dot=false BDAT LAST count=0
conn 2: final dot=false BDAT LAST count=0
conn 3: final dot=false BDAT LAST count=0
conn 4: final dot=true BDAT LAST count=0
conn 5: final dot=false BDAT LAST count=0
conn 6: final dot=false BDAT LAST count=0
conn 7: final dot=false BDAT LAST count=0
conn 8: final dot=false BDAT LAST count=1
["4:ok@example.com:98","8:ok@example.com:98"]
-- NUL in an item: ValueError, nothing delivered
ValueError code=0
int(0)
-- DKIM: a Generator is refused before connecting; an IteratorAggregate is read twice
ValueError code=0
bool(false)
int(2)
bool(true)
bool(true)
-- sendBatch
Smtp\Result <it1@example.com>
Smtp\Result <it1@example.com>
identical
identical
