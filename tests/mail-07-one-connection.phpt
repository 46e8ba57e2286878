--TEST--
mail() through the override keeps one connection for the calls of a request and QUITs it at the request's end; an ini_set() of a setting that shapes the connection opens a new one; a failed call (550 at RCPT, 421, a drop) never makes the next one fail; smtp_mail_quit() ends it at once
--SKIPIF--
<?php if (!extension_loaded('smtp')) die('skip smtp not loaded'); ?>
--FILE--
<?php
require __DIR__ . '/fake/helpers.inc';
require __DIR__ . '/fake/phpini.inc';

/* the commands of each connection the server saw, in order */
function commands(array $t): array
{
    $out = [];
    foreach ($t['conns'] as $n => $raw) {
        preg_match_all('/^(EHLO \S+|MAIL|RCPT|DATA|RSET|QUIT)/m', $raw, $m);
        $out[] = "connection $n: " . implode(' ', $m[1]);
    }
    return $out;
}

/* the servers wait as long as the children may take to start (under valgrind, much longer) */
$limit = ['time_limit' => 20 * fake_slowdown()];

function ini(FakeServerProc $srv): string
{
    return "smtp.override_mail = 1\nsmtp.host = 127.0.0.1\nsmtp.port = {$srv->port}\nsmtp.tls = none\n"
        . "smtp.helo = client.example\nsmtp.from = sender@example.com\nsmtp.timeout = " . 10 * fake_slowdown() . "\n";
}

echo "-- five mail() calls in one request: one connection, QUIT at the end of the request\n";
$srv = fake_auto(['queue_id' => 'Q'], $limit);
$r = phpini_run(ini($srv), 'for ($i = 1; $i <= 5; $i++) { var_dump(mail("to$i@example.com", "n $i", "body\n")); }');
echo $r['stdout'], $r['stderr'];
$t = fake_wait($srv);
echo implode("\n", commands($t)), "\n", count($t['messages']), " messages\n";

echo "-- ini_set() of smtp.helo, then of smtp.timeout, between calls: a new connection each time, the one before QUIT\n";
$srv = fake_start(['conns' => [[['auto' => []]], [['auto' => []]], [['auto' => []]]]] + $limit);
$r = phpini_run(ini($srv), <<<'PHP'
    var_dump(mail("a@example.com", "1", "x\n"), mail("b@example.com", "2", "x\n"));
    ini_set("smtp.helo", "other.example");
    var_dump(mail("c@example.com", "3", "x\n"));
    ini_set("smtp.timeout", "9");
    var_dump(mail("d@example.com", "4", "x\n"), mail("e@example.com", "5", "x\n"));
    PHP);
echo $r['stdout'], preg_replace('/ in Command line code on line \d+/', '', $r['stderr']);
$t = fake_wait($srv);
echo implode("\n", commands($t)), "\n";

echo "-- failures: 550 at RCPT (false); 421 at MAIL, a drop at DATA (before the end of data: sent once more on a new connection); each next call succeeds\n";
$srv = fake_start(['conns' => [
    [['auto' => ['reply' => ['RCPT' => ['bad@' => "550 5.1.1 no such user\r\n"], 'MAIL' => ['#3' => "421 4.3.2 going down\r\n"]]]]],
    [['auto' => ['reply' => ['DATA' => ['#2' => 'close']]]]],
    [['auto' => []]],
]] + $limit);
$r = phpini_run(ini($srv), <<<'PHP'
    foreach (["bad@example.com", "good1@example.com", "lost421@example.com", "good2@example.com", "lostdrop@example.com", "good3@example.com"] as $to) {
        echo $to, ": ", json_encode(mail($to, "s", "x\n")), "\n";
    }
    PHP);
echo $r['stdout'], preg_replace('/ in Command line code on line \d+/', '', $r['stderr']);
$t = fake_wait($srv);
echo implode("\n", commands($t)), "\n";
echo 'accepted: ', implode(', ', array_map(fn($m) => implode(',', $m['rcpt']), $t['messages'])), "\n";

echo "-- smtp_mail_quit(): QUIT at once (in this process, the server sees the end before the script ends)\n";
$srv = fake_auto([], $limit);
ini_set('smtp.host', '127.0.0.1');
ini_set('smtp.port', (string)$srv->port);
ini_set('smtp.tls', 'none');
ini_set('smtp.from', 'sender@example.com');
ini_set('smtp.helo', 'client.example');
var_dump(smtp_mail('a@example.com', 's', "x\n"), smtp_mail('b@example.com', 's', "x\n"));
smtp_mail_quit();
smtp_mail_quit(); // nothing left to end
$t = fake_wait($srv, 10);
echo implode("\n", commands($t)), "\n";
print_r($t['errors']);
?>
--EXPECTF--
-- five mail() calls in one request: one connection, QUIT at the end of the request
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
connection 1: EHLO client.example MAIL RCPT DATA MAIL RCPT DATA MAIL RCPT DATA MAIL RCPT DATA MAIL RCPT DATA QUIT
5 messages
-- ini_set() of smtp.helo, then of smtp.timeout, between calls: a new connection each time, the one before QUIT
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
connection 1: EHLO client.example MAIL RCPT DATA MAIL RCPT DATA QUIT
connection 2: EHLO other.example MAIL RCPT DATA QUIT
connection 3: EHLO other.example MAIL RCPT DATA MAIL RCPT DATA QUIT
-- failures: 550 at RCPT (false); 421 at MAIL, a drop at DATA (before the end of data: sent once more on a new connection); each next call succeeds
bad@example.com: 
Warning: mail(): 1 of 1 recipients rejected; bad@example.com: 550 5.1.1 no such user (127.0.0.1:%d, at RCPT TO) in Command line code on line 2
false
good1@example.com: true
lost421@example.com: true
good2@example.com: true
lostdrop@example.com: true
good3@example.com: true
connection 1: EHLO client.example MAIL RCPT DATA RSET MAIL RCPT DATA MAIL RCPT DATA
connection 2: EHLO client.example MAIL RCPT DATA MAIL RCPT DATA
connection 3: EHLO client.example MAIL RCPT DATA MAIL RCPT DATA MAIL RCPT DATA QUIT
accepted: good1@example.com, lost421@example.com, good2@example.com, lostdrop@example.com, good3@example.com
-- smtp_mail_quit(): QUIT at once (in this process, the server sees the end before the script ends)
bool(true)
bool(true)
connection 1: EHLO client.example MAIL RCPT DATA MAIL RCPT DATA QUIT
Array
(
)