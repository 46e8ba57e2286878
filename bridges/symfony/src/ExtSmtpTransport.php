<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

use Psr\EventDispatcher\EventDispatcherInterface;
use Psr\Log\LoggerInterface;
use Smtp;
use Symfony\Component\Mailer\Exception\InvalidArgumentException;
use Symfony\Component\Mailer\Exception\TransportException;
use Symfony\Component\Mailer\SentMessage;
use Symfony\Component\Mailer\Transport\AbstractTransport;
use Symfony\Component\Mime\Address;
use Symfony\Component\Mime\Message;

/**
 * A Symfony Mailer transport that sends through the smtp extension: one Smtp object, so one connection
 * (kept open, pipelined, reused) for all the messages this transport sends; each message streamed from
 * its parts as the extension writes it (a 50 MB attachment is read in chunks, never held whole).
 *
 * Made by ExtSmtpTransportFactory from a DSN (ext+smtp://, ext+smtps://), or directly:
 *   new ExtSmtpTransport('smtp.example.com', 587, ['username' => 'u', 'password' => 'p'])
 * where the options are the Smtp constructor's (the logger option is this transport's own: the
 * transcript of each message goes to SentMessage::getDebug()).
 */
final class ExtSmtpTransport extends AbstractTransport
{
    private Smtp $smtp;
    /** @var array<string, mixed> the Smtp options it was made with (what two transports compare by) */
    private array $options;
    private string $scheme;
    private string $host;
    private int $port;
    private bool $persistent;
    /** the transcript of the current message, for SentMessage::appendDebug() */
    private string $transcript = '';
    private int $restartThreshold = 0;
    private float $restartThresholdSleep = 0.0;
    private int $restartCounter = 0;
    private float $pingThreshold = 100.0;
    private float $lastMessageTime = 0.0;

    /**
     * @param array<string, mixed> $options the Smtp constructor's options (without logger)
     *
     * @throws InvalidArgumentException when the extension refuses an option (nothing is connected yet)
     */
    public function __construct(
        string $host = 'localhost',
        int $port = 0,
        array $options = [],
        ?EventDispatcherInterface $dispatcher = null,
        ?LoggerInterface $logger = null
    ) {
        parent::__construct($dispatcher, $logger);
        if (array_key_exists('logger', $options)) {
            throw new InvalidArgumentException('The "logger" option is the transport\'s own: the transcript of each message is in SentMessage::getDebug().');
        }
        $this->options = $options;
        $options['logger'] = $this->logLine(...);
        try {
            $this->smtp = new Smtp($host, $port, $options);
        } catch (\ValueError | \TypeError | Smtp\Exception $e) {
            throw new InvalidArgumentException('The smtp extension refused the transport\'s options: ' . $e->getMessage(), 0, $e);
        }
        $this->scheme = ($options['tls'] ?? null) === Smtp::TLS_IMPLICIT || (!isset($options['tls']) && $port === 465)
            ? 'ext+smtps' : 'ext+smtp';
        $this->host = $host;
        $this->port = $port;
        $this->persistent = !empty($options['persistent']);
    }

    /**
     * After $threshold messages, QUIT and connect again for the next one (after $sleep seconds): some
     * servers limit the messages of a connection. 0: never.
     *
     * @return $this
     */
    public function setRestartThreshold(int $threshold, float $sleep = 0): self
    {
        if ($threshold < 0 || $sleep < 0) {
            throw new InvalidArgumentException('The restart threshold and its sleep must not be negative.');
        }
        $this->restartThreshold = $threshold;
        $this->restartThresholdSleep = $sleep;
        $this->restartCounter = 0;

        return $this;
    }

    /**
     * Before a message, when the connection has been idle more than $seconds, check it with NOOP (a dead
     * one is replaced). 0: before every message.
     *
     * @return $this
     */
    public function setPingThreshold(float $seconds): self
    {
        if ($seconds < 0) {
            throw new InvalidArgumentException('The ping threshold must not be negative.');
        }
        $this->pingThreshold = $seconds;

        return $this;
    }

    /** The Smtp object this transport sends with (its connection, capabilities, last reply). */
    public function getSmtp(): Smtp
    {
        return $this->smtp;
    }

    /** QUIT now; the next message connects again. */
    public function stop(): void
    {
        try {
            $this->smtp->quit();
        } catch (Smtp\Exception) {
            // the connection is closed either way
        }
        $this->restartCounter = 0;
    }

    public function __toString(): string
    {
        $host = str_contains($this->host, ':') ? '[' . $this->host . ']' : $this->host;
        $default = $this->scheme === 'ext+smtps' ? 465 : 587;

        return $this->scheme . '://' . $host . ($this->port && $this->port !== $default ? ':' . $this->port : '');
    }

    public function __destruct()
    {
        // a persistent connection is for the next request of this worker: left open
        if (!$this->persistent && isset($this->smtp) && $this->smtp->isConnected()) {
            $this->stop();
        }
    }

    protected function doSend(SentMessage $message): void
    {
        $envelope = $message->getEnvelope();
        $recipients = array_map(static fn (Address $a): string => $a->getAddress(), $envelope->getRecipients());
        $this->transcript = '';
        $this->ping();
        try {
            $result = $this->smtp->send(new MessageChunks($this->source($message)),
                $envelope->getSender()->getAddress(), $recipients);
        } catch (\Throwable $e) {
            $this->lastMessageTime = 0.0;
            $ex = $this->transportException($e);
            $ex->appendDebug($this->transcript);
            $this->transcript = '';
            throw $ex;
        }
        $this->lastMessageTime = microtime(true);
        $message->appendDebug($this->transcript);
        $this->transcript = '';
        if ($result->queueId !== null && $result->queueId !== '' && method_exists($message, 'setMessageId')) {
            $message->setMessageId($result->queueId);
        }
        if ($result->loggerException !== null) {
            $this->getLogger()->warning('The SMTP transcript could not be kept: ' . $result->loggerException->getMessage());
        }
        $this->restart();
    }

    /**
     * What makes the message's bytes, each time it is asked (the extension reads a DKIM-signed message
     * twice): a Mime Message is written anew from a copy of it, its parts streamed, with the Message-ID
     * Symfony gave it and a fixed Date, so every pass gives the same bytes. SentMessage::toIterable()
     * would keep the whole message as one string as it is read: used only for a message given raw.
     *
     * @return \Closure(): iterable<string>
     */
    private function source(SentMessage $message): \Closure
    {
        $original = $message->getOriginalMessage();
        if (!$original instanceof Message) {
            return static fn (): iterable => $message->toIterable();
        }
        $copy = clone $original;
        $headers = $copy->getHeaders();
        if (!$headers->has('Message-ID')) {
            $headers->addIdHeader('Message-ID', $message->getMessageId());
        }
        if (!$headers->has('Date')) {
            $headers->addDateHeader('Date', new \DateTimeImmutable());
        }

        return static fn (): iterable => $copy->toIterable();
    }

    /** NOOP on a connection idle longer than the ping threshold; a dead one is closed (the send reconnects). */
    private function ping(): void
    {
        if ($this->lastMessageTime > 0 && microtime(true) - $this->lastMessageTime > $this->pingThreshold
            && $this->smtp->isConnected()) {
            try {
                $this->smtp->noop();
            } catch (Smtp\Exception) {
                $this->stop();
            }
        }
    }

    private function restart(): void
    {
        if ($this->restartThreshold > 0 && ++$this->restartCounter >= $this->restartThreshold) {
            $this->stop();
            if ($this->restartThresholdSleep > 0) {
                usleep((int) ($this->restartThresholdSleep * 1000000));
            }
        }
    }

    private function logLine(string $line): void
    {
        $this->transcript .= $line . "\n";
    }

    /** Symfony's exception for a failed send: the SMTP code as its code, the extension's exception as previous. */
    private function transportException(\Throwable $e): TransportException
    {
        $code = $e instanceof Smtp\Exception ? $e->getCode() : 0;
        $text = sprintf('Sending through %s failed: %s', $this, $e->getMessage());

        return match (true) {
            $e instanceof Smtp\AuthenticationException => new AuthenticationFailedException($text, $code, $e),
            $e instanceof Smtp\RecipientException => new RecipientRejectedException($text, $code, $e),
            default => new TransportException($text, $code, $e),
        };
    }
}
