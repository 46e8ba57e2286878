--TEST--
SIZE limit: a stream of unknown size is never sent past the server's SIZE (the body lines of a server that misparses the rest of a BDAT chunk as commands are never read as commands); BDAT resets and keeps the connection, DATA hangs up; a message of exactly SIZE octets goes through
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

/* A message stream of unknown size (no stat): what a pipe or a generator looks like to the client. */
final class GenStream
{
    public static array $bodies = [];
    public $context;
    private string $data = '';
    private int $pos = 0;

    public function stream_open(string $path, string $mode, int $options, ?string &$opened): bool
    {
        $this->data = self::$bodies[substr($path, strlen('gen://'))];
        return true;
    }

    public function stream_read(int $n): string
    {
        $piece = substr($this->data, $this->pos, min($n, 8192));
        $this->pos += strlen($piece);
        return $piece;
    }

    public function stream_eof(): bool
    {
        return $this->pos >= strlen($this->data);
    }

    public function stream_tell(): int
    {
        return $this->pos;
    }
}
stream_wrapper_register('gen', GenStream::class);

const LIMIT = 300000;
// every body line is a command a misparsing server would run: a message of its own to a victim
$block = "RSET\r\nMAIL FROM:<x@example.com>\r\nRCPT TO:<victim@example.net>\r\nBDAT 7 LAST\r\nhello\r\n";
GenStream::$bodies['big'] = "From: a@example.com\r\nSubject: smuggle\r\n\r\n" . str_repeat($block, intdiv(2 * LIMIT, strlen($block)));
$head = "From: a@example.com\r\nSubject: exact\r\n\r\n";
$line = str_repeat('e', 98) . "\r\n";
GenStream::$bodies['exact'] = $head . str_repeat($line, intdiv(LIMIT - strlen($head), 100))
    . str_repeat('f', (LIMIT - strlen($head)) % 100 - 2) . "\r\n";
var_dump(strlen(GenStream::$bodies['exact']) === LIMIT);

echo "--- BDAT: the server answers 552 mid-chunk once over its limit and reads the rest as commands\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING', 'SIZE ' . LIMIT, '8BITMIME'], 'bdat_misparse_over' => LIMIT]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send(fopen('gen://big', 'r'), 'a@example.com', 'b@example.com'));
echo get_class($e), ': ', $e->getMessage(), "\n";
var_dump($e->isTransient(), $smtp->isConnected());
// the connection was reset (RSET) and is used again
echo 'then: ', $smtp->send("Subject: small\r\n\r\nsmall\r\n", 'a@example.com', 'b@example.com')->queueId, "\n";
echo 'exact size: ', $smtp->send(fopen('gen://exact', 'r'), 'a@example.com', 'b@example.com')->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
$chunks = array_sum(array_map(fn($l) => preg_match('/^BDAT (\d+)/', $l, $m) ? (int)$m[1] : 0,
    array_slice(fake_lines($t), 0, 5)));
echo 'octets of the big message sent: ', $chunks <= LIMIT ? 'within the limit' : "$chunks, over the limit", "\n";
echo 'misparsed chunks: ', count(array_filter($t['events'], fn($e) => $e['ev'] === 'misparse')), "\n";
echo 'delivered: ', implode(' ', array_map(fn($m) => $m['rcpt'][0] . ' (' . strlen($m['data']) . ')', $t['messages'])), "\n";
echo 'commands: ', implode(' ', array_map(fn($l) => strtok($l, ' :'), fake_lines($t))), "\n";
print_r($t['errors']);

echo "--- DATA: the client hangs up before the limit, without the final dot\n";
$auto = ['ehlo' => ['PIPELINING', 'SIZE ' . LIMIT]];
$srv = fake_start(['conns' => [[['auto' => $auto]], [['auto' => $auto]]]]);
$smtp = fake_client($srv);
$e = fake_catch(fn() => $smtp->send(fopen('gen://big', 'r'), 'a@example.com', 'b@example.com'));
echo get_class($e), ': ', $e->getMessage(), "\n";
var_dump($smtp->isConnected());
echo 'exact size: ', $smtp->send(fopen('gen://exact', 'r'), 'a@example.com', 'b@example.com')->queueId, "\n";
fake_done($smtp);
$t = fake_wait($srv);
$first = $t['conns'][1];
$body = substr($first, strpos($first, "DATA\r\n") + 6);
echo 'body octets sent on the first connection: ', strlen($body) <= LIMIT ? 'within the limit' : strlen($body), "\n";
var_dump(str_contains($body, "\r\n.\r\n"));
echo 'delivered: ', count($t['messages']), ' (', strlen($t['messages'][0]['data']), " octets)\n";
print_r($t['errors']);

echo "--- the declared SIZE of a CRLF file is exact, with or without a final CRLF\n";
$srv = fake_auto([]);
$smtp = fake_client($srv);
foreach (["Subject: a\r\n\r\nno final CRLF", "Subject: b\r\n\r\nfinal CRLF\r\n", "Subject: c\r\n\r\nlone CR\r"] as $i => $content) {
    $f = tempnam(sys_get_temp_dir(), 'smtp-size01');
    file_put_contents($f, $content);
    $smtp->send($h = fopen($f, 'rb'), 'a@example.com', 'b@example.com');
    fclose($h);
    unlink($f);
}
fake_done($smtp);
$t = fake_wait($srv);
$mails = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL')));
foreach ($t['messages'] as $i => $m) {
    preg_match('/SIZE=(\d+)/', $mails[$i], $sz);
    echo "declared $sz[1], received ", strlen($m['data']), "\n";
}
?>
--EXPECTF--
bool(true)
--- BDAT: the server answers 552 mid-chunk once over its limit and reads the rest as commands
Smtp\ResponseException: not sent: the message is larger than the server accepts (SIZE 300000); sending stopped before the limit, nothing was delivered (127.0.0.1:%d, at BDAT)
bool(false)
bool(true)
then: ABC123
exact size: ABC123N2
octets of the big message sent: within the limit
misparsed chunks: 0
delivered: b@example.com (25) b@example.com (300000)
commands: EHLO MAIL RCPT BDAT RSET MAIL RCPT BDAT MAIL RCPT BDAT BDAT QUIT
Array
(
)
--- DATA: the client hangs up before the limit, without the final dot
Smtp\ResponseException: not sent: the message is larger than the server accepts (SIZE 300000); sending stopped before the limit, nothing was delivered (127.0.0.1:%d, at the message data)
bool(false)
exact size: ABC123
body octets sent on the first connection: within the limit
bool(false)
delivered: 1 (300000 octets)
Array
(
)
--- the declared SIZE of a CRLF file is exact, with or without a final CRLF
declared 29, received 29
declared 26, received 26
declared 23, received 23
