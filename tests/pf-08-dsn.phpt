--TEST--
Real Postfix: DSN (RET, ENVID, NOTIFY, ORCPT) asked through Message::dsn() and send()'s $dsn; the delivery reports Postfix sends back are parsed by Python's email
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';

/* The report for $envid, parsed by check.py (null when none came within $timeout seconds). */
function dsn_report(string $envid, float $timeout = 10): ?array
{
    [, $out] = pf_check(['--find', pf_env()['maildir'], '--dsn-envid', $envid, '--timeout', (string)$timeout]);
    return json_decode($out, true);
}

function show_report(?array $r, string $envid): void
{
    if ($r === null) {
        echo "no report\n";
        return;
    }
    echo "subject: {$r['subject']}\n";
    echo "type: {$r['type']}; report-type={$r['report_type']}\n";
    echo "parts: ", implode(', ', $r['parts']), "\n";
    echo "envid: ", $r['message']['original-envelope-id'] === $envid ? 'as given' : $r['message']['original-envelope-id'], "\n";
    $list = $r['recipients'];
    usort($list, fn($a, $b) => strcmp($a['final-recipient'], $b['final-recipient']));
    foreach ($list as $rc) {
        printf("recipient: %s | original %s | %s %s\n", $rc['final-recipient'], $rc['original-recipient'] ?? '-',
            $rc['action'], $rc['status']);
    }
}

$smtp = pf_client('submission', pf_auth());
$smtp->connect();
echo "server offers DSN: ", var_export(isset($smtp->getCapabilities()['DSN']), true), "\n";

echo "-- Message::dsn(): success and failure, headers only, ORCPT for everyone, one recipient NEVER\n";
$id = pf_id();
$envid = 'order ' . bin2hex(random_bytes(4)) . ' +=';
$m = pf_message($id, 'sender@example.com', 'rcpt@example.net')
    ->to('quiet@example.net')
    ->subject('dsn one')
    ->text("the body is not returned with RET=HDRS\n")
    ->dsn([
        'notify' => 'success, failure',
        'ret' => 'hdrs',
        'envid' => $envid,
        'orcpt' => true,
        'recipients' => ['Quiet@example.net' => 'never'],
    ]);
$r = $smtp->send($m);
var_dump($r->accepted);
echo count(pf_find($id, 2)), " copies delivered\n";
$report = dsn_report($envid);
show_report($report, $envid);
var_dump(str_contains($report['returned'] ?? '', "X-Test-Id: $id"));
var_dump(str_contains($report['returned'] ?? '', 'the body is not returned'));

echo "-- send() of a stream with \$dsn: an explicit ORCPT, a UTF-8 recipient\n";
$envid = 'stream-' . bin2hex(random_bytes(4));
$id = pf_id();
$raw = fopen('php://temp', 'w+');
fwrite($raw, "From: sender@example.com\nTo: list@example.net\nSubject: dsn two\nX-Test-Id: $id\n\nbody\n");
rewind($raw);
$r = $smtp->send($raw, 'sender@example.com', ['list@example.net', 'jürgen@bücher.example'], [
    'notify' => ['SUCCESS'],
    'envid' => $envid,
    'recipients' => ['list@example.net' => ['orcpt' => 'alias@example.org'], 'jürgen@bücher.example' => ['orcpt' => true]],
]);
var_dump($r->accepted);
show_report(dsn_report($envid), $envid);

echo "-- NOTIFY=NEVER for everyone: no report\n";
$envid = 'never-' . bin2hex(random_bytes(4));
$id = pf_id();
$m = pf_message($id)->subject('dsn three')->text('x')->dsn(['notify' => 'NEVER', 'envid' => $envid]);
$smtp->send($m);
echo count(pf_find($id, 1)), " copy delivered\n";
show_report(dsn_report($envid, 2.5), $envid);

echo "-- send()'s \$dsn replaces the message's: its envid is the one reported\n";
$id = pf_id();
$mine = 'mine-' . bin2hex(random_bytes(4));
$theirs = 'theirs-' . bin2hex(random_bytes(4));
$m = pf_message($id)->subject('dsn four')->text('x')->dsn(['notify' => 'SUCCESS', 'envid' => $theirs]);
$smtp->send($m, null, null, ['notify' => 'SUCCESS', 'envid' => $mine]);
echo "report for the send() envid: ", dsn_report($mine) !== null ? 'yes' : 'no', "\n";
echo "report for the message's envid: ", dsn_report($theirs, 1.5) !== null ? 'yes' : 'no', "\n";
$smtp->quit();
?>
--EXPECT--
server offers DSN: true
-- Message::dsn(): success and failure, headers only, ORCPT for everyone, one recipient NEVER
array(2) {
  [0]=>
  string(16) "rcpt@example.net"
  [1]=>
  string(17) "quiet@example.net"
}
2 copies delivered
subject: Successful Mail Delivery Report
type: multipart/report; report-type=delivery-status
parts: multipart/report, text/plain, message/delivery-status, text/plain, text/plain, text/rfc822-headers
envid: as given
recipient: rfc822; rcpt@example.net | original rfc822;rcpt@example.net | delivered 2.0.0
bool(true)
bool(false)
-- send() of a stream with $dsn: an explicit ORCPT, a UTF-8 recipient
array(2) {
  [0]=>
  string(16) "list@example.net"
  [1]=>
  string(23) "jürgen@bücher.example"
}
subject: Successful Mail Delivery Report
type: multipart/report; report-type=delivery-status
parts: multipart/report, text/plain, message/global-delivery-status, text/plain, message/global-headers, text/plain
envid: as given
recipient: rfc822; list@example.net | original rfc822;alias@example.org | delivered 2.0.0
recipient: utf-8; jürgen@bücher.example | original utf-8;jürgen@bücher.example | delivered 2.0.0
-- NOTIFY=NEVER for everyone: no report
1 copy delivered
no report
-- send()'s $dsn replaces the message's: its envid is the one reported
report for the send() envid: yes
report for the message's envid: no
