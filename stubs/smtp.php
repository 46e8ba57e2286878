<?php
/**
 * IDE stub for the smtp extension: declarations only, for editors and static analysers
 * (PhpStorm, Psalm, PHPStan). Never include it at run time; the extension defines these.
 *
 * The API is declared once in smtp.stub.php (from which the C arginfo is generated); this file
 * repeats it with documentation. scripts/check-package.sh compares the two through reflection.
 *
 * @link https://www.rfc-editor.org/rfc/rfc5321 SMTP
 * @link https://www.rfc-editor.org/rfc/rfc5322 Internet Message Format
 */

namespace {
    /**
     * An SMTP client connection (RFC 5321).
     *
     * The connection is opened lazily by send()/sendMail() (or explicitly by connect()) and kept open
     * for further messages until quit(); after quit() the object can be used again and reconnects.
     *
     * ```php
     * $smtp = new Smtp('smtp.example.com', 587, ['username' => 'me@example.com', 'password' => $secret]);
     * $result = $smtp->send((new Smtp\Message())
     *     ->from('me@example.com', 'Me')
     *     ->to('you@example.net')
     *     ->subject('Hello')
     *     ->text('Hi there'));
     * echo $result->queueId;
     * ```
     */
    final class Smtp
    {
        /** Never use TLS (an explicit opt-in: the session, and any AUTH, is in cleartext). */
        public const TLS_NONE = 0;
        /** STARTTLS is required: the send fails with Smtp\TlsException if the server does not offer it.
         * The default, except on port 465. */
        public const TLS_STARTTLS = 1;
        /** TLS from the first byte (SMTPS, RFC 8314). The default on port 465. */
        public const TLS_IMPLICIT = 2;
        /** STARTTLS when the server offers it, cleartext otherwise (no protection against an active attacker). */
        public const TLS_OPPORTUNISTIC = 3;

        /**
         * Configures a client; nothing is sent until connect(), send() or sendMail().
         *
         * @param string|list<string|array{0: string, 1: int}> $host Server host name or IP address (IPv6 with
         *     or without brackets), or a list of them and [host, port] pairs: tried in turn, moving on after
         *     a connection or TLS failure or a 4xx greeting, never after a 5xx.
         * @param int $port Server port; 0 means 465 with TLS_IMPLICIT, 587 with TLS_STARTTLS, else 25.
         * @param array{
         *     tls?: int,
         *     timeout?: int|float,
         *     command_timeout?: int|float,
         *     data_timeout?: int|float,
         *     helo?: ?string,
         *     context?: array<string, array<string, mixed>>,
         *     username?: ?string,
         *     password?: ?string,
         *     auth?: ?string,
         *     allow_plaintext_auth?: bool,
         *     pipelining?: bool,
         *     chunking?: bool,
         *     partial?: bool,
         *     logger?: ?callable(string): void,
         *     persistent?: bool|string,
         *     round_robin?: bool,
         * } $options
         *   - round_robin: with a list of hosts, start each connection at the next host (default false);
         *   - tls: one of the TLS_* constants (default TLS_IMPLICIT on port 465, else TLS_STARTTLS);
         *   - timeout: connect timeout in seconds (30);
         *   - command_timeout: deadline for each command's reply in seconds (300, RFC 5321 4.5.3.2);
         *   - data_timeout: deadline for the reply to the end of the message data in seconds (600);
         *   - helo: the name sent with EHLO (default: this machine's FQDN, else "localhost");
         *   - context: stream context options, e.g. ['ssl' => ['cafile' => '/path/ca.pem']];
         *   - username, password: credentials; when set, connect() authenticates (for XOAUTH2 and
         *     OAUTHBEARER the password is the OAuth 2.0 access token). password may be a callable (Closure,
         *     invokable object or array; never a string) returning it: called when a connection is opened,
         *     and once more, with AUTH retried once, when the server refuses the token with 535;
         *   - auth: "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" or
         *     "OAUTHBEARER" (default: the best one the server offers, SCRAM-SHA-256 then SCRAM-SHA-1 first);
         *   - allow_plaintext_auth: allow AUTH without TLS (default false);
         *   - pipelining, chunking: use PIPELINING and CHUNKING/BDAT when offered (default true);
         *   - partial: false (default) aborts a send if any recipient is rejected, nothing is delivered;
         *     true delivers to the accepted recipients and lists the rejected ones in the result;
         *   - logger: receives each transcript line, "C: ..." or "S: ...", credentials redacted;
         *   - persistent: keep the connection open across requests of this PHP worker (true, or a string
         *     naming it), like pfsockopen(): a later Smtp with the same settings reuses it after an RSET;
         *     other settings (TLS, context, credentials, HELO) never share it. quit() closes it.
         * @throws \ValueError on an unknown option or an invalid value.
         * @throws \TypeError on an option of the wrong type.
         */
        public function __construct(array|string $host = "localhost", int $port = 0, #[\SensitiveParameter] array $options = []) {}

        /**
         * Connects now: greeting, EHLO, STARTTLS and EHLO again (per the tls option), then AUTH if
         * credentials are configured. Does nothing when already connected.
         *
         * @throws \Smtp\ConnectionException when the server cannot be reached or drops the connection.
         * @throws \Smtp\TlsException when TLS is required and fails (not offered, refused, bad certificate).
         * @throws \Smtp\AuthenticationException when the credentials are refused.
         * @throws \Smtp\ResponseException on an unexpected or malformed reply.
         */
        public function connect(): void {}

        /**
         * Authenticates on the open connection (connecting first if needed).
         *
         * @param string $user User name.
         * @param string $password Password, or the access token for XOAUTH2.
         * @param string|null $mechanism "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5",
         *     "XOAUTH2" or "OAUTHBEARER"; null picks the best offered (SCRAM first).
         * @throws \Smtp\AuthenticationException when refused, or when the connection is not encrypted
         *     and allow_plaintext_auth is not set (no credential byte is sent then), or when a SCRAM
         *     server's nonce, iteration count or signature is wrong (the connection is then closed).
         * @throws \ValueError on an unknown mechanism, a user name with CR, LF or NUL, or (SCRAM) a
         *     password with a character SASLprep prohibits.
         */
        public function login(string $user, #[\SensitiveParameter] string $password, ?string $mechanism = null): void {}

        /**
         * Sends one message (connecting first if needed).
         *
         * For an Smtp\Message the envelope defaults to its From (or Sender) and its To, Cc and Bcc
         * addresses; Bcc never appears in the transmitted header. A string is sent as the raw RFC 5322
         * message (only line endings normalised to CRLF and leading dots doubled); $from and $to are
         * then required.
         *
         * A stream resource is a raw message too, read from its current position to its end in 64 KB
         * chunks while sending (a 1 GB file needs no memory). Content a raw message must not have (NUL, a
         * line over 998 octets) found mid-stream ends the connection, so nothing is delivered.
         *
         * An iterable of strings (an array, a Generator, an Iterator or an IteratorAggregate) is a raw message
         * too: its items, in their order, are the message's bytes, sent as they are read (a generator making
         * the message piece by piece needs no memory for the whole). As its size is not known ahead, no SIZE=
         * is declared. An item that is not a string is a \TypeError (an array's before connecting); when the
         * iterable throws, or gives a bad item, mid-message, the transaction is abandoned (no final dot, no
         * last BDAT chunk: nothing is delivered) and an \Smtp\Exception is thrown whose previous exception is
         * the one the iterable threw. It is read once per send; a DKIM-signed one is read twice, so it must
         * not be a Generator (an IteratorAggregate making a new generator each time is fine).
         *
         * When the server advertises SIZE, the message's size is declared (a Message's is counted exactly
         * without reading its attachments) and a message larger than the server's limit is refused before
         * MAIL. Without SMTPUTF8 on the server, internationalized domains are sent as A-labels (ext/intl).
         *
         * @param \Smtp\Message|string|resource|iterable<string> $message The message.
         * @param string|null $from Envelope sender (MAIL FROM); "" for the null reverse-path.
         * @param array<string>|string|null $to Envelope recipients (RCPT TO).
         * @param array|null $dsn Delivery status notifications, as for Message::dsn(); replaces the message's.
         * @return \Smtp\Result Queue id, accepted and rejected recipients, final reply.
         * @throws \Smtp\RecipientException when a recipient is rejected (and partial is false), or all are.
         * @throws \Smtp\ResponseException when the server refuses the sender or the message, or cannot take it
         *     (larger than its SIZE, or SMTPUTF8 needed and not offered).
         * @throws \Smtp\ConnectionException|\Smtp\TlsException|\Smtp\AuthenticationException see connect().
         * @throws \ValueError on an invalid address, header or body, before any byte is sent.
         */
        public function send(mixed $message, ?string $from = null, array|string|null $to = null, ?array $dsn = null): Smtp\Result {}

        /**
         * Sends several messages on one connection (connecting first if needed). With PIPELINING and
         * CHUNKING the messages are written without waiting for the replies to the ones before them, so
         * a batch costs about one round trip per 32 messages; otherwise they go one transaction at a time.
         *
         * Every item is checked before anything is sent. The result has one entry per item, in order: an
         * Smtp\Result, or the exception send() would have thrown for that message (a RecipientException
         * with its rejected addresses, a ResponseException, ...); one failed message never stops the
         * others. If the connection is lost in the middle, the messages whose transaction was under way
         * get a transient Smtp\ConnectionException (the server may or may not have them: never reported
         * sent), the connection is reopened once, and the messages not yet started are sent on it.
         *
         * ```php
         * foreach ($smtp->sendBatch($messages) as $i => $r) {
         *     if ($r instanceof Smtp\Exception && $r->isTransient()) { $retry[] = $messages[$i]; }
         * }
         * ```
         *
         * With 'connections' => N the messages are spread over N connections to the same server, driven
         * together in this one call (non-blocking sockets, no thread): the object's own connection is the
         * first, the others are opened with its settings and closed (QUIT) before the call returns. A
         * connection that cannot be opened takes no messages; one lost mid-batch is reopened as long as it
         * got messages through, and the messages it never started go to any connection. 'max_per_second'
         * => X spaces the messages 1/X s apart over all connections together (0: no cap). The result is
         * the same as with one connection: one entry per item, in order.
         *
         * @param iterable<\Smtp\Message|array{0: \Smtp\Message|string|resource|iterable<string>, 1?: ?string, 2?: array<string>|string|null, 3?: ?array}> $messages
         *     Each item an Smtp\Message, or a list [message, from, to, dsn] with the meaning of send()'s arguments.
         * @param array{connections?: int, max_per_second?: int|float} $options
         *     connections: 1 to 64 (default 1); max_per_second: messages a second over all connections, 0 (default) no cap.
         * @return list<\Smtp\Result|\Smtp\Exception> One entry per item, in order.
         * @throws \ValueError|\TypeError on an invalid item (naming its 0-based position) or option (naming it),
         *     before any byte is sent.
         * @throws \Smtp\ConnectionException|\Smtp\TlsException|\Smtp\AuthenticationException when the
         *     first connection cannot be made (nothing was sent); see connect().
         */
        public function sendBatch(iterable $messages, array $options = []): array {}

        /**
         * Builds a plain-text message like mail() would and sends it.
         *
         * @param string $from Sender address ("user@example.com" or "Name <user@example.com>").
         * @param array<string>|string $to Recipient address(es).
         * @param string $subject Subject (any UTF-8; encoded as needed).
         * @param string $body Plain-text body.
         * @param array<string, string>|string $headers Extra headers, as name => value or as header lines.
         * @throws \Smtp\Exception|\ValueError as send().
         */
        public function sendMail(string $from, array|string $to, string $subject, string $body, array|string $headers = []): Smtp\Result {}

        /**
         * The exact bytes send() would transmit for $message with this object's options, DKIM-Signature
         * fields included (CRLF line ends, before dot-stuffing), without connecting. A Message gets its
         * Date and Message-ID fixed by the first render() (as if set with header()), so rendering it again
         * and sending it give the same bytes: the MIME boundaries and DKIM's t= follow from them.
         *
         * @throws \ValueError|\Smtp\Exception as send() would before its first byte.
         */
        public function render(Smtp\Message|string $message): string {}

        /**
         * Aborts the current mail transaction (RSET).
         *
         * @throws \Smtp\Exception on failure.
         */
        public function reset(): void {}

        /**
         * Sends NOOP, e.g. to keep an idle connection alive or check it is still usable.
         *
         * @throws \Smtp\Exception on failure.
         */
        public function noop(): void {}

        /**
         * Sends QUIT and closes the connection. The object stays usable: the next send reconnects.
         */
        public function quit(): void {}

        /** Whether a connection is currently open. */
        public function isConnected(): bool {}

        /**
         * The EHLO keywords of the current connection (learned again after STARTTLS).
         *
         * @return array<string, string> Upper-case keyword => parameter string, e.g. ['SIZE' => '52428800', 'PIPELINING' => ''].
         */
        public function getCapabilities(): array {}

        /**
         * The last full server reply, lines joined by "\n" (never containing credentials), or null
         * before the first reply.
         */
        public function getLastReply(): ?string {}

        /**
         * "host:port" of the current connection, or of the last host tried when none took it: with a
         * list of hosts, which one answered. Null before the object is constructed.
         */
        public function getHost(): ?string {}
    }

    /**
     * Sends a mail like mail(), over SMTP, as configured by the INI settings smtp.host, smtp.port,
     * smtp.tls, smtp.username, smtp.password, smtp.helo, smtp.timeout and smtp.from (falling back to
     * PHP's SMTP, smtp_port and sendmail_from). With smtp.override_mail=1 (php.ini only) PHP's own mail()
     * behaves like this. What mail() accepts is sent (long header fields folded, long body lines
     * transfer-encoded); what mail() refuses is refused the same way.
     *
     * @param string $to Recipient(s), comma separated, as for mail().
     * @param string $subject Subject.
     * @param string $message Body.
     * @param array<string, string|array<string>>|string $additional_headers Extra headers, as for mail().
     * @param string $additional_params Accepted for compatibility with mail(); "-f address" sets the envelope sender.
     * @return bool true if the server accepted the message, false (with a warning) otherwise.
     */
    function smtp_mail(string $to, string $subject, string $message, array|string $additional_headers = [], string $additional_params = ""): bool {}
}

namespace Smtp {
    /**
     * An e-mail message (RFC 5322 with MIME). Every setter returns the message, so calls chain.
     *
     * Addresses are checked when set: an invalid address, or a CR, LF or NUL in any header value,
     * raises \ValueError naming the argument.
     */
    final class Message
    {
        /**
         * Sets the From address.
         *
         * @param string $address Mailbox, e.g. "user@example.com".
         * @param string|null $name Display name (any UTF-8; encoded as needed).
         * @throws \ValueError on an invalid address or name.
         */
        public function from(string $address, ?string $name = null): static {}

        /**
         * Sets the Sender address (the agent sending on behalf of From; also the default envelope sender).
         *
         * @throws \ValueError on an invalid address or name.
         */
        public function sender(string $address, ?string $name = null): static {}

        /**
         * Adds a To recipient.
         *
         * @throws \ValueError on an invalid address or name.
         */
        public function to(string $address, ?string $name = null): static {}

        /**
         * Adds a Cc recipient.
         *
         * @throws \ValueError on an invalid address or name.
         */
        public function cc(string $address, ?string $name = null): static {}

        /**
         * Adds a Bcc recipient: in the envelope, never in the transmitted header.
         *
         * @throws \ValueError on an invalid address or name.
         */
        public function bcc(string $address, ?string $name = null): static {}

        /**
         * Adds a Reply-To address.
         *
         * @throws \ValueError on an invalid address or name.
         */
        public function replyTo(string $address, ?string $name = null): static {}

        /**
         * Sets the subject (any UTF-8 text on one line; RFC 2047-encoded when needed).
         *
         * @throws \ValueError on CR, LF or NUL, or invalid UTF-8.
         */
        public function subject(string $subject): static {}

        /** Sets the plain-text body. */
        public function text(string $body): static {}

        /** Sets the HTML body (sent as multipart/alternative when a text body is set too). */
        public function html(string $body): static {}

        /** Sets the charset of the text parts and headers (default "UTF-8"). */
        public function charset(string $charset): static {}

        /**
         * Attaches a file; it is read, in chunks, when the message is sent.
         *
         * @param string $path Path of the file.
         * @param string|null $name File name shown to the recipient (default: the path's base name).
         * @param string|null $type MIME type (default: guessed from the name, else application/octet-stream).
         */
        public function attach(string $path, ?string $name = null, ?string $type = null): static {}

        /**
         * Attaches data held in memory.
         *
         * @param string $data The attachment's content.
         * @param string $name File name shown to the recipient.
         * @param string|null $type MIME type (default: guessed from the name).
         */
        public function attachData(string $data, string $name, ?string $type = null): static {}

        /**
         * Embeds a file (typically an image) for the HTML body to reference as "cid:$cid"
         * (multipart/related).
         *
         * @param string $path Path of the file.
         * @param string $cid Content-ID, without angle brackets.
         * @param string|null $type MIME type (default: guessed from the path).
         */
        public function embed(string $path, string $cid, ?string $type = null): static {}

        /**
         * Adds a header field.
         *
         * @throws \ValueError on an invalid name, or CR, LF or NUL in the value.
         */
        public function header(string $name, string $value): static {}

        /**
         * One-click unsubscribe (RFC 8058): writes List-Unsubscribe with the https URL (and the mailto
         * address when given) and "List-Unsubscribe-Post: List-Unsubscribe=One-Click". Both are in the
         * default DKIM header list, so they are signed. A second call replaces the first.
         *
         * @param string $httpsUrl an https:// URL, printable ASCII (percent-encode the rest)
         * @param string|null $mailto an address or a mailto: URI
         * @throws \ValueError when the URL is not https, or either contains spaces, controls, '<', '>' or ','.
         */
        public function listUnsubscribe(string $httpsUrl, ?string $mailto = null): static {}

        /**
         * S/MIME (RFC 8551), applied when the message is sent or rendered, before DKIM: sign with
         * "certificate" and "key" (PEM text or file paths; "passphrase", "chain" for intermediate
         * certificates) as multipart/signed, and/or encrypt to the certificates of "encrypt" (one or a
         * list) as application/pkcs7-mime (AES-256-CBC); both: signed, then encrypted. The message is held
         * in memory while this is done. [] removes it.
         *
         * @param array{certificate?: string, key?: string, passphrase?: string, chain?: string|string[], encrypt?: string|string[]} $options
         * @throws \ValueError on an unreadable certificate or key, or a key that is not the certificate's.
         */
        public function smime(array $options): static {}

        /**
         * Asks for delivery status notifications (RFC 3461), used when the server advertises DSN:
         *
         * ```php
         * $message->dsn([
         *     'notify' => 'SUCCESS,FAILURE',   // or ['success', 'delay'], or 'NEVER'; every recipient
         *     'ret' => 'HDRS',                 // or 'FULL': what a failure report returns
         *     'envid' => 'order-1234',         // quoted back in every report
         *     'orcpt' => true,                 // ORCPT=rfc822;<address> for every recipient
         *     'recipients' => [                // per recipient: a NOTIFY value, or notify/orcpt
         *         'archive@example.com' => 'NEVER',
         *         'boss@example.com' => ['notify' => 'FAILURE', 'orcpt' => 'rfc822;ceo@example.com'],
         *     ],
         * ]);
         * ```
         * An empty array asks for none. send()'s $dsn, when given, replaces this.
         *
         * @param array $options See above.
         * @throws \ValueError on an unknown key or value (when given), or at send() when 'recipients' names
         *     an address the message does not go to.
         */
        public function dsn(array $options): static {}

        /**
         * REQUIRETLS (RFC 8689) for this message: MAIL carries REQUIRETLS, asking every server on the way
         * to relay it only over verified TLS (else it bounces). When the server does not offer REQUIRETLS,
         * or the connection is not encrypted, the send fails before MAIL with an \Smtp\TlsException
         * (not transient) and nothing is sent; the connection stays usable for other messages.
         *
         * @param bool $required False takes it back.
         */
        public function requireTls(bool $required = true): static {}

        /** The exact RFC 5322 bytes send() would transmit (before dot-stuffing), Bcc excluded. */
        public function toString(): string {}
    }

    /** The outcome of a send. Read-only. */
    final class Result
    {
        /** The queue id the server reported in its final reply, if it could be recognised. */
        public readonly ?string $queueId;
        /** @var list<string> Recipients the server accepted. */
        public readonly array $accepted;
        /** @var array<string, string> Rejected recipient => the server's reply (only with the partial option). */
        public readonly array $rejected;
        /** The server's final reply to the message data. */
        public readonly string $reply;
        /** The Message-ID header of the message sent, if it had one. */
        public readonly ?string $messageId;
        /**
         * What the logger threw after the server had accepted the message, or null. The message was sent
         * (once): do not send it again. The logger is not called again during that send.
         */
        public readonly ?\Throwable $loggerException;
        /** The server that accepted the message, "host:port" (which one of several hosts, or of a batch's connections). */
        public readonly string $host;

        private function __construct() {}
    }

    /**
     * Base class of the extension's exceptions. The code is the SMTP reply code (0 when there is none,
     * e.g. a connection failure).
     */
    class Exception extends \RuntimeException
    {
        /** The server reply that caused the error, lines joined by "\n", or null. */
        public function getReply(): ?string {}

        /** The RFC 3463 enhanced status code of that reply, e.g. "5.1.1", or null. */
        public function getEnhancedStatus(): ?string {}

        /** Whether retrying later may succeed: a 4xx reply, a dropped connection or a timeout. */
        public function isTransient(): bool {}
    }

    /** The server could not be reached, closed the connection, timed out or violated the protocol. */
    class ConnectionException extends Exception
    {
    }

    /** TLS was required but not offered or refused, the handshake failed, or the certificate was not trusted. */
    class TlsException extends ConnectionException
    {
    }

    /** Authentication failed, was refused, or would have sent credentials in cleartext. */
    class AuthenticationException extends Exception
    {
    }

    /** The server answered a command with an error or a malformed reply. */
    class ResponseException extends Exception
    {
    }

    /** One or more recipients were rejected. */
    class RecipientException extends Exception
    {
        /** @return array<string, string> Rejected recipient => the server's reply. */
        public function getRejected(): array {}
    }
}
