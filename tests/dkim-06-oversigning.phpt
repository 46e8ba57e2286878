--TEST--
DKIM over-signing: every field of the default signed list is signed once more than the message has it, so a signed message replayed with an added Reply-To, Cc, Sender, List-Id, second From or List-Unsubscribe fails verification; a field outside the list may be added; a given headers list is completed the same way (dkimpy and the plain-PHP verifier)
--SKIPIF--
<?php
if (!extension_loaded('smtp')) die('skip smtp not loaded');
if (!function_exists('sodium_crypto_sign_seed_keypair') || !function_exists('openssl_pkey_new')) die('skip needs ext/sodium and ext/openssl');
require __DIR__ . '/dkim/dkim.inc';
// dkimpy too, except under valgrind (python would run under it): the plain-PHP verifier always
if (!dkim_under_valgrind() && !dkim_python() && getenv('CI') !== 'true') die('skip python3-dkim (dkimpy) is not installed');
?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/dkim/dkim.inc';
require __DIR__ . '/dkim/reference.inc';

/* One word per message: "pass" when every signature passes in every verifier, "fail" when none does. */
function verdicts(array $messages): array
{
    $results = [];
    foreach ($messages as $name => $data) {
        $results[$name] = array_map(fn($l) => "reference $l", dkim_reference_verify($data, dkim_dns()));
    }
    if (!dkim_under_valgrind()) {
        $dir = sys_get_temp_dir() . '/php-smtp-dkim06-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/dns.json", json_encode(dkim_dns()));
        $files = [];
        foreach (array_keys($messages) as $i => $name) {
            file_put_contents($files[$name] = "$dir/m$i.eml", $messages[$name]);
        }
        exec(escapeshellarg((string)dkim_python()) . ' ' . escapeshellarg(__DIR__ . '/dkim/verify.py') . " $dir/dns.json "
            . implode(' ', array_map('escapeshellarg', $files)) . ' 2>/dev/null', $out);
        foreach ($out as $line) {
            [$file, $rest] = explode(' ', $line, 2);
            $results[array_search("$dir/$file", $files, true)][] = "dkimpy $rest";
        }
        array_map('unlink', glob("$dir/*"));
        rmdir($dir);
    }
    $v = [];
    foreach ($results as $name => $lines) {
        $pass = count(array_filter($lines, fn($l) => str_ends_with($l, ' pass')));
        $expect = dkim_under_valgrind() ? 2 : 4; // two signatures, one or two verifiers
        $v[$name] = count($lines) === $expect && $pass === $expect ? 'pass'
            : (count($lines) === $expect && $pass === 0 ? 'fail' : implode(' | ', $lines));
    }
    return $v;
}

/* A field added by someone on the way: on top of the header section, as a relay adds Received. */
function added(string $message, string $field): string
{
    return "$field\r\n$message";
}

$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => [dkim_signer('rsa'), dkim_signer('ed')]]);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('Signed')->text("Hello\n")
    ->listUnsubscribe('https://example.com/u?x=1'));
fake_done($smtp);
$t = fake_wait($srv);
$sent = $t['messages'][0]['data'];
preg_match('/[; ]h=([^;]*);/', preg_replace('/\r\n\t/', '', $sent), $h);
echo "h=$h[1]\n";

$cases = ['as sent' => $sent];
foreach (['Reply-To: attacker@evil.example', 'Cc: many@victims.example', 'Sender: attacker@evil.example',
    'List-Id: <list.evil.example>', 'From: attacker@evil.example', 'To: another@victim.example',
    'List-Unsubscribe: <https://evil.example/>', 'In-Reply-To: <x@evil.example>',
    'Content-Type: text/html'] as $field) {
    $cases['+ ' . $field] = added($sent, $field);
}
// fields outside the list: a relay may add them
$cases['+ Received (outside the list)'] = added($sent, 'Received: from relay.example by mx.example; Mon, 7 Dec 2026 10:00:00 +0000');
$cases['+ X-Spam-Score (outside the list)'] = added($sent, 'X-Spam-Score: 0.1');
foreach (verdicts($cases) as $name => $v) {
    echo "$name: $v\n";
}

echo "-- a given headers list: as given, then each field it names once more than present\n";
$srv = fake_auto([]);
$smtp = fake_client($srv, ['dkim' => [dkim_signer('rsa', ['headers' => ['from', 'subject', 'x-tag']]),
    dkim_signer('ed', ['headers' => 'From:Subject:X-Tag'])]]);
$smtp->send((new Smtp\Message)->from('a@example.com')->to('b@example.net')->subject('Given list')
    ->header('X-Tag', 'one')->text("Hello\n"));
fake_done($smtp);
$sent = fake_wait($srv)['messages'][0]['data'];
preg_match_all('/[; ]h=([^;]*);/', preg_replace('/\r\n\t/', '', $sent), $hs);
echo implode("\n", array_map(fn($h) => "h=$h", $hs[1])), "\n";
$given = ['as sent' => $sent, '+ Subject' => added($sent, 'Subject: changed'), '+ X-Tag' => added($sent, 'X-Tag: two')];
$given['+ Reply-To (not named: may be added)'] = added($sent, 'Reply-To: r@example.org');
foreach (verdicts($given) as $name => $v) {
    echo "$name: $v\n";
}
?>
--EXPECT--
h=From:From:Sender:Reply-To:To:To:Cc:Subject:Subject:Date:Date:Message-ID:Message-ID:In-Reply-To:References:MIME-Version:MIME-Version:Content-Type:Content-Type:Content-Transfer-Encoding:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe:List-Unsubscribe-Post:List-Unsubscribe-Post
as sent: pass
+ Reply-To: attacker@evil.example: fail
+ Cc: many@victims.example: fail
+ Sender: attacker@evil.example: fail
+ List-Id: <list.evil.example>: fail
+ From: attacker@evil.example: fail
+ To: another@victim.example: fail
+ List-Unsubscribe: <https://evil.example/>: fail
+ In-Reply-To: <x@evil.example>: fail
+ Content-Type: text/html: fail
+ Received (outside the list): pass
+ X-Spam-Score (outside the list): pass
-- a given headers list: as given, then each field it names once more than present
h=from:subject:x-tag:from:subject:x-tag
h=From:Subject:X-Tag:From:Subject:X-Tag
as sent: pass
+ Subject: fail
+ X-Tag: fail
+ Reply-To (not named: may be added): pass
