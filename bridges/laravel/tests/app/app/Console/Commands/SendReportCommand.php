<?php

declare(strict_types=1);

namespace App\Console\Commands;

use App\Mail\ReportMail;
use Illuminate\Console\Command;
use Illuminate\Support\Facades\Mail;

/** Sends (or queues) a ReportMail through the default mailer. */
final class SendReportCommand extends Command
{
    /** @var string */
    protected $signature = 'smtp-test:send {id} {to} {attachment} {--bcc=} {--queue}';

    /** @var string */
    protected $description = 'Send or queue a report mail tagged with X-Test-Id: ID';

    public function handle(): int
    {
        $pending = Mail::to($this->argument('to'));
        if ($this->option('bcc')) {
            $pending->bcc($this->option('bcc'));
        }
        $mail = new ReportMail($this->argument('id'), $this->argument('attachment'));
        if ($this->option('queue')) {
            $pending->queue($mail);
            $this->line('queued');
        } else {
            $sent = $pending->send($mail);
            $this->line('sent ' . ($sent?->getMessageId() ?? '?'));
        }

        return self::SUCCESS;
    }
}
