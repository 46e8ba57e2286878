--TEST--
sendBatch(): an unreadable attachment fails only its own message (Smtp\Exception, nothing of it sent); 300 messages (more than are built at once) all go out pipelined, in order, with their attachments
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$file = tempnam(sys_get_temp_dir(), 'smtp-batch-');
file_put_contents($file, "attached bytes\n");
$srv = fake_auto(['ehlo' => ['PIPELINING', 'CHUNKING', '8BITMIME']]);
$smtp = fake_client($srv);
$msg = fn(int $i) => (new Smtp\Message)->from('me@example.com')->to("r$i@example.net")->subject("m$i")->text("body $i\n");

$items = [];
for ($i = 0; $i < 300; $i++) {
    $m = $msg($i);
    if ($i % 3 === 0) {
        $m->attach($file, "file$i.txt");
    }
    if ($i === 7) {
        $m->attach($file . '.missing');
    }
    $items[] = $m;
}
$results = $smtp->sendBatch($items);
fake_done($smtp);
$t = fake_wait($srv, 30);

$ok = array_filter($results, fn($r) => $r instanceof Smtp\Result);
echo count($results), ' results, ', count($ok), " sent\n";
echo '7: ', get_class($results[7]), ': ', str_contains($results[7]->getMessage(), 'Cannot read attachment') ? 'Cannot read attachment' : $results[7]->getMessage(), "\n";
$order = array_map(fn($m) => (int)substr($m['rcpt'][0], 1), $t['messages']);
echo 'delivered in order: ', $order === array_values(array_diff(range(0, 299), [7])) ? 'yes' : 'no', "\n";
echo 'queue ids match: ', array_map(fn($r) => $r->queueId, array_values($ok)) === array_column($t['messages'], 'queue_id') ? 'yes' : 'no', "\n";
$withFile = array_filter($t['messages'], fn($m) => str_contains($m["data"], "filename=\"file"));
echo count($withFile), " with the attachment, via ", implode(',', array_unique(array_column($t['messages'], 'via'))), "\n";
echo 'attachment intact: ', str_contains($t['messages'][3]['data'], base64_encode("attached bytes\n")) ? 'yes' : 'no', "\n";
echo 'connections: ', count($t['conns']), "\n";
print_r($t['errors']);
unlink($file);
?>
--EXPECT--
300 results, 299 sent
7: Smtp\Exception: Cannot read attachment
delivered in order: yes
queue ids match: yes
100 with the attachment, via BDAT
attachment intact: yes
connections: 1
Array
(
)
