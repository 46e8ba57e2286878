<?php

/*
 * The registrations a Symfony application or a Drupal site uses: config/services.yaml, config/services.php
 * and SmtpBridgeBundle each define ExtSmtpTransportFactory tagged mailer.transport_factory, and the compiled
 * container makes it. Needs symfony/dependency-injection (and symfony/yaml, symfony/config,
 * symfony/http-kernel for the parts that use them): what is missing is reported as skipped.
 *
 *   [SYMFONY_MAILER_AUTOLOAD=...] php -d extension=smtp.so bridges/symfony/tests/container.php
 *
 * Prints "ok: ..." / "FAILED: ..." / "skipped: ..." lines, then "N passed, N failed, N skipped".
 */

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

use Smtp\Bridge\Symfony\ExtSmtpTransport;
use Smtp\Bridge\Symfony\ExtSmtpTransportFactory;
use Smtp\Bridge\Symfony\SmtpBridgeBundle;
use Symfony\Component\Config\FileLocator;
use Symfony\Component\DependencyInjection\Argument\TaggedIteratorArgument;
use Symfony\Component\DependencyInjection\ContainerBuilder;
use Symfony\Component\DependencyInjection\Loader\PhpFileLoader;
use Symfony\Component\DependencyInjection\Loader\YamlFileLoader;
use Symfony\Component\Mailer\Transport;

$passed = $failed = $skipped = 0;
function result(string $label, ?bool $ok, string $detail = ''): void
{
    global $passed, $failed, $skipped;
    $ok === null ? $skipped++ : ($ok ? $passed++ : $failed++);
    echo $ok === null ? 'skipped: ' : ($ok ? 'ok: ' : 'FAILED: '), $label, $detail !== '' ? " ($detail)" : '', "\n";
}

// Debian installs each Symfony component with an autoload.php of its own
foreach (['DependencyInjection', 'Config', 'Yaml', 'HttpKernel'] as $component) {
    foreach ([dirname((string) getenv('SYMFONY_MAILER_AUTOLOAD'), 2) . "/$component/autoload.php",
        "/usr/share/php/Symfony/Component/$component/autoload.php"] as $file) {
        if (is_file($file)) {
            require_once $file;
            break;
        }
    }
}

/** @param callable(ContainerBuilder): void $load */
function check_registration(string $label, callable $load): void
{
    try {
        $container = new ContainerBuilder();
        $load($container);
        $tagged = array_keys($container->findTaggedServiceIds('mailer.transport_factory'));
        $container->getDefinition(ExtSmtpTransportFactory::class)->setPublic(true);
        // what FrameworkBundle and Drupal do with the tagged factories: one Transport over all of them
        $container->register('mailer.transport_factory', Transport::class)
            ->setArguments([new TaggedIteratorArgument('mailer.transport_factory')])->setPublic(true);
        $container->compile();
        $factory = $container->get(ExtSmtpTransportFactory::class);
        result("$label: the factory is tagged mailer.transport_factory and made by the container",
            $tagged === [ExtSmtpTransportFactory::class] && $factory instanceof ExtSmtpTransportFactory, json_encode($tagged));
        $transport = $container->get('mailer.transport_factory')->fromString('ext+smtp://user:pass@smtp.example.com:587');
        result("$label: the container's Transport makes ext+smtp:// DSNs", $transport instanceof ExtSmtpTransport, get_debug_type($transport));
    } catch (\Throwable $e) {
        result($label, false, get_class($e) . ': ' . $e->getMessage());
    }
}

$config = dirname(__DIR__) . '/config';
if (!class_exists(ContainerBuilder::class) || !class_exists(FileLocator::class)) {
    result('service registration (symfony/dependency-injection and symfony/config are not installed)', null);
} else {
    if (class_exists(\Symfony\Component\Yaml\Yaml::class)) {
        check_registration('config/services.yaml', static fn (ContainerBuilder $c) => (new YamlFileLoader($c, new FileLocator($config)))->load('services.yaml'));
    } else {
        result('config/services.yaml (symfony/yaml is not installed)', null);
    }
    check_registration('config/services.php', static fn (ContainerBuilder $c) => (new PhpFileLoader($c, new FileLocator($config)))->load('services.php'));
    if (class_exists(\Symfony\Component\HttpKernel\Bundle\Bundle::class)) {
        check_registration('SmtpBridgeBundle', static fn (ContainerBuilder $c) => (new SmtpBridgeBundle())->build($c));
    } else {
        result('SmtpBridgeBundle (symfony/http-kernel is not installed)', null);
    }
}

echo "$passed passed, $failed failed, $skipped skipped\n";
exit($failed ? 1 : 0);
