<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony;

/**
 * A message as the extension reads it: an iterable of strings that makes a new generator each time it is
 * iterated, so a message can be read twice (DKIM signing, or a send retried on a new connection).
 *
 * @internal
 *
 * @implements \IteratorAggregate<int, string>
 */
final class MessageChunks implements \IteratorAggregate
{
    /** @param \Closure(): iterable<string> $source */
    public function __construct(private readonly \Closure $source)
    {
    }

    public function getIterator(): \Generator
    {
        foreach (($this->source)() as $chunk) {
            yield $chunk;
        }
    }
}
