<?php

/**
 * @generate-class-entries
 * @generate-legacy-arginfo 80200
 * @undocumentable
 */

namespace {
    /** @not-serializable */
    final class Smtp
    {
        /** @var int */
        public const TLS_NONE = 0;
        /** @var int */
        public const TLS_STARTTLS = 1;
        /** @var int */
        public const TLS_IMPLICIT = 2;
        /** @var int */
        public const TLS_OPPORTUNISTIC = 3;

        public function __construct(array|string $host = "localhost", int $port = 0, #[\SensitiveParameter] array $options = []) {}

        public function connect(): void {}

        public function login(string $user, #[\SensitiveParameter] string $password, ?string $mechanism = null): void {}

        /** @param Smtp\Message|string|resource|array|Traversable $message */
        public function send(mixed $message, ?string $from = null, array|string|null $to = null, ?array $dsn = null): Smtp\Result {}

        public function sendBatch(iterable $messages, array $options = []): array {}

        public function sendMail(string $from, array|string $to, string $subject, string $body, array|string $headers = []): Smtp\Result {}

        public function render(Smtp\Message|string $message): string {}

        public function reset(): void {}

        public function noop(): void {}

        public function quit(): void {}

        public function isConnected(): bool {}

        public function getCapabilities(): array {}

        public function getLastReply(): ?string {}

        public function getHost(): ?string {}
    }

    function smtp_mail(string $to, string $subject, string $message, array|string $additional_headers = [], string $additional_params = ""): bool {}
}

namespace Smtp {
    /** @not-serializable */
    final class Message
    {
        public function from(string $address, ?string $name = null): static {}

        public function sender(string $address, ?string $name = null): static {}

        public function to(string $address, ?string $name = null): static {}

        public function cc(string $address, ?string $name = null): static {}

        public function bcc(string $address, ?string $name = null): static {}

        public function replyTo(string $address, ?string $name = null): static {}

        public function subject(string $subject): static {}

        public function text(string $body): static {}

        public function html(string $body): static {}

        public function charset(string $charset): static {}

        public function attach(string $path, ?string $name = null, ?string $type = null): static {}

        public function attachData(string $data, string $name, ?string $type = null): static {}

        public function embed(string $path, string $cid, ?string $type = null): static {}

        public function header(string $name, string $value): static {}

        public function listUnsubscribe(string $httpsUrl, ?string $mailto = null): static {}

        public function smime(array $options): static {}

        public function dsn(array $options): static {}

        public function requireTls(bool $required = true): static {}

        public function toString(): string {}
    }

    /** @strict-properties */
    final class Result
    {
        public readonly ?string $queueId;
        public readonly array $accepted;
        public readonly array $rejected;
        public readonly string $reply;
        public readonly ?string $messageId;
        /** The logger threw after the server had accepted the message (the message was sent once). */
        public readonly ?\Throwable $loggerException;
        /** The server that accepted the message, "host:port" (which one of several hosts, or of a batch's connections). */
        public readonly string $host;

        private function __construct() {}
    }

    class Exception extends \RuntimeException
    {
        private ?string $reply = null;
        private ?string $enhancedStatus = null;
        private bool $transient = false;

        public function getReply(): ?string {}

        public function getEnhancedStatus(): ?string {}

        public function isTransient(): bool {}
    }

    class ConnectionException extends Exception
    {
    }

    class TlsException extends ConnectionException
    {
    }

    class AuthenticationException extends Exception
    {
    }

    class ResponseException extends Exception
    {
    }

    class RecipientException extends Exception
    {
        private array $rejected = [];

        public function getRejected(): array {}
    }
}
