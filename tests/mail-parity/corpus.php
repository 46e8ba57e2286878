<?php
/*
 * The mail() parity corpus: each case is [to, subject, message, additional_headers, additional_params]
 * (the last two optional). run.php calls mail() with them; ../real/parity_compare.py checks both runs agree.
 */
$words = fn(int $n, string $w = 'word') => implode(' ', array_fill(0, $n, $w));
$list = fn(int $n, string $sep, string $fmt = 'r%d@example.com') => implode($sep, array_map(fn($i) => sprintf($fmt, $i, $i), range(1, $n)));
$mime = "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"";
$alt = "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nplain part\r\n--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>html part</p>\r\n--b1--\r\n";
$mixed = "--m1\nContent-Type: text/plain\n\nsee attached\n--m1\nContent-Type: application/octet-stream; name=\"a.bin\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"a.bin\"\n\n"
    . chunk_split(base64_encode(str_repeat("\x00\x01\xfe\xff binary ", 300)), 76, "\n") . "--m1--\n";
$longAlt = "--b2\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" . str_repeat('Grüße ', 400)
    . "\r\n--b2\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>" . str_repeat('y', 3000) . "</p>\r\n--b2--\r\n";
$nested = "preamble\n--outer\nContent-Type: multipart/alternative;\n boundary=\"inner\"\n\n--inner\nContent-Type: text/plain\n\n"
    . str_repeat('long text ', 200) . "\n--inner--\n\n--outer\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
    . base64_encode(str_repeat("\x00\x10\xff", 1000)) . "\n--outer--\nepilogue\n";

return [
    'plain' => ['a@example.com', 'Hello', "Hello there\n"],
    'subject-2000-words' => ['a@example.com', substr($words(400, 'subject'), 0, 2000), "body\n"],
    'subject-2000-token' => ['a@example.com', str_repeat('x', 2000), "body\n"],
    'subject-utf8' => ['a@example.com', '记得收衣服啊 Grüße ☂', "body\n"],
    'subject-utf8-long' => ['a@example.com', str_repeat('Grüße aus Köln ', 60), "body\n"],
    'subject-crlf-injection' => ['a@example.com', "Hi\r\nBcc: evil@example.com", "body\n"],
    'subject-folded' => ['a@example.com', "folded\r\n subject", "body\n"],
    'subject-tab' => ['a@example.com', "tab\there", "body\n"],
    'subject-empty' => ['a@example.com', '', "body\n"],
    'subject-encoded-word' => ['a@example.com', '=?UTF-8?B?R3LDvMOfZQ==?=', "body\n"],
    'subject-trailing-space' => ['a@example.com', "trailing   \n", "body\n"],
    'to-100-comma-space' => [$list(100, ', '), 'many', "body\n"],
    'to-100-comma' => [$list(100, ','), 'many', "body\n"],
    'to-50-named' => [$list(50, ', ', 'Person %d <p%d@example.com>'), 'named', "body\n"],
    'to-named' => ['Bob Example <bob@example.com>', 'named', "body\n"],
    'to-quoted-comma' => ['"Doe, John" <john@example.com>, jane@example.com', 'quoted', "body\n"],
    'to-undisclosed-bcc' => ['undisclosed-recipients:;', 'undisclosed', "body\n", "Bcc: hidden@example.com"],
    'to-group' => ['team: a@example.com, b@example.com;', 'group', "body\n"],
    'to-group-and-more' => ['team: a@example.com;, c@example.com', 'group+', "body\n"],
    'to-empty-cc' => ['', 'cc only', "body\n", "Cc: c@example.com"],
    'to-empty-none' => ['', 'nobody', "body\n"],
    'to-not-address' => ['not an address', 'bad', "body\n"],
    'to-trailing-newline' => ["a@example.com\n", 'trailing', "body\n"],
    'to-crlf-injection' => ["a@example.com\r\nBcc: evil@example.com", 'inject', "body\n"],
    'to-duplicates' => ['a@example.com, a@example.com', 'dup', "body\n", "Cc: a@example.com"],
    'to-header-string' => ['a@example.com', 'two to', "body\n", "To: b@example.com"],
    'to-header-string-named' => ['a@example.com', 'two to', "body\n", "From: s@example.com\r\nTo: Bee <b@example.com>, c@example.com"],
    'to-header-array' => ['a@example.com', 'array to', "body\n", ['To' => 'b@example.com']],
    'cc-bcc-string' => ['a@example.com', 'cc bcc', "body\n", "Cc: c@example.com\r\nBcc: d@example.com, e@example.com"],
    'cc-group' => ['a@example.com', 'cc group', "body\n", "Cc: list: c@example.com, d@example.com;"],
    'cc-100' => ['a@example.com', 'cc many', "body\n", "Cc: " . $list(100, ', ', 'c%d@example.com')],
    'bcc-only-array' => ['a@example.com', 'bcc', "body\n", ['Bcc' => 'hidden@example.com']],
    'headers-array' => ['a@example.com', 'array', "body\n", ['From' => 'sender@example.com', 'X-Mailer' => 'parity', 'Reply-To' => 'r@example.com']],
    'headers-array-list' => ['a@example.com', 'array list', "body\n", ['X-Multi' => ['one', 'two'], 'Cc' => ['c@example.com', 'd@example.com']]],
    'header-1500-words' => ['a@example.com', 'long header', "body\n", 'X-Long: ' . substr($words(300, 'value'), 0, 1500)],
    'header-1500-token' => ['a@example.com', 'long token', "body\n", 'X-Token: ' . str_repeat('t', 1500)],
    'header-array-1500' => ['a@example.com', 'long header', "body\n", ['X-Long' => substr($words(300, 'value'), 0, 1500)]],
    'header-folded' => ['a@example.com', 'folded header', "body\n", "X-Folded: one\r\n two\r\n\tthree"],
    'headers-lf' => ['a@example.com', 'lf headers', "body\n", "X-A: a\nX-B: b"],
    'headers-cr' => ['a@example.com', 'cr headers', "body\n", "X-A: a\rX-B: b"],
    'headers-trailing-crlf' => ['a@example.com', 'trailing', "body\n", "X-A: a\r\n\r\n"],
    'headers-leading-newline' => ['a@example.com', 'bad', "body\n", "\r\nX-A: a"],
    'headers-empty-line' => ['a@example.com', 'bad', "body\n", "X-A: a\r\n\r\nX-B: b"],
    'header-array-bad-name' => ['a@example.com', 'bad', "body\n", ['X A' => 'v']],
    'header-array-crlf' => ['a@example.com', 'bad', "body\n", ['X-A' => "v\r\nBcc: evil@example.com"]],
    'header-array-int' => ['a@example.com', 'bad', "body\n", ['X-A' => 5]],
    'header-array-from-list' => ['a@example.com', 'bad', "body\n", ['From' => ['a@example.com', 'b@example.com']]],
    'nul-message' => ['a@example.com', 'nul', "bo\0dy"],
    'nul-headers' => ['a@example.com', 'nul', "body", "X-A: \0"],
    'nul-to' => ["a@example.com\0", 'nul', "body"],
    'body-html-1200' => ['a@example.com', 'html', '<p>' . str_repeat('x', 1200) . '</p>', "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8"],
    'body-plain-5000' => ['a@example.com', 'long line', str_repeat('abc ', 1250) . "\nshort\n"],
    'body-8bit-long' => ['a@example.com', 'long 8bit', str_repeat('Grüße ', 300), "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit"],
    'body-base64-one-line' => ['a@example.com', 'b64', base64_encode(str_repeat("data\x00\xff", 400)), "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64"],
    'body-qp-long' => ['a@example.com', 'qp', str_repeat('caf=C3=A9 ', 200), "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable"],
    'body-dots' => ['a@example.com', 'dots', ".\n..\n.line\nend\n"],
    'body-bare-lf' => ['a@example.com', 'lf', "one\ntwo\nthree"],
    'body-crlf' => ['a@example.com', 'crlf', "one\r\ntwo\r\nthree\r\n"],
    'body-empty' => ['a@example.com', 'empty', ''],
    'body-utf8' => ['a@example.com', 'utf8', "你好\nGrüße ☂\n", "Content-Type: text/plain; charset=UTF-8"],
    'body-latin1' => ['a@example.com', 'latin1', "Gr\xfc\xdfe\n", "Content-Type: text/plain; charset=ISO-8859-1"],
    'body-from-line' => ['a@example.com', 'from', "From here\nFrom: there\n"],
    'multipart-alternative' => ['a@example.com', 'alt', $alt, $mime],
    'multipart-mixed' => ['a@example.com', 'mixed', $mixed, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m1"],
    'multipart-long-lines' => ['a@example.com', 'alt long', $longAlt, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b2"],
    'multipart-nested-long' => ['a@example.com', 'nested long', $nested, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\""],
    'from-named' => ['a@example.com', 'from', "body\n", 'From: "Sender Name" <sender@example.com>'],
    'from-utf8-name' => ['a@example.com', 'from', "body\n", 'From: Zhāng 三 <z@example.com>'],
    'from-encoded-name' => ['a@example.com', 'from', "body\n", 'From: =?UTF-8?B?R3LDvMOfZQ==?= <g@example.com>'],
    'reply-to' => ['a@example.com', 'reply', "body\n", "Reply-To: Replies <r@example.com>"],
    'message-id' => ['a@example.com', 'mid', "body\n", "Message-ID: <parity.1@example.com>"],
    'date' => ['a@example.com', 'date', "body\n", "Date: Mon, 01 Jan 2024 10:00:00 +0000"],
    'params-f' => ['a@example.com', 'params', "body\n", "From: s@example.com", '-fbounce@example.com'],
    'params-f-space' => ['a@example.com', 'params', "body\n", '', '-f bounce@example.com'],
    'many-headers' => ['a@example.com', 'many', "body\n", implode("\r\n", array_map(fn($i) => "X-H$i: value $i", range(1, 40)))],
    'header-name-odd' => ['a@example.com', 'odd', "body\n", "X-Odd_Name.1: v"],
    'header-utf8-value' => ['a@example.com', 'utf8 header', "body\n", "X-Name: Jürgen"],
    'header-empty-value' => ['a@example.com', 'empty value', "body\n", "X-Empty:"],
    'content-type-only' => ['a@example.com', 'ct', "<b>hi</b>\n", "Content-type: text/html"],
];
