--TEST--
Security matrix 27: an attachment file's stream closed by user code during the send (the logger closes the streams get_resources() lists between BDAT chunks) ends in a clean exception, never in a read of a freed stream, and nothing is delivered; a stream wrapper's URL is never opened as an attachment
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
declare(strict_types=1);

require __DIR__ . '/fake/helpers.inc';

$file = tempnam(sys_get_temp_dir(), 'smtp-sec27');
file_put_contents($file, random_bytes(700 * 1024));
$msg = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->subject('s')->text("body\n")->attach($file);

/** Closes the streams get_resources() lists whose URI $which accepts; returns how many. */
function close_streams(callable $which): int
{
    $n = 0;
    foreach (get_resources('stream') as $r) {
        if ($which(stream_get_meta_data($r)['uri'] ?? '')) {
            fclose($r);
            $n++;
        }
    }
    return $n;
}

$cases = [
    'the attachment' => fn(string $uri) => $uri === $file,
    'every stream but STDIN/STDOUT/STDERR' => fn(string $uri) => !str_starts_with($uri, 'php://'),
];
foreach ($cases as $name => $which) {
    echo "-- the logger closes $name after the first BDAT chunk\n";
    $closed = 0;
    $srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING', 'SIZE 10240000']]);
    $smtp = fake_client($srv, ['logger' => function (string $l) use (&$closed, $which) {
        if (str_starts_with($l, 'C: BDAT') && !$closed) {
            $closed = close_streams($which);
        }
    }]);
    $e = fake_catch(fn() => $smtp->send($msg));
    echo $closed > 0 ? 'closed' : 'nothing closed', '; ', $e ? get_class($e) . ': ' . $e->getMessage() : 'sent', "\n";
    fake_done($smtp);
    echo count(fake_wait($srv)['messages']), " messages delivered\n";
}

echo "-- and the same attachment is sent whole afterwards\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING']]);
$smtp = fake_client($srv);
$smtp->send($msg);
fake_done($smtp);
$t = fake_wait($srv);
var_dump(str_contains(str_replace("\r\n", '', $t['messages'][0]['data']), base64_encode(file_get_contents($file))));

echo "-- a stream wrapper's URL is not opened: attachments are local files only (no user code runs while one is read)\n";
final class ClosingWrapper
{
    public $context;

    public function stream_open(string $path, string $mode, int $options, ?string &$opened): bool
    {
        echo "the wrapper ran\n";
        return true;
    }
}
stream_wrapper_register('closing', ClosingWrapper::class);
$e = fake_catch(fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.com')->text("body\n")
    ->attach('closing://x', 'w.bin')->toString());
echo get_class($e), ': ', $e->getMessage(), "\n";
unlink($file);
?>
--EXPECTF--
-- the logger closes the attachment after the first BDAT chunk
closed; Smtp\Exception: cannot read attachment 1
0 messages delivered
-- the logger closes every stream but STDIN/STDOUT/STDERR after the first BDAT chunk
closed; Smtp\%sException: %s
0 messages delivered
-- and the same attachment is sent whole afterwards
bool(true)
-- a stream wrapper's URL is not opened: attachments are local files only (no user code runs while one is read)
Smtp\Exception: Cannot read attachment "closing://x": %s
