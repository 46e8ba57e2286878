<?php

declare(strict_types=1);

return [
    'default' => 'file',
    'stores' => [
        'array' => ['driver' => 'array', 'serialize' => false],
        // the queue worker's restart signal is read from here: shared between processes
        'file' => ['driver' => 'file', 'path' => storage_path('framework/cache')],
    ],
    'prefix' => 'smtp_test',
];
