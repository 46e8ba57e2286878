--TEST--
attach(): a 64 MB file is streamed, not loaded: PHP's memory peak grows by less than 4 MB during send() (DATA and BDAT), the process's peak RSS by less than 16 MB, and the server gets the whole file intact
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
// run-tests -m (valgrind, scripts/test.sh) sets USE_ZEND_ALLOC=0: memory_get_peak_usage() then
// counts nothing, and sending 64 MB under memcheck takes minutes
if (getenv('USE_ZEND_ALLOC') === '0') die('skip not with USE_ZEND_ALLOC=0 (valgrind run)');
if (getenv('SKIP_SLOW_TESTS')) die('skip slow test (sends 2 x 64 MB)');
if (!function_exists('memory_reset_peak_usage')) die('skip needs memory_reset_peak_usage() (PHP 8.2)');
$free = @disk_free_space(sys_get_temp_dir());
if ($free !== false && $free < 256 << 20) die('skip less than 256 MB free in the temp dir');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

// one name per checkout and user, so that --CLEAN-- (another process) finds it
$file = sys_get_temp_dir() . DIRECTORY_SEPARATOR . 'php-smtp-061-' . getmyuid() . '-' . md5(__DIR__) . '.bin';
$size = (64 << 20) + 1000;         // not a multiple of 3 (base64 padding) nor of 57 (a base64 line)
$fh = fopen($file, 'wb');
for ($left = $size; $left > 0; $left -= 1 << 20) {
    fwrite($fh, random_bytes(min($left, 1 << 20)));
}
fclose($fh);
$sha = hash_file('sha256', $file);
$b64 = 4 * intdiv($size + 2, 3);    // base64 characters of the file, without line breaks

/* Peak resident set so far / resident set now (kB), from /proc; null elsewhere. */
function proc_kb(string $field): ?int
{
    $s = @file_get_contents('/proc/self/status');
    return is_string($s) && preg_match('/^' . $field . ':\s+(\d+) kB/m', $s, $m) ? (int)$m[1] : null;
}

foreach (['DATA' => ['PIPELINING', 'SIZE 209715200', '8BITMIME'],
          'BDAT' => ['PIPELINING', 'SIZE 209715200', '8BITMIME', 'CHUNKING']] as $via => $ehlo) {
    // digest: the fake server parses the message as it streams in and keeps only a summary
    // (sizes, SHA-256 of each decoded part), neither the message nor a transcript of it
    $srv = fake_auto(['ehlo' => $ehlo, 'digest' => true, 'timeout_ms' => 150000], ['time_limit' => 180]);
    $smtp = fake_client($srv, ['data_timeout' => 120]);
    $msg = (new Smtp\Message)->from('me@example.com')->to('you@example.net')->subject("64 MB via $via")
        ->text("The file is attached.\n")->attach($file, 'big.bin');

    gc_collect_cycles();
    $mem = memory_get_usage();
    $rss = proc_kb('VmRSS');
    memory_reset_peak_usage();
    $r = $smtp->send($msg);           // connects, sends, waits for the final reply
    $phpGrowth = memory_get_peak_usage() - $mem;
    $hwm = proc_kb('VmHWM');
    $rssGrowth = $rss === null || $hwm === null ? null : ($hwm - $rss) * 1024;

    fake_done($smtp);
    $t = fake_wait($srv);
    $m = $t['messages'][0] ?? null;
    $d = $m['digest'] ?? ['parts' => [], 'problems' => ['no message'], 'bytes' => 0, 'open_multiparts' => -1];
    $att = array_values(array_filter($d['parts'], fn($p) => $p['filename'] === 'big.bin'))[0] ?? null;
    $mail = array_values(array_filter(fake_lines($t), fn($l) => str_starts_with($l, 'MAIL FROM:')))[0] ?? '';

    echo "== $via\n";
    echo 'PHP memory peak during send() grew by < 4 MB: ',
        $phpGrowth < 4 << 20 ? 'yes' : sprintf('NO (%.1f MB)', $phpGrowth / 1048576), "\n";
    echo 'peak RSS during send() grew by < 16 MB: ', $rssGrowth === null ? 'yes (no /proc, not measured)'
        : ($rssGrowth < 16 << 20 ? 'yes' : sprintf('NO (%.1f MB)', $rssGrowth / 1048576)), "\n";
    echo 'queued: ', $r->queueId === $m['queue_id'] ? 'yes' : 'no', ', via ', $m['via'] ?? '-', "\n";
    echo 'complete MIME structure: ', $d['open_multiparts'] === 0 ? 'yes' : 'no', ', parts: ',
        implode(' ', array_map(fn($p) => $p['content_type'] . '/' . $p['encoding'], $d['parts'])), "\n";
    echo 'wire problems: ', json_encode($d['problems']), "\n";
    echo 'message octets counted by the server = SIZE= of MAIL FROM: ',
        preg_match('/ SIZE=(\d+)/', $mail, $s) && (int)$s[1] === $d['bytes'] ? 'yes'
            : "no ({$d['bytes']} / " . ($s[1] ?? 'none') . ')', "\n";
    echo 'base64 octets >= ', $b64, ' + line breaks: ',
        $att !== null && $att['encoded_bytes'] >= $b64 + 2 * intdiv($b64, 76) ? 'yes' : 'no', "\n";
    echo 'decoded attachment: ', $att === null ? 'missing'
        : ($att['decoded_bytes'] === $size ? "$size bytes" : "{$att['decoded_bytes']} bytes, not $size")
          . ', sha256 ' . ($att['sha256'] === $sha ? 'matches' : 'DIFFERS'), "\n";
    print_r($t['errors']);
}
unlink($file);
?>
--CLEAN--
<?php
@unlink(sys_get_temp_dir() . DIRECTORY_SEPARATOR . 'php-smtp-061-' . getmyuid() . '-' . md5(__DIR__) . '.bin');
?>
--EXPECT--
== DATA
PHP memory peak during send() grew by < 4 MB: yes
peak RSS during send() grew by < 16 MB: yes
queued: yes, via DATA
complete MIME structure: yes, parts: text/plain/7bit application/octet-stream/base64
wire problems: []
message octets counted by the server = SIZE= of MAIL FROM: yes
base64 octets >= 89479820 + line breaks: yes
decoded attachment: 67109864 bytes, sha256 matches
Array
(
)
== BDAT
PHP memory peak during send() grew by < 4 MB: yes
peak RSS during send() grew by < 16 MB: yes
queued: yes, via BDAT
complete MIME structure: yes, parts: text/plain/7bit application/octet-stream/base64
wire problems: []
message octets counted by the server = SIZE= of MAIL FROM: yes
base64 octets >= 89479820 + line breaks: yes
decoded attachment: 67109864 bytes, sha256 matches
Array
(
)
