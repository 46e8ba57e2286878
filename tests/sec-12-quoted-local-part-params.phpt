--TEST--
Security 12: "x> ORCPT=rfc822;e@x"@example.com is quoted correctly: RCPT TO:<"x> ORCPT=rfc822;e@x"@example.com> with nothing after the ">", no extra parameter on the wire
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

$evil = '"x> ORCPT=rfc822;e@x"@example.com';
$more = [
    $evil,
    '"x> NOTIFY=NEVER"@example.com',
    '"a>b"@example.com',
    '"<x>"@example.com',
    '"x ORCPT=rfc822;e@x"@example.com',
];
// With DSN advertised a careless client could take the text after ">" for parameters; without
// SIZE / 8BITMIME / SMTPUTF8 a correct client adds none of its own.
foreach (['plain EHLO' => ['ENHANCEDSTATUSCODES'], 'DSN + PIPELINING' => ['PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES']] as $label => $ehlo) {
    echo "-- $label\n";
    foreach ($more as $addr) {
        $srv = fake_auto(['ehlo' => $ehlo]);
        $smtp = fake_client($srv);
        $msg = (new Smtp\Message)->from($addr)->to($addr)->cc('ok@example.com')->subject('s')->text("t\n");
        $e = fake_catch(fn() => $smtp->send($msg));
        $e2 = fake_catch(fn() => $smtp->send("Subject: raw\r\n\r\nbody\r\n", $addr, [$addr]));
        // sendMail() also takes "Name <addr>": a "<" inside the quotes must not confuse it
        $e3 = fake_catch(fn() => $smtp->sendMail($addr, $addr, 's', 'b'));
        fake_done($smtp);
        $t = fake_wait($srv);
        $p = [];
        foreach ([$e, $e2, $e3] as $x) {
            if ($x !== null) $p[] = fake_describe($x) . ': ' . $x->getMessage();
        }
        $lines = fake_lines($t);
        $rcpt = array_values(array_filter($lines, fn($l) => str_starts_with($l, 'RCPT')));
        $mail = array_values(array_filter($lines, fn($l) => str_starts_with($l, 'MAIL')));
        if ($rcpt !== ["RCPT TO:<$addr>", 'RCPT TO:<ok@example.com>', "RCPT TO:<$addr>", "RCPT TO:<$addr>"]) {
            $p[] = 'RCPT lines ' . json_encode($rcpt);
        }
        if ($mail !== array_fill(0, 3, "MAIL FROM:<$addr>")) {
            $p[] = 'MAIL lines ' . json_encode($mail);
        }
        if (count($t['messages']) !== 3) $p[] = count($t['messages']) . ' messages';
        // the header carries the address as it is (quoted), never split at the ">"
        if ($t['messages']) {
            $h = fake_parse($t['messages'][0]['data']);
            if (fake_header($h, 'To') !== $addr || fake_header($h, 'From') !== $addr) {
                $p[] = 'header To ' . json_encode(fake_header($h, 'To')) . ' From ' . json_encode(fake_header($h, 'From'));
            }
        }
        printf("%-36s %s\n", $addr, $p ? 'FAIL: ' . implode('; ', $p) : 'ok');
    }
}

echo "-- the exact line\n";
$srv = fake_auto(['ehlo' => ['DSN']]);
$smtp = fake_client($srv);
$smtp->send((new Smtp\Message)->from('a@example.com')->to($evil)->subject('s')->text("t\n"));
fake_done($smtp);
$t = fake_wait($srv);
foreach ($t['lines'] as $l) {
    if (str_starts_with($l, 'RCPT')) var_dump($l === "RCPT TO:<$evil>\r\n", $l);
}
?>
--EXPECT--
-- plain EHLO
"x> ORCPT=rfc822;e@x"@example.com    ok
"x> NOTIFY=NEVER"@example.com        ok
"a>b"@example.com                    ok
"<x>"@example.com                    ok
"x ORCPT=rfc822;e@x"@example.com     ok
-- DSN + PIPELINING
"x> ORCPT=rfc822;e@x"@example.com    ok
"x> NOTIFY=NEVER"@example.com        ok
"a>b"@example.com                    ok
"<x>"@example.com                    ok
"x ORCPT=rfc822;e@x"@example.com     ok
-- the exact line
bool(true)
string(45) "RCPT TO:<"x> ORCPT=rfc822;e@x"@example.com>
"
