<?php

declare(strict_types=1);

namespace Smtp\Bridge\Laravel;

use Symfony\Component\Mailer\Transport\Dsn;

/**
 * The Symfony DSN (ext+smtp:// or ext+smtps://) for a Laravel mailer's configuration, the keys
 * keeping the meaning they have for Laravel's own smtp mailer:
 *
 *  - port 465, scheme 'smtps' or encryption 'ssl': implicit TLS (ext+smtps);
 *  - encryption 'tls' (or 'starttls') on another port: STARTTLS, required;
 *  - no encryption: STARTTLS when the server offers it (require_tls=false), as Laravel's smtp does;
 *  - url: 'ext-smtp://user:pass@host:port?option=value', whose parts override the other keys;
 *  - timeout: seconds to connect and to wait for each reply (timeout and command_timeout);
 *  - every other key with a value (local_domain, verify_peer, ping_threshold, ...) is an option of
 *    the transport, checked by its factory.
 *
 * A value that cannot be used is an \InvalidArgumentException when the mailer is made.
 */
final class MailerDsn
{
    /** Laravel's own keys of a mailer entry: never passed on as transport options. */
    private const LARAVEL_KEYS = [
        'transport', 'driver', 'url', 'scheme', 'encryption', 'host', 'port', 'username', 'password',
        'from', 'reply_to', 'to', 'return_path', 'database',
        'name', // Laravel 12+ adds the mailer's name
    ];

    /** url and scheme values: scheme => implicit TLS. */
    private const SCHEMES = [
        'ext-smtp' => false, 'ext+smtp' => false, 'smtp' => false,
        'ext+smtps' => true, 'smtps' => true,
    ];

    /** encryption values: value => implicit TLS (null: STARTTLS when offered). */
    private const ENCRYPTIONS = [
        '' => null, 'null' => null, 'none' => null,
        'tls' => false, 'starttls' => false,
        'ssl' => true, 'smtps' => true,
    ];

    public static function fromConfig(array $config): Dsn
    {
        if (isset($config['url']) && $config['url'] !== '') {
            // as Laravel's own configuration urls: what the url says wins
            $config = array_merge($config, self::parseUrl($config['url']));
        }

        $host = $config['host'] ?? null;
        if (!is_string($host) || $host === '') {
            throw new \InvalidArgumentException("The ext-smtp mailer needs a 'host' (or a 'url').");
        }
        $port = self::port($config['port'] ?? null);

        $scheme = self::lower($config['scheme'] ?? null, 'scheme');
        if ($scheme !== '' && !array_key_exists($scheme, self::SCHEMES)) {
            throw new \InvalidArgumentException(sprintf(
                "The ext-smtp mailer's scheme '%s' is not one of: %s.",
                $scheme,
                implode(', ', array_keys(self::SCHEMES))
            ));
        }
        $encryption = self::lower($config['encryption'] ?? null, 'encryption');
        if (!array_key_exists($encryption, self::ENCRYPTIONS)) {
            throw new \InvalidArgumentException(sprintf(
                "The ext-smtp mailer's encryption '%s' is not one of: tls (STARTTLS), ssl (implicit TLS), null.",
                $encryption
            ));
        }

        $implicit = ($scheme !== '' && self::SCHEMES[$scheme]) || self::ENCRYPTIONS[$encryption] === true
            || $port === 465;

        $options = [];
        foreach ($config as $key => $value) {
            if ($value === null || !is_string($key) || in_array($key, self::LARAVEL_KEYS, true)) {
                continue;
            }
            $options[$key] = $value;
        }
        if (isset($options['timeout']) && !array_key_exists('command_timeout', $options)) {
            // Laravel's timeout is its socket's, for the connection and for every reply
            $options['command_timeout'] = $options['timeout'];
        }
        if (!$implicit && self::ENCRYPTIONS[$encryption] === null && !array_key_exists('require_tls', $options)) {
            // no encryption asked for: TLS when the server offers it, as Laravel's smtp mailer does
            $options['require_tls'] = false;
        }

        return new Dsn(
            $implicit ? 'ext+smtps' : 'ext+smtp',
            $host,
            self::credential($config['username'] ?? null, 'username'),
            self::credential($config['password'] ?? null, 'password'),
            $port,
            $options
        );
    }

    /** @return array<string, mixed> the url's parts under the names of the mailer's keys */
    private static function parseUrl(mixed $url): array
    {
        $parts = is_string($url) ? parse_url($url) : false;
        if ($parts === false || !isset($parts['scheme'], $parts['host'])) {
            throw new \InvalidArgumentException(
                "The ext-smtp mailer's url is not of the form ext-smtp://user:password@host:port."
            );
        }
        $config = ['scheme' => strtolower($parts['scheme']), 'host' => $parts['host']];
        if (isset($parts['port'])) {
            $config['port'] = $parts['port'];
        }
        if (isset($parts['user'])) {
            $config['username'] = rawurldecode($parts['user']);
        }
        if (isset($parts['pass'])) {
            $config['password'] = rawurldecode($parts['pass']);
        }
        if (isset($parts['query'])) {
            parse_str($parts['query'], $query);
            foreach ($query as $key => $value) {
                $config[$key] = $value;
            }
        }

        return $config;
    }

    private static function port(mixed $port): ?int
    {
        if ($port === null || $port === '') {
            return null;
        }
        if (is_string($port) && ctype_digit($port)) {
            $port = (int)$port;
        }
        if (!is_int($port) || $port < 1 || $port > 65535) {
            throw new \InvalidArgumentException(sprintf(
                "The ext-smtp mailer's port must be a number from 1 to 65535, not %s.",
                is_scalar($port) ? var_export($port, true) : get_debug_type($port)
            ));
        }

        return $port;
    }

    private static function lower(mixed $value, string $key): string
    {
        if ($value === null || $value === false) {
            return '';
        }
        if (!is_string($value)) {
            throw new \InvalidArgumentException(sprintf(
                "The ext-smtp mailer's %s must be a string, not %s.",
                $key,
                get_debug_type($value)
            ));
        }

        return strtolower(trim($value));
    }

    private static function credential(mixed $value, string $key): ?string
    {
        if ($value === null || $value === '') {
            return null;
        }
        if (!is_string($value) && !is_int($value)) {
            throw new \InvalidArgumentException(sprintf(
                "The ext-smtp mailer's %s must be a string, not %s.",
                $key,
                get_debug_type($value)
            ));
        }

        return (string)$value;
    }
}
