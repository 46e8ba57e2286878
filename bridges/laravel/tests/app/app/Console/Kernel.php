<?php

declare(strict_types=1);

namespace App\Console;

use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

final class Kernel extends ConsoleKernel
{
    /** @var array<int, class-string> */
    protected $commands = [
        Commands\SetupCommand::class,
        Commands\SendReportCommand::class,
    ];
}
