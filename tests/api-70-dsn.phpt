--TEST--
DSN (RFC 3461): Message::dsn() and send()'s $dsn put RET/ENVID on MAIL and NOTIFY/ORCPT on RCPT only when DSN is advertised; validation before any byte; per-recipient overrides; $dsn replaces; batch items
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';

/** The MAIL and RCPT lines the server read, without CRLF. */
function envelope_lines(array $t): array
{
    return array_values(array_filter(fake_lines($t), fn($l) => preg_match('/^(MAIL|RCPT) /', $l)));
}

/** "ok" when $e is a $class whose message contains every one of $parts, else what it was. */
function check_error(?Throwable $e, string $class, array $parts): string
{
    if ($e === null) {
        return 'FAIL: no exception';
    }
    if (get_class($e) !== $class) {
        return 'FAIL: ' . get_class($e) . ': ' . $e->getMessage();
    }
    foreach ($parts as $p) {
        if (!str_contains($e->getMessage(), $p)) {
            return "FAIL: no \"$p\" in: " . $e->getMessage();
        }
    }
    return 'ok';
}

$base = (new Smtp\Message)->from('a@example.com')->to('b@example.com')->cc('c@example.com')
    ->bcc('d@example.com')->subject('dsn')->text("t\n");

echo "-- dsn() validation\n";
$arg = 'Smtp\Message::dsn(): Argument #1 ($options)';
$bad = [
    'NEVER with SUCCESS' => [['notify' => 'NEVER,SUCCESS'], 'ValueError', [$arg, "['notify']", 'NEVER']],
    'NEVER in a list' => [['notify' => ['failure', 'never']], 'ValueError', [$arg, "['notify']", 'NEVER']],
    'empty notify' => [['notify' => ''], 'ValueError', [$arg, "['notify']"]],
    'trailing comma' => [['notify' => 'SUCCESS,'], 'ValueError', [$arg, "['notify']"]],
    'unknown keyword' => [['notify' => 'SUCCESS,SOMETIMES'], 'ValueError', [$arg, "['notify']", 'SOMETIMES']],
    'empty list' => [['notify' => []], 'TypeError', [$arg, "['notify']"]],
    'int in list' => [['notify' => [1]], 'TypeError', [$arg, "['notify']", 'int']],
    'notify int' => [['notify' => 5], 'TypeError', [$arg, "['notify']"]],
    'ret' => [['ret' => 'BODY'], 'ValueError', [$arg, "['ret']", 'FULL', 'HDRS']],
    'envid empty' => [['envid' => ''], 'ValueError', [$arg, "['envid']"]],
    'envid 101' => [['envid' => str_repeat('e', 101)], 'ValueError', [$arg, "['envid']", '100']],
    'envid 34 +' => [['envid' => str_repeat('+', 34)], 'ValueError', [$arg, "['envid']"]],
    'envid CRLF' => [['envid' => "id\r\nRCPT TO:<x@example.com>"], 'ValueError', [$arg, "['envid']"]],
    'envid UTF-8' => [['envid' => 'idé'], 'ValueError', [$arg, "['envid']"]],
    'envid int' => [['envid' => 5], 'TypeError', [$arg, "['envid']"]],
    'orcpt string' => [['orcpt' => 'yes'], 'TypeError', [$arg, "['orcpt']", 'bool']],
    'unknown key' => [['notfiy' => 'SUCCESS'], 'ValueError', [$arg, 'notfiy']],
    'list' => [['SUCCESS'], 'ValueError', [$arg]],
    'recipients string' => [['recipients' => 'b@example.com'], 'TypeError', [$arg, "['recipients']"]],
    'recipients list' => [['recipients' => ['NEVER']], 'ValueError', [$arg, "['recipients']"]],
    'recipient invalid' => [['recipients' => ['not an address' => 'NEVER']], 'ValueError', [$arg, "['recipients']"]],
    'recipient CRLF' => [['recipients' => ["b@example.com>\r\nDATA" => 'NEVER']], 'ValueError', [$arg, "['recipients']"]],
    'recipient notify' => [['recipients' => ['b@example.com' => 'ALWAYS']], 'ValueError', [$arg, "['recipients']['b@example.com']", 'ALWAYS']],
    'recipient int' => [['recipients' => ['b@example.com' => 5]], 'TypeError', [$arg, "['recipients']['b@example.com']"]],
    'recipient key' => [['recipients' => ['b@example.com' => ['notify' => 'NEVER', 'ret' => 'FULL']]], 'ValueError', [$arg, "['recipients']['b@example.com']"]],
    'recipient orcpt int' => [['recipients' => ['b@example.com' => ['orcpt' => 1]]], 'TypeError', [$arg, "['orcpt']"]],
    'recipient orcpt CRLF' => [['recipients' => ['b@example.com' => ['orcpt' => "rfc822;x@example.com\r\nDATA"]]], 'ValueError', [$arg, "['orcpt']"]],
    'recipient orcpt no address' => [['recipients' => ['b@example.com' => ['orcpt' => 'rfc822;']]], 'ValueError', [$arg, "['orcpt']"]],
];
foreach ($bad as $label => [$options, $class, $parts]) {
    $m = clone $base;
    printf("%-28s %s\n", $label, check_error(fake_catch(fn() => $m->dsn($options)), $class, $parts));
}
// accepted: limits are inclusive, spaces and any case allowed, dsn() returns the message
$m = clone $base;
var_dump($m->dsn(['envid' => str_repeat('e', 100)]) === $m, $m->dsn(['envid' => str_repeat('=', 33)]) === $m,
    $m->dsn(['notify' => ' success , Failure ,dElAy', 'ret' => 'full']) === $m, $m->dsn([]) === $m);

echo "-- wire, DSN advertised\n";
$withDsn = ['PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES'];
$m1 = (clone $base)->dsn(['notify' => ' delay, failure ', 'ret' => 'hdrs', 'envid' => 'id 201+x=y', 'orcpt' => true,
    'recipients' => [
        'C@Example.COM' => ['notify' => ['never'], 'orcpt' => 'rfc822;orig@example.com'],   // keys are case-insensitive
        'd@example.com' => ['orcpt' => 'first@example.org'],                                 // bare address: rfc822;
    ]]);
$m2 = (clone $base)->dsn(['notify' => ['delay', 'success'], 'ret' => 'FULL',
    'recipients' => ['b@example.com' => 'never', 'c@example.com' => ['orcpt' => true], 'd@example.com' => []]]);
$m3 = (clone $base)->dsn(['notify' => 'NEVER', 'orcpt' => true, 'recipients' => ['c@example.com' => ['orcpt' => false]]]);
$copy = clone $m1;                          // a clone keeps the dsn
$cleared = (clone $m1)->dsn([]);            // [] asks for none
$srv = fake_auto(['ehlo' => $withDsn]);
$smtp = fake_client($srv);
foreach ([$m1, $m2, $m3, $copy, $cleared] as $m) {
    var_dump($smtp->send($m)->accepted === ['b@example.com', 'c@example.com', 'd@example.com']);
}
// send()'s $dsn replaces the message's entirely (no RET/ENVID/ORCPT left over); [] replaces it with none
$smtp->send($m1, null, null, ['notify' => 'success']);
$smtp->send($m1, null, null, []);
$smtp->send($m1, null, null, null);         // null: the message's own
// a raw message and an envelope given to send()
$smtp->send("Subject: raw\r\n\r\nbody\r\n", 'bounce@example.com', ['x@example.com', 'y@example.com'],
    ['envid' => 'raw-1', 'orcpt' => true, 'recipients' => ['y@example.com' => ['notify' => 'failure', 'orcpt' => false]]]);
fake_done($smtp);
$t = fake_wait($srv);
foreach (envelope_lines($t) as $l) {
    echo $l, "\n";
}
var_dump(count($t['messages']), $t['errors']);

echo "-- ORCPT of a non-ASCII address: utf-8 type, RFC 6533 \\x{HEX}\n";
$srv = fake_auto(['ehlo' => ['PIPELINING', 'DSN', 'SMTPUTF8', '8BITMIME']]);
$smtp = fake_client($srv);
$smtp->send("Subject: u\r\n\r\nbody\r\n", 'a@example.com', ['jörg@bücher.example', 'k@example.com', 'l@example.com'],
    ['orcpt' => true, 'recipients' => ['l@example.com' => ['orcpt' => 'utf-8;a+b=c\\d@ü.example']]]);
fake_done($smtp);
$t = fake_wait($srv);
foreach (envelope_lines($t) as $l) {
    echo $l, "\n";
}

echo "-- wire, DSN not advertised\n";
foreach ([['PIPELINING', 'ENHANCEDSTATUSCODES'], []] as $ehlo) {
    $srv = fake_auto(['ehlo' => $ehlo]);
    $smtp = fake_client($srv);
    $smtp->send($m1);
    $smtp->send($m2, null, ['b@example.com'], ['notify' => 'NEVER', 'ret' => 'HDRS', 'envid' => 'x', 'orcpt' => true]);
    fake_done($smtp);
    $t = fake_wait($srv);
    echo json_encode(envelope_lines($t)), ' ', count($t['messages']), "\n";
}

echo "-- the clone is independent\n";
$a = (clone $base)->dsn(['notify' => 'FAILURE']);
$b = clone $a;
$b->dsn(['notify' => 'SUCCESS']);
$srv = fake_auto(['ehlo' => $withDsn]);
$smtp = fake_client($srv);
$smtp->send($a, null, 'b@example.com');
$smtp->send($b, null, 'b@example.com');
fake_done($smtp);
echo json_encode(envelope_lines(fake_wait($srv))), "\n";

echo "-- sendBatch items\n";
$srv = fake_auto(['ehlo' => $withDsn]);
$smtp = fake_client($srv);
$results = $smtp->sendBatch([
    $m2,                                                                     // its own dsn()
    [$m2, null, ['b@example.com'], ['envid' => 'B2', 'notify' => 'delay']], // replaced
    [$m2, 'other@example.com', null, null],                                 // its own
    ["Subject: raw\r\n\r\nbody\r\n", 'r@example.com', 'z@example.com', ['ret' => 'HDRS', 'orcpt' => true]],
]);
foreach ($results as $i => $r) {
    echo $i, ' ', get_class($r), "\n";
}
fake_done($smtp);
$t = fake_wait($srv);
foreach (envelope_lines($t) as $l) {
    echo $l, "\n";
}

echo "-- errors at send(): before any byte\n";
$srv = fake_auto(['ehlo' => $withDsn]);
$smtp = fake_client($srv);
$arg4 = 'Smtp::send(): Argument #4 ($dsn)';
$item = 'Smtp::sendBatch(): Argument #1 ($messages) item 1';
$notRcpt = (clone $base)->dsn(['recipients' => ['e@example.com' => 'NEVER']]);
$cases = [
    'dsn() names a non-recipient' => [fn() => $smtp->send($notRcpt), 'ValueError', ["['recipients']", 'e@example.com', 'not a recipient']],
    // the envelope given to send() decides who the recipients are
    'dsn() names a Bcc left out' => [fn() => $smtp->send((clone $base)->dsn(['recipients' => ['d@example.com' => 'NEVER']]), null, 'b@example.com'),
        'ValueError', ["['recipients']", 'd@example.com', 'not a recipient']],
    '$dsn names a non-recipient' => [fn() => $smtp->send($base, null, null, ['recipients' => ['e@example.com' => 'NEVER']]),
        'ValueError', [$arg4, "['recipients']", 'e@example.com']],
    '$dsn raw non-recipient' => [fn() => $smtp->send("Subject: x\r\n\r\nb\r\n", 'a@example.com', 'b@example.com', ['recipients' => ['c@example.com' => 'NEVER']]),
        'ValueError', [$arg4, 'c@example.com']],
    '$dsn bad notify' => [fn() => $smtp->send($base, null, null, ['notify' => 'SUCCESS,NEVER']), 'ValueError', [$arg4, "['notify']"]],
    '$dsn unknown key' => [fn() => $smtp->send($base, null, null, ['return' => 'FULL']), 'ValueError', [$arg4, 'return']],
    '$dsn bad envid' => [fn() => $smtp->send($base, null, null, ['envid' => "a\0b"]), 'ValueError', [$arg4, "['envid']"]],
    '$dsn not an array' => [fn() => $smtp->send($base, null, null, 'SUCCESS'), 'TypeError', ['Argument #4 ($dsn)']],
    'batch item bad dsn' => [fn() => $smtp->sendBatch([$base, [$base, null, null, ['notify' => 'x']]]), 'ValueError', [$item, 'dsn', "['notify']"]],
    'batch item dsn string' => [fn() => $smtp->sendBatch([$base, [$base, null, null, 'NEVER']]), 'TypeError', [$item, 'dsn']],
    'batch item non-recipient' => [fn() => $smtp->sendBatch([$base, [$base, null, null, ['recipients' => ['e@example.com' => 'NEVER']]]]),
        'ValueError', [$item, 'e@example.com']],
    'batch message non-recipient' => [fn() => $smtp->sendBatch([$base, $notRcpt]), 'ValueError', [$item, 'e@example.com']],
];
foreach ($cases as $label => [$fn, $class, $parts]) {
    printf("%-28s %s\n", $label, check_error(fake_catch($fn), $class, $parts));
}
var_dump($smtp->isConnected());
$smtp = null;
$t = fake_stop($srv);
var_dump($t['raw']);
?>
--EXPECT--
-- dsn() validation
NEVER with SUCCESS           ok
NEVER in a list              ok
empty notify                 ok
trailing comma               ok
unknown keyword              ok
empty list                   ok
int in list                  ok
notify int                   ok
ret                          ok
envid empty                  ok
envid 101                    ok
envid 34 +                   ok
envid CRLF                   ok
envid UTF-8                  ok
envid int                    ok
orcpt string                 ok
unknown key                  ok
list                         ok
recipients string            ok
recipients list              ok
recipient invalid            ok
recipient CRLF               ok
recipient notify             ok
recipient int                ok
recipient key                ok
recipient orcpt int          ok
recipient orcpt CRLF         ok
recipient orcpt no address   ok
bool(true)
bool(true)
bool(true)
bool(true)
-- wire, DSN advertised
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
MAIL FROM:<a@example.com> RET=HDRS ENVID=id+20201+2Bx+3Dy
RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.com
RCPT TO:<c@example.com> NOTIFY=NEVER ORCPT=rfc822;orig@example.com
RCPT TO:<d@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;first@example.org
MAIL FROM:<a@example.com> RET=FULL
RCPT TO:<b@example.com> NOTIFY=NEVER
RCPT TO:<c@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@example.com
RCPT TO:<d@example.com> NOTIFY=SUCCESS,DELAY
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com> NOTIFY=NEVER ORCPT=rfc822;b@example.com
RCPT TO:<c@example.com> NOTIFY=NEVER
RCPT TO:<d@example.com> NOTIFY=NEVER ORCPT=rfc822;d@example.com
MAIL FROM:<a@example.com> RET=HDRS ENVID=id+20201+2Bx+3Dy
RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.com
RCPT TO:<c@example.com> NOTIFY=NEVER ORCPT=rfc822;orig@example.com
RCPT TO:<d@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;first@example.org
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com>
RCPT TO:<c@example.com>
RCPT TO:<d@example.com>
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com> NOTIFY=SUCCESS
RCPT TO:<c@example.com> NOTIFY=SUCCESS
RCPT TO:<d@example.com> NOTIFY=SUCCESS
MAIL FROM:<a@example.com>
RCPT TO:<b@example.com>
RCPT TO:<c@example.com>
RCPT TO:<d@example.com>
MAIL FROM:<a@example.com> RET=HDRS ENVID=id+20201+2Bx+3Dy
RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.com
RCPT TO:<c@example.com> NOTIFY=NEVER ORCPT=rfc822;orig@example.com
RCPT TO:<d@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;first@example.org
MAIL FROM:<bounce@example.com> ENVID=raw-1
RCPT TO:<x@example.com> ORCPT=rfc822;x@example.com
RCPT TO:<y@example.com> NOTIFY=FAILURE
int(9)
array(0) {
}
-- ORCPT of a non-ASCII address: utf-8 type, RFC 6533 \x{HEX}
MAIL FROM:<a@example.com> SMTPUTF8
RCPT TO:<jörg@bücher.example> ORCPT=utf-8;j\x{F6}rg@b\x{FC}cher.example
RCPT TO:<k@example.com> ORCPT=rfc822;k@example.com
RCPT TO:<l@example.com> ORCPT=utf-8;a\x{2B}b\x{3D}c\x{5C}d@\x{FC}.example
-- wire, DSN not advertised
["MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>","RCPT TO:<c@example.com>","RCPT TO:<d@example.com>","MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>"] 2
["MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>","RCPT TO:<c@example.com>","RCPT TO:<d@example.com>","MAIL FROM:<a@example.com>","RCPT TO:<b@example.com>"] 2
-- the clone is independent
["MAIL FROM:<a@example.com>","RCPT TO:<b@example.com> NOTIFY=FAILURE","MAIL FROM:<a@example.com>","RCPT TO:<b@example.com> NOTIFY=SUCCESS"]
-- sendBatch items
0 Smtp\Result
1 Smtp\Result
2 Smtp\Result
3 Smtp\Result
MAIL FROM:<a@example.com> RET=FULL
RCPT TO:<b@example.com> NOTIFY=NEVER
RCPT TO:<c@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@example.com
RCPT TO:<d@example.com> NOTIFY=SUCCESS,DELAY
MAIL FROM:<a@example.com> ENVID=B2
RCPT TO:<b@example.com> NOTIFY=DELAY
MAIL FROM:<other@example.com> RET=FULL
RCPT TO:<b@example.com> NOTIFY=NEVER
RCPT TO:<c@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@example.com
RCPT TO:<d@example.com> NOTIFY=SUCCESS,DELAY
MAIL FROM:<r@example.com> RET=HDRS
RCPT TO:<z@example.com> ORCPT=rfc822;z@example.com
-- errors at send(): before any byte
dsn() names a non-recipient  ok
dsn() names a Bcc left out   ok
$dsn names a non-recipient   ok
$dsn raw non-recipient       ok
$dsn bad notify              ok
$dsn unknown key             ok
$dsn bad envid               ok
$dsn not an array            ok
batch item bad dsn           ok
batch item dsn string        ok
batch item non-recipient     ok
batch message non-recipient  ok
bool(false)
string(0) ""
