--TEST--
Real Postfix: mail() calls of one request (override, submission port: STARTTLS + AUTH) share one SMTP session that ends with QUIT; smtp.persistent off (the default): the next request opens its own
--SKIPIF--
<?php require __DIR__ . '/postfix/postfix.inc'; pf_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/postfix/postfix.inc';
require __DIR__ . '/fake/phpini.inc';

$env = pf_env();
$ini = <<<INI
    smtp.override_mail = 1
    smtp.host = {$env['tls_name']}
    smtp.port = {$env['ports']['submission']}
    smtp.username = "{$env['user']}"
    smtp.password = "{$env['password']}"
    smtp.from = sender@example.com
    openssl.cafile = "{$env['cafile']}"
    INI;

/* Postfix's log, read as sessions: smtpd process -> [queue ids, the counters of its disconnect line] */
function sessions_of(array $queue_ids): array
{
    $found = [];
    for ($try = 0; $try < 50; $try++) {
        $open = $found = [];
        foreach (file(pf_env()['maillog'], FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (!preg_match('~/submission/smtpd\[(\d+)\]: (.*)$~', $line, $m)) {
                continue;
            }
            [, $pid, $what] = $m;
            if (str_starts_with($what, 'connect from')) {
                $open[$pid] = ['ids' => [], 'end' => null];
            } elseif (preg_match('/^([0-9A-Za-z]+): client=/', $what, $q) && isset($open[$pid])) {
                $open[$pid]['ids'][] = $q[1];
            } elseif (str_starts_with($what, 'disconnect from') && isset($open[$pid])) {
                $open[$pid]['end'] = preg_replace('/^disconnect from \S+ /', '', $what);
                if (array_intersect($open[$pid]['ids'], $queue_ids)) {
                    $found[] = $open[$pid];
                }
                unset($open[$pid]);
            }
        }
        $seen = array_merge(...array_column($found, 'ids') ?: [[]]);
        if (!array_diff($queue_ids, $seen)) {
            break;
        }
        usleep(100000);
    }
    return $found;
}

$ids = [];
foreach ([1 => 5, 2 => 2] as $request => $count) {
    $code = '';
    for ($i = 1; $i <= $count; $i++) {
        $ids[$request][] = $id = pf_id();
        $code .= 'echo json_encode(mail("rcpt@example.net", "one connection", "Body\n", "X-Test-Id: ' . $id . '")), " ";';
    }
    $r = phpini_run($ini, $code);
    echo "request $request: ", trim($r['stdout']), trim($r['stderr']) === '' ? '' : ' ' . trim($r['stderr']), "\n";
}
foreach ($ids as $request => $list) {
    $queue_ids = array_map(fn($id) => pf_queue_id(pf_find($id)[0]), $list);
    $s = sessions_of($queue_ids);
    echo "request $request: ", count($s), " session(s): ", implode(' | ', array_map(
        fn($x) => count($x['ids']) . ' messages, ' . preg_replace('/ commands=\S+/', '', $x['end']), $s)), "\n";
}
?>
--EXPECT--
request 1: true true true true true
request 2: true true
request 1: 1 session(s): 5 messages, ehlo=2 starttls=1 auth=1 mail=5 rcpt=5 bdat=5 quit=1
request 2: 1 session(s): 2 messages, ehlo=2 starttls=1 auth=1 mail=2 rcpt=2 bdat=2 quit=1
