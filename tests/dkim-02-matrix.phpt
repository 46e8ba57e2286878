--TEST--
DKIM: rsa-sha256 and ed25519-sha256 on one message, every canonicalization x message shape (Smtp\Message shapes, a raw SMTPUTF8 message, a stream), verified by dkimpy and mailauth on the bytes received; one changed byte fails both
--SKIPIF--
<?php require __DIR__ . '/dkim/dkim.inc'; dkim_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';

$png = base64_decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/AGb5WQAAAABJRU5ErkJggg==');
$img = tempnam(sys_get_temp_dir(), 'dkim-img');
file_put_contents($img, $png);
$shapes = [
    'text' => fn() => (new Smtp\Message)->from('a@example.com', 'Ann')->to('b@example.net')->subject('Plain')
        ->text("Hello,\nsecond line.\n"),
    'html+attachments+inline' => fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.net')
        ->cc('c@example.net')->subject('Rich')->text("text part\n")->html('<p>html <img src="cid:logo"></p>')
        ->embed($img, 'logo', 'image/png')->attachData(random_bytes(20000), 'data.bin')
        ->attachData("a,b\n1,2\n", 'table.csv', 'text/csv'),
    'empty body' => fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('Empty')->text(''),
    'trailing spaces and blank lines' => fn() => (new Smtp\Message)->from('a@example.com')->to('b@example.net')
        ->subject('Spaces   inside   and after   ')->text("a line  \t\n \t\n\tindented  \n\n\n\n"),
    'long folded non-ASCII headers' => fn() => (new Smtp\Message)->from('a@example.com', 'Jürgen Müller-Lüdenscheidt')
        ->to('b@example.net', '王小明')->subject(str_repeat('Grüße aus Köln, 今天下雨 ', 8))
        ->header('X-Long', str_repeat('word ', 60))->text("Grüße\n"),
];
// raw messages (not Smtp\Message): sent as given, so the signer sees them as the caller wrote them
$raw = [
    'raw SMTPUTF8' => "From: Jürgen <jürgen@example.com>\r\nTo: 王@example.net\r\nSubject: Grüße  aus  Köln \r\n"
        . "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        . "Grüße aus Köln  \r\n\r\n.punkt\r\n\r\n",
    'stream' => "From: a@example.com\nTo: b@example.net\nSubject: a stream with bare LF\n\n"
        . str_repeat("a streamed line \t \n", 3000) . "\n\n",
];
$canons = ['relaxed/relaxed', 'relaxed/simple', 'simple/relaxed', 'simple/simple'];

$received = [];
$tampered = [];
foreach ($canons as $canon) {
    $srv = fake_auto(['ehlo' => ['PIPELINING', 'SMTPUTF8', '8BITMIME', 'SIZE 100000000']]);
    $smtp = fake_client($srv, ['dkim' => [
        dkim_signer('rsa', ['canonicalization' => $canon]),
        dkim_signer('ed', ['canonicalization' => $canon]),
    ]]);
    foreach ($shapes as $name => $make) {
        $smtp->send($make());
    }
    $smtp->send($raw['raw SMTPUTF8'], 'jürgen@example.com', '王@example.net');
    $fh = fopen('php://temp', 'w+');
    fwrite($fh, $raw['stream']);
    rewind($fh);
    $smtp->send($fh, 'a@example.com', 'b@example.net');
    fclose($fh);
    fake_done($smtp);
    $t = fake_wait($srv);
    foreach (array_merge(array_keys($shapes), array_keys($raw)) as $i => $name) {
        $data = $t['messages'][$i]['data'];
        $received["$canon $name"] = $data;
        // one byte of the body (or of the Subject when the body is empty) changed
        $tampered["$canon $name"] = $name === 'empty body' ? dkim_tamper($data, "\r\nSubject:")
            : dkim_tamper($data, "\r\n\r\n");
        if (!str_contains($data, "c=$canon;")) echo "$canon $name: c= missing\n";
        if (preg_match('/\bl=\d/', $data)) echo "$canon $name: l= present\n";
    }
}
$all = dkim_verify_all($received + array_combine(array_map(fn($k) => "tampered $k", array_keys($tampered)), $tampered));
dkim_report(array_intersect_key($all, $received), 2);
dkim_report(array_diff_key($all, $received), 2, true);
unlink($img);
?>
--EXPECT--
relaxed/relaxed text: ok (2 signatures pass in both)
relaxed/relaxed html+attachments+inline: ok (2 signatures pass in both)
relaxed/relaxed empty body: ok (2 signatures pass in both)
relaxed/relaxed trailing spaces and blank lines: ok (2 signatures pass in both)
relaxed/relaxed long folded non-ASCII headers: ok (2 signatures pass in both)
relaxed/relaxed raw SMTPUTF8: ok (2 signatures pass in both)
relaxed/relaxed stream: ok (2 signatures pass in both)
relaxed/simple text: ok (2 signatures pass in both)
relaxed/simple html+attachments+inline: ok (2 signatures pass in both)
relaxed/simple empty body: ok (2 signatures pass in both)
relaxed/simple trailing spaces and blank lines: ok (2 signatures pass in both)
relaxed/simple long folded non-ASCII headers: ok (2 signatures pass in both)
relaxed/simple raw SMTPUTF8: ok (2 signatures pass in both)
relaxed/simple stream: ok (2 signatures pass in both)
simple/relaxed text: ok (2 signatures pass in both)
simple/relaxed html+attachments+inline: ok (2 signatures pass in both)
simple/relaxed empty body: ok (2 signatures pass in both)
simple/relaxed trailing spaces and blank lines: ok (2 signatures pass in both)
simple/relaxed long folded non-ASCII headers: ok (2 signatures pass in both)
simple/relaxed raw SMTPUTF8: ok (2 signatures pass in both)
simple/relaxed stream: ok (2 signatures pass in both)
simple/simple text: ok (2 signatures pass in both)
simple/simple html+attachments+inline: ok (2 signatures pass in both)
simple/simple empty body: ok (2 signatures pass in both)
simple/simple trailing spaces and blank lines: ok (2 signatures pass in both)
simple/simple long folded non-ASCII headers: ok (2 signatures pass in both)
simple/simple raw SMTPUTF8: ok (2 signatures pass in both)
simple/simple stream: ok (2 signatures pass in both)
tampered relaxed/relaxed text: tampered, none passes
tampered relaxed/relaxed html+attachments+inline: tampered, none passes
tampered relaxed/relaxed empty body: tampered, none passes
tampered relaxed/relaxed trailing spaces and blank lines: tampered, none passes
tampered relaxed/relaxed long folded non-ASCII headers: tampered, none passes
tampered relaxed/relaxed raw SMTPUTF8: tampered, none passes
tampered relaxed/relaxed stream: tampered, none passes
tampered relaxed/simple text: tampered, none passes
tampered relaxed/simple html+attachments+inline: tampered, none passes
tampered relaxed/simple empty body: tampered, none passes
tampered relaxed/simple trailing spaces and blank lines: tampered, none passes
tampered relaxed/simple long folded non-ASCII headers: tampered, none passes
tampered relaxed/simple raw SMTPUTF8: tampered, none passes
tampered relaxed/simple stream: tampered, none passes
tampered simple/relaxed text: tampered, none passes
tampered simple/relaxed html+attachments+inline: tampered, none passes
tampered simple/relaxed empty body: tampered, none passes
tampered simple/relaxed trailing spaces and blank lines: tampered, none passes
tampered simple/relaxed long folded non-ASCII headers: tampered, none passes
tampered simple/relaxed raw SMTPUTF8: tampered, none passes
tampered simple/relaxed stream: tampered, none passes
tampered simple/simple text: tampered, none passes
tampered simple/simple html+attachments+inline: tampered, none passes
tampered simple/simple empty body: tampered, none passes
tampered simple/simple trailing spaces and blank lines: tampered, none passes
tampered simple/simple long folded non-ASCII headers: tampered, none passes
tampered simple/simple raw SMTPUTF8: tampered, none passes
tampered simple/simple stream: tampered, none passes
