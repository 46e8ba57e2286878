<?php

declare(strict_types=1);

/*
 * The test application: Illuminate from the autoloader in SMTP_LARAVEL_AUTOLOAD (Debian's
 * php-laravel-framework by default, or a Composer vendor/autoload.php), the two bridges from
 * SMTP_BRIDGES_DIR (this repository's bridges/), the application's own classes from app/.
 */

require getenv('SMTP_LARAVEL_AUTOLOAD') ?: '/usr/share/php/Illuminate/autoload.php';

$bridges = getenv('SMTP_BRIDGES_DIR') ?: dirname(__DIR__, 4);
$prefixes = [
    'Smtp\\Bridge\\Laravel\\' => $bridges . '/laravel/src/',
    'Smtp\\Bridge\\Symfony\\' => $bridges . '/symfony/src/',
    'App\\' => dirname(__DIR__) . '/app/',
];
spl_autoload_register(static function (string $class) use ($prefixes): void {
    foreach ($prefixes as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

$app = new Illuminate\Foundation\Application(dirname(__DIR__));
if (method_exists($app, 'dontMergeFrameworkConfiguration')) {
    // Laravel 11+ merges config/ with the framework's own defaults, a directory Debian's package does
    // not ship; config/ here is complete
    $app->dontMergeFrameworkConfiguration();
}
$app->singleton(Illuminate\Contracts\Console\Kernel::class, App\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, Illuminate\Foundation\Exceptions\Handler::class);

return $app;
