<?php

declare(strict_types=1);

return [
    // no default: the tests choose the mailer as an application does, with MAIL_MAILER=ext
    'default' => env('MAIL_MAILER'),

    'mailers' => [
        // the entry of the bridge's README
        'ext' => [
            'transport' => 'ext-smtp',
            'url' => env('MAIL_URL'),
            'host' => env('MAIL_HOST', '127.0.0.1'),
            'port' => env('MAIL_PORT', 587),
            'encryption' => env('MAIL_ENCRYPTION', 'tls'),
            'username' => env('MAIL_USERNAME'),
            'password' => env('MAIL_PASSWORD'),
            'timeout' => env('MAIL_TIMEOUT'),
            'local_domain' => env('MAIL_EHLO_DOMAIN'),
        ],
    ],

    'from' => [
        'address' => env('MAIL_FROM_ADDRESS', 'app@example.com'),
        'name' => env('MAIL_FROM_NAME', 'ext-smtp test'),
    ],
];
