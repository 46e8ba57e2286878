<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

use Smtp;
use Symfony\Component\Mailer\Exception\IncompleteDsnException;
use Symfony\Component\Mailer\Exception\InvalidArgumentException;
use Symfony\Component\Mailer\Exception\UnsupportedSchemeException;
use Symfony\Component\Mailer\Transport\AbstractTransportFactory;
use Symfony\Component\Mailer\Transport\Dsn;
use Symfony\Component\Mailer\Transport\TransportInterface;

/**
 * Makes an ExtSmtpTransport from a DSN:
 *   ext+smtp://user:pass@smtp.example.com:587   STARTTLS, required (port 587 when none is given)
 *   ext+smtps://user:pass@smtp.example.com      TLS from the first byte (port 465 when none is given)
 *
 * Symfony's SMTP options keep their meaning (local_domain, verify_peer, peer_fingerprint, max_per_second,
 * restart_threshold, restart_threshold_sleep, ping_threshold, source_ip, require_tls, auto_tls); the
 * extension adds its own (auth, timeout, command_timeout, data_timeout, persistent, pipelining, chunking,
 * allow_plaintext_auth, partial, cafile, peer_name, dkim_*): see the table in the README. An option this factory does
 * not know, or a value it cannot use, is an InvalidArgumentException here, never a silent default.
 */
final class ExtSmtpTransportFactory extends AbstractTransportFactory
{
    private const OPTIONS = [
        'local_domain', 'verify_peer', 'peer_fingerprint', 'max_per_second', 'restart_threshold',
        'restart_threshold_sleep', 'ping_threshold', 'source_ip', 'require_tls', 'auto_tls',
        'auth', 'timeout', 'command_timeout', 'data_timeout', 'persistent', 'pipelining', 'chunking',
        'allow_plaintext_auth', 'partial', 'cafile', 'peer_name', 'dkim_key', 'dkim_domain', 'dkim_selector',
        'dkim_passphrase',
    ];

    private const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'OAUTHBEARER'];

    public function create(Dsn $dsn): TransportInterface
    {
        $scheme = $dsn->getScheme();
        if (!\in_array($scheme, $this->getSupportedSchemes(), true)) {
            throw new UnsupportedSchemeException($dsn, 'ext+smtp', $this->getSupportedSchemes());
        }
        if (!\extension_loaded('smtp')) {
            throw new InvalidArgumentException(sprintf('The "%s" scheme needs the smtp PHP extension, which is not loaded.', $scheme));
        }
        $option = static fn (string $name): mixed => $dsn->getOption($name);
        $query = (new \ReflectionProperty(Dsn::class, 'options'))->getValue($dsn);
        foreach (array_keys($query) as $name) {
            if (!\in_array($name, self::OPTIONS, true)) {
                throw new InvalidArgumentException(sprintf('The "%s" transport has no option "%s"; it knows: %s.', $scheme, $name, implode(', ', self::OPTIONS)));
            }
        }

        $options = ['tls' => $this->tlsMode($scheme, $dsn)];
        $user = $dsn->getUser();
        $password = $dsn->getPassword();
        if ($user !== null && $user !== '') {
            $options['username'] = $user;
            $options['password'] = $this->getPassword($dsn);
        } elseif ($password !== null && $password !== '') {
            throw new IncompleteDsnException('User is not set (the DSN has a password).');
        }
        if (null !== $v = $option('local_domain')) {
            $options['helo'] = $this->string($dsn, 'local_domain', $v);
        }
        if (null !== $v = $option('auth')) {
            $mechanism = strtoupper($this->string($dsn, 'auth', $v));
            if (!\in_array($mechanism, self::MECHANISMS, true)) {
                throw new InvalidArgumentException(sprintf('The "auth" option must be one of %s, "%s" given.', implode(', ', self::MECHANISMS), $v));
            }
            $options['auth'] = $mechanism;
        }
        foreach (['timeout', 'command_timeout', 'data_timeout'] as $name) {
            if (null !== $v = $option($name)) {
                $options[$name] = $this->number($name, $v, false);
            }
        }
        foreach (['pipelining', 'chunking', 'allow_plaintext_auth', 'partial'] as $name) {
            if (null !== $v = $option($name)) {
                $options[$name] = $this->bool($name, $v);
            }
        }
        if (null !== $v = $option('persistent')) {
            // a boolean, or the name of a pool of its own
            $b = \is_bool($v) ? $v : (\is_string($v) ? filter_var($v, \FILTER_VALIDATE_BOOLEAN, \FILTER_NULL_ON_FAILURE) : null);
            $options['persistent'] = $b ?? $this->string($dsn, 'persistent', $v);
        }
        $context = $this->context($dsn);
        if ($context) {
            $options['context'] = $context;
        }
        if (null !== $dkim = $this->dkim($dsn)) {
            $options['dkim'] = $dkim;
        }

        $transport = new ExtSmtpTransport($dsn->getHost(), $dsn->getPort(0), $options, $this->dispatcher, $this->logger);
        if (null !== $v = $option('max_per_second')) {
            $transport->setMaxPerSecond($this->number('max_per_second', $v, true));
        }
        $restart = $option('restart_threshold');
        $sleep = $option('restart_threshold_sleep');
        if ($restart !== null || $sleep !== null) {
            if ($restart === null) {
                throw new InvalidArgumentException('The "restart_threshold_sleep" option needs "restart_threshold".');
            }
            $transport->setRestartThreshold($this->integer('restart_threshold', $restart),
                $sleep === null ? 0 : $this->number('restart_threshold_sleep', $sleep, true));
        }
        if (null !== $v = $option('ping_threshold')) {
            $transport->setPingThreshold($this->number('ping_threshold', $v, true));
        }

        return $transport;
    }

    protected function getSupportedSchemes(): array
    {
        return ['ext+smtp', 'ext+smtps'];
    }

    /**
     * ext+smtp: STARTTLS, required; require_tls=false makes it opportunistic (when offered), auto_tls=false
     * turns it off. ext+smtps: TLS from the first byte, which neither option can turn off.
     */
    private function tlsMode(string $scheme, Dsn $dsn): int
    {
        $require = $dsn->getOption('require_tls');
        $auto = $dsn->getOption('auto_tls');
        $require = $require === null ? null : $this->bool('require_tls', $require);
        $auto = $auto === null ? null : $this->bool('auto_tls', $auto);
        if ($scheme === 'ext+smtps') {
            if ($require === false || $auto === false) {
                throw new InvalidArgumentException('ext+smtps is TLS from the first byte: "require_tls" and "auto_tls" cannot be false (use ext+smtp for that).');
            }

            return Smtp::TLS_IMPLICIT;
        }
        if ($auto === false) {
            if ($require === true) {
                throw new InvalidArgumentException('"auto_tls=false" (no STARTTLS) contradicts "require_tls=true".');
            }

            return Smtp::TLS_NONE;
        }

        return $require === false ? Smtp::TLS_OPPORTUNISTIC : Smtp::TLS_STARTTLS;
    }

    /** @return array<string, array<string, mixed>> stream context options: verify_peer, peer_fingerprint, cafile, peer_name, source_ip */
    private function context(Dsn $dsn): array
    {
        $context = [];
        if (null !== $v = $dsn->getOption('verify_peer')) {
            if (!$this->bool('verify_peer', $v)) {
                $context['ssl']['verify_peer'] = false;
                $context['ssl']['verify_peer_name'] = false;
            }
        }
        if (null !== $v = $dsn->getOption('peer_fingerprint')) {
            $fp = strtolower(str_replace(':', '', $this->string($dsn, 'peer_fingerprint', $v)));
            if (!preg_match('/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/', $fp)) {
                throw new InvalidArgumentException(sprintf('The "peer_fingerprint" option must be an MD5, SHA-1 or SHA-256 fingerprint in hexadecimal, "%s" given.', $v));
            }
            $context['ssl']['peer_fingerprint'] = $fp;
        }
        if (null !== $v = $dsn->getOption('cafile')) {
            $file = $this->string($dsn, 'cafile', $v);
            if (!is_file($file) || !is_readable($file)) {
                throw new InvalidArgumentException(sprintf('The "cafile" option must name a readable file, "%s" is not.', $file));
            }
            $context['ssl']['cafile'] = $file;
        }
        if (null !== $v = $dsn->getOption('peer_name')) {
            // the name the certificate must carry, when the host is an IP address or an alias
            $context['ssl']['peer_name'] = $this->string($dsn, 'peer_name', $v);
        }
        if (null !== $v = $dsn->getOption('source_ip')) {
            $ip = trim($this->string($dsn, 'source_ip', $v), '[]');
            if (filter_var($ip, \FILTER_VALIDATE_IP) === false) {
                throw new InvalidArgumentException(sprintf('The "source_ip" option must be an IP address, "%s" given.', $v));
            }
            $context['socket']['bindto'] = (str_contains($ip, ':') ? '[' . $ip . ']' : $ip) . ':0';
        }

        return $context;
    }

    /** @return array<string, string>|null the extension's DKIM signer: dkim_key (a file), dkim_domain, dkim_selector, dkim_passphrase */
    private function dkim(Dsn $dsn): ?array
    {
        $key = $dsn->getOption('dkim_key');
        $domain = $dsn->getOption('dkim_domain');
        $selector = $dsn->getOption('dkim_selector');
        $passphrase = $dsn->getOption('dkim_passphrase');
        if ($key === null && $domain === null && $selector === null && $passphrase === null) {
            return null;
        }
        if ($key === null || $domain === null || $selector === null) {
            throw new InvalidArgumentException('DKIM signing needs "dkim_key" (a PEM file), "dkim_domain" and "dkim_selector".');
        }
        $file = $this->string($dsn, 'dkim_key', $key);
        if (!is_file($file) || !is_readable($file)) {
            throw new InvalidArgumentException(sprintf('The "dkim_key" option must name a readable PEM file, "%s" is not.', $file));
        }
        $signer = [
            'key' => $file,
            'domain' => $this->string($dsn, 'dkim_domain', $domain),
            'selector' => $this->string($dsn, 'dkim_selector', $selector),
        ];
        if ($passphrase !== null) {
            $signer['passphrase'] = $this->string($dsn, 'dkim_passphrase', $passphrase);
        }

        return $signer;
    }

    private function string(Dsn $dsn, string $name, mixed $value): string
    {
        if (!\is_string($value) || $value === '') {
            throw new InvalidArgumentException(sprintf('The "%s" option of "%s" must be a non-empty string.', $name, $dsn->getScheme()));
        }

        return $value;
    }

    private function bool(string $name, mixed $value): bool
    {
        $b = \is_bool($value) ? $value : (\is_string($value) || \is_int($value)
            ? filter_var($value, \FILTER_VALIDATE_BOOLEAN, \FILTER_NULL_ON_FAILURE) : null);
        if ($b === null || $value === '') {
            throw new InvalidArgumentException(sprintf('The "%s" option must be a boolean (1, 0, true, false, yes, no, on, off), "%s" given.', $name, get_debug_type($value) === 'string' ? $value : get_debug_type($value)));
        }

        return $b;
    }

    private function number(string $name, mixed $value, bool $zeroAllowed): float
    {
        if ((!\is_string($value) && !\is_int($value) && !\is_float($value)) || !is_numeric($value)
            || !is_finite((float) $value) || (float) $value < 0 || (!$zeroAllowed && (float) $value == 0)) {
            throw new InvalidArgumentException(sprintf('The "%s" option must be a %s number of seconds, "%s" given.', $name, $zeroAllowed ? 'non-negative' : 'positive', \is_scalar($value) ? $value : get_debug_type($value)));
        }

        return (float) $value;
    }

    private function integer(string $name, mixed $value): int
    {
        if ((!\is_string($value) && !\is_int($value)) || filter_var($value, \FILTER_VALIDATE_INT, ['options' => ['min_range' => 0]]) === false) {
            throw new InvalidArgumentException(sprintf('The "%s" option must be a non-negative integer, "%s" given.', $name, \is_scalar($value) ? $value : get_debug_type($value)));
        }

        return (int) $value;
    }
}
