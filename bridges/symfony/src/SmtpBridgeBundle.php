<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

use Symfony\Component\DependencyInjection\ContainerBuilder;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\DependencyInjection\Definition;
use Symfony\Component\DependencyInjection\Reference;
use Symfony\Component\HttpKernel\Bundle\Bundle;

/**
 * Registers ExtSmtpTransportFactory (tag mailer.transport_factory) in a full-stack Symfony application, so
 * MAILER_DSN=ext+smtp://... works. In config/bundles.php:
 *   Smtp\Bridge\Symfony\SmtpBridgeBundle::class => ['all' => true],
 */
final class SmtpBridgeBundle extends Bundle
{
    public function build(ContainerBuilder $container): void
    {
        parent::build($container);
        $container->setDefinition(ExtSmtpTransportFactory::class, (new Definition(ExtSmtpTransportFactory::class))
            ->setArguments([
                new Reference('event_dispatcher', ContainerInterface::NULL_ON_INVALID_REFERENCE),
                null,
                new Reference('logger', ContainerInterface::NULL_ON_INVALID_REFERENCE),
            ])
            ->addTag('mailer.transport_factory'));
    }
}
