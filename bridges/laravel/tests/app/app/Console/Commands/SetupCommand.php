<?php

declare(strict_types=1);

namespace App\Console\Commands;

use Illuminate\Console\Command;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/** Creates the queue's jobs table (the one of Laravel's jobs migration) in the SQLite database. */
final class SetupCommand extends Command
{
    /** @var string */
    protected $signature = 'smtp-test:setup';

    /** @var string */
    protected $description = 'Create the jobs table of the database queue';

    public function handle(): int
    {
        Schema::dropIfExists('jobs');
        Schema::create('jobs', static function (Blueprint $table): void {
            $table->bigIncrements('id');
            $table->string('queue')->index();
            $table->longText('payload');
            $table->unsignedTinyInteger('attempts');
            $table->unsignedInteger('reserved_at')->nullable();
            $table->unsignedInteger('available_at');
            $table->unsignedInteger('created_at');
        });

        return self::SUCCESS;
    }
}
