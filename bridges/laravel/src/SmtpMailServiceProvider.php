<?php

declare(strict_types=1);

namespace Smtp\Bridge\Laravel;

use Illuminate\Mail\MailManager;
use Illuminate\Support\ServiceProvider;
use Smtp\Bridge\Symfony\ExtSmtpTransportFactory;
use Symfony\Component\Mailer\Transport\TransportInterface;

/**
 * Registers the mail transport 'ext-smtp': a mailer of config/mail.php with
 * 'transport' => 'ext-smtp' sends through the smtp extension, with the keys of Laravel's own
 * smtp mailer (host, port, encryption or scheme, username, password, timeout, local_domain, url).
 *
 * Discovered through the package's extra.laravel.providers.
 */
final class SmtpMailServiceProvider extends ServiceProvider
{
    public const TRANSPORT = 'ext-smtp';

    public function register(): void
    {
        // at once when the mail manager is already made, else when it is (no cost for a request
        // that sends no mail)
        $this->callAfterResolving('mail.manager', static function (MailManager $manager): void {
            $manager->extend(self::TRANSPORT, static fn (array $config): TransportInterface => self::transport($config));
        });
    }

    /** The transport for one mailer's configuration (a mailer entry of config/mail.php). */
    public static function transport(array $config): TransportInterface
    {
        return (new ExtSmtpTransportFactory())->create(MailerDsn::fromConfig($config));
    }
}
