<?php

// The ext+smtp:// and ext+smtps:// transports for a Symfony application: the factory as a service tagged
// mailer.transport_factory. In config/services.php: $container->import(dirname(__DIR__) .
// '/vendor/php-smtp/symfony-mailer/config/services.php'); (or register SmtpBridgeBundle).

declare(strict_types=1);

namespace Symfony\Component\DependencyInjection\Loader\Configurator;

use Smtp\Bridge\Symfony\ExtSmtpTransportFactory;

return static function (ContainerConfigurator $container): void {
    $container->services()
        ->set(ExtSmtpTransportFactory::class)
            ->args([service('event_dispatcher')->nullOnInvalid(), null, service('logger')->nullOnInvalid()])
            ->tag('mailer.transport_factory');
};
