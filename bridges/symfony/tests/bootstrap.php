<?php

/*
 * Loads Symfony Mailer and this bridge for the tests, from wherever they are installed:
 *   SYMFONY_MAILER_AUTOLOAD  a Composer vendor/autoload.php or Debian's Mailer autoload.php
 *                            (default: /usr/share/php/Symfony/Component/Mailer/autoload.php)
 * The bridge's classes are loaded from ../src (its PSR-4 mapping), without Composer.
 */

declare(strict_types=1);

(static function (): void {
    $autoload = getenv('SYMFONY_MAILER_AUTOLOAD') ?: '/usr/share/php/Symfony/Component/Mailer/autoload.php';
    if (!is_file($autoload)) {
        fwrite(STDERR, "Symfony Mailer not found at $autoload (set SYMFONY_MAILER_AUTOLOAD)\n");
        exit(2);
    }
    require_once $autoload;
    spl_autoload_register(static function (string $class): void {
        $prefix = 'Smtp\\Bridge\\Symfony\\';
        if (str_starts_with($class, $prefix)) {
            $file = dirname(__DIR__) . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    });
})();
