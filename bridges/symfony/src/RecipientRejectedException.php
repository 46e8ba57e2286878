<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

use Symfony\Component\Mailer\Exception\TransportException;

/**
 * The server rejected a recipient (nothing was sent): the code is its reply code (550, 450...), the
 * previous exception the extension's Smtp\RecipientException.
 */
final class RecipientRejectedException extends TransportException
{
    /** @return array<string, string> the rejected addresses and the server's reply to each */
    public function getRejected(): array
    {
        $previous = $this->getPrevious();

        return $previous instanceof \Smtp\RecipientException ? $previous->getRejected() : [];
    }
}
