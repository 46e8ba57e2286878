<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

use Symfony\Component\Mailer\Exception\TransportException;

/**
 * The server refused the credentials (or AUTH was not possible): the code is its reply code (535, 454...),
 * the previous exception the extension's Smtp\AuthenticationException.
 */
final class AuthenticationFailedException extends TransportException
{
}
