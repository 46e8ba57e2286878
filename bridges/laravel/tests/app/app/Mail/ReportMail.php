<?php

declare(strict_types=1);

namespace App\Mail;

use Illuminate\Bus\Queueable;
use Illuminate\Mail\Mailable;
use Illuminate\Queue\SerializesModels;
use Symfony\Component\Mime\Email;

/** HTML and text, one attachment, tagged with X-Test-Id for the Maildir check. */
final class ReportMail extends Mailable
{
    use Queueable;
    use SerializesModels;

    public function __construct(public string $testId, public string $attachmentPath)
    {
    }

    public function build(): self
    {
        $id = $this->testId;

        return $this->subject('Report ' . $id)
            ->html('<p>Report <b>' . htmlspecialchars($id) . '</b> attached.</p>')
            ->text('mail.report-text', ['id' => $id])
            ->attach($this->attachmentPath, ['as' => 'report.csv', 'mime' => 'text/csv'])
            ->withSymfonyMessage(static function (Email $message) use ($id): void {
                $message->getHeaders()->addTextHeader('X-Test-Id', $id);
            });
    }
}
