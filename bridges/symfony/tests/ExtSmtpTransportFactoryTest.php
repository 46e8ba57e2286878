<?php

declare(strict_types=1);

namespace Smtp\Bridge\Symfony\Tests;

use PHPUnit\Framework\Attributes\DataProvider;
use Smtp;
use Smtp\Bridge\Symfony\ExtSmtpTransport;
use Smtp\Bridge\Symfony\ExtSmtpTransportFactory;
use Symfony\Component\Mailer\Exception\InvalidArgumentException;
use Symfony\Component\Mailer\Test\AbstractTransportFactoryTestCase;
use Symfony\Component\Mailer\Test\TransportFactoryTestCase;
use Symfony\Component\Mailer\Transport;
use Symfony\Component\Mailer\Transport\Dsn;
use Symfony\Component\Mailer\Transport\FailoverTransport;
use Symfony\Component\Mailer\Transport\TransportFactoryInterface;

// Symfony's test case for transport factories: TransportFactoryTestCase up to 7.1, then
// AbstractTransportFactoryTestCase (the incomplete-DSN test moved to a trait there: tested below anyway)
if (!class_exists(FactoryTestCaseBase::class, false)) {
    class_alias(class_exists(AbstractTransportFactoryTestCase::class) ? AbstractTransportFactoryTestCase::class
        : TransportFactoryTestCase::class, FactoryTestCaseBase::class);
}

final class ExtSmtpTransportFactoryTest extends FactoryTestCaseBase
{
    public function getFactory(): TransportFactoryInterface
    {
        return new ExtSmtpTransportFactory(null, null, null);
    }

    public static function supportsProvider(): iterable
    {
        yield [new Dsn('ext+smtp', 'example.com'), true];
        yield [new Dsn('ext+smtps', 'example.com'), true];
        yield [new Dsn('smtp', 'example.com'), false];
        yield [new Dsn('smtps', 'example.com'), false];
        yield [new Dsn('ext+smtp+api', 'example.com'), false];
    }

    public static function createProvider(): iterable
    {
        yield [new Dsn('ext+smtp', 'example.com'), new ExtSmtpTransport('example.com', 0, ['tls' => Smtp::TLS_STARTTLS])];
        yield [new Dsn('ext+smtps', 'example.com', self::USER, self::PASSWORD, 2465),
            new ExtSmtpTransport('example.com', 2465, ['tls' => Smtp::TLS_IMPLICIT, 'username' => self::USER, 'password' => self::PASSWORD])];
        yield [new Dsn('ext+smtp', 'example.com', null, null, 25, ['require_tls' => 'false']),
            new ExtSmtpTransport('example.com', 25, ['tls' => Smtp::TLS_OPPORTUNISTIC])];
        yield [new Dsn('ext+smtp', 'example.com', null, null, 25, ['auto_tls' => 'false']),
            new ExtSmtpTransport('example.com', 25, ['tls' => Smtp::TLS_NONE])];
        yield [new Dsn('ext+smtp', 'example.com', null, null, null, [
                'local_domain' => 'client.example.org', 'auth' => 'plain', 'timeout' => '5', 'command_timeout' => '20.5',
                'data_timeout' => '60', 'pipelining' => 'off', 'chunking' => '0', 'persistent' => 'true',
                'verify_peer' => 'false', 'peer_fingerprint' => 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01',
                'peer_name' => 'mx.example.com', 'source_ip' => '::1', 'allow_plaintext_auth' => 'yes', 'partial' => 'no',
            ]),
            new ExtSmtpTransport('example.com', 0, [
                'tls' => Smtp::TLS_STARTTLS, 'helo' => 'client.example.org', 'auth' => 'PLAIN', 'timeout' => 5.0,
                'command_timeout' => 20.5, 'data_timeout' => 60.0, 'pipelining' => false, 'chunking' => false,
                'allow_plaintext_auth' => true, 'partial' => false, 'persistent' => true,
                'context' => [
                    'ssl' => ['verify_peer' => false, 'verify_peer_name' => false,
                        'peer_fingerprint' => 'abcdef0123456789abcdef0123456789abcdef01', 'peer_name' => 'mx.example.com'],
                    'socket' => ['bindto' => '[::1]:0'],
                ],
            ])];
        // Drupal's mailer_dsn gives options as PHP values, not only strings
        yield [new Dsn('ext+smtp', 'example.com', null, null, 587, ['persistent' => true, 'verify_peer' => false, 'timeout' => 5, 'restart_threshold' => 3]),
            (new ExtSmtpTransport('example.com', 587, ['tls' => Smtp::TLS_STARTTLS, 'timeout' => 5.0, 'persistent' => true,
                'context' => ['ssl' => ['verify_peer' => false, 'verify_peer_name' => false]]]))->setRestartThreshold(3)];
        yield [new Dsn('ext+smtp', 'example.com', null, null, null, ['persistent' => 'pool-a']),
            new ExtSmtpTransport('example.com', 0, ['tls' => Smtp::TLS_STARTTLS, 'persistent' => 'pool-a'])];
        yield [new Dsn('ext+smtp', 'example.com', null, null, null,
                ['max_per_second' => '2.5', 'restart_threshold' => '10', 'restart_threshold_sleep' => '1', 'ping_threshold' => '30']),
            (new ExtSmtpTransport('example.com', 0, ['tls' => Smtp::TLS_STARTTLS]))
                ->setMaxPerSecond(2.5)->setRestartThreshold(10, 1)->setPingThreshold(30)];
    }

    public static function unsupportedSchemeProvider(): iterable
    {
        yield [new Dsn('smtp', 'example.com'), 'The "smtp" scheme is not supported'];
        yield [new Dsn('ext+smtp+api', 'example.com')];
    }

    public static function incompleteDsnProvider(): iterable
    {
        yield [new Dsn('ext+smtp', 'example.com', 'user')];
        yield [new Dsn('ext+smtps', 'example.com', null, 'password')];
    }

    /** The same cases, for the versions where Symfony's test of them is a trait of its own */
    #[DataProvider('incompleteDsnProvider')]
    /** @dataProvider incompleteDsnProvider */
    public function testIncompleteDsnIsRefused(Dsn $dsn): void
    {
        $this->expectException(\Symfony\Component\Mailer\Exception\IncompleteDsnException::class);
        $this->getFactory()->create($dsn);
    }

    public static function unusableOptionProvider(): iterable
    {
        $key = __DIR__ . '/no-such-key.pem';
        yield 'unknown option' => [['verify_peers' => '0'], 'no option "verify_peers"'];
        yield 'verify_peer not a boolean' => [['verify_peer' => 'maybe'], '"verify_peer" option must be a boolean'];
        yield 'require_tls empty' => [['require_tls' => ''], '"require_tls" option must be a boolean'];
        yield 'auto_tls=false with require_tls=true' => [['auto_tls' => '0', 'require_tls' => '1'], 'contradicts'];
        yield 'timeout negative' => [['timeout' => '-1'], '"timeout" option must be a positive number'];
        yield 'timeout zero' => [['timeout' => '0'], '"timeout" option must be a positive number'];
        yield 'data_timeout not a number' => [['data_timeout' => 'ten'], '"data_timeout" option'];
        yield 'timeout as an array' => [['timeout' => ['1']], '"timeout" option'];
        yield 'max_per_second negative' => [['max_per_second' => '-2'], '"max_per_second"'];
        yield 'restart_threshold fraction' => [['restart_threshold' => '1.5'], '"restart_threshold" option must be a non-negative integer'];
        yield 'restart_threshold_sleep alone' => [['restart_threshold_sleep' => '1'], 'needs "restart_threshold"'];
        yield 'ping_threshold text' => [['ping_threshold' => 'soon'], '"ping_threshold"'];
        yield 'source_ip not an IP' => [['source_ip' => 'eth0'], '"source_ip" option must be an IP address'];
        yield 'peer_fingerprint not hex' => [['peer_fingerprint' => 'xyz'], '"peer_fingerprint"'];
        yield 'auth unknown mechanism' => [['auth' => 'NTLM'], '"auth" option must be one of'];
        yield 'pipelining not a boolean' => [['pipelining' => 'sometimes'], '"pipelining"'];
        yield 'cafile missing' => [['cafile' => __DIR__ . '/no-such-ca.pem'], '"cafile" option must name a readable file'];
        yield 'dkim_key without domain' => [['dkim_key' => __FILE__, 'dkim_selector' => 's'], 'DKIM signing needs'];
        yield 'dkim_key missing file' => [['dkim_key' => $key, 'dkim_domain' => 'example.com', 'dkim_selector' => 's'], '"dkim_key" option must name a readable PEM file'];
        yield 'dkim_key not a key' => [['dkim_key' => __FILE__, 'dkim_domain' => 'example.com', 'dkim_selector' => 's'], 'refused the transport\'s options'];
        yield 'local_domain with a line break' => [['local_domain' => "a.example\r\nRCPT TO:<x@y>"], 'refused the transport\'s options'];
    }

    /** @param array<string, mixed> $options */
    #[DataProvider('unusableOptionProvider')]
    /** @dataProvider unusableOptionProvider */
    public function testUnusableOptionIsRefusedAtCreation(array $options, string $message): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage($message);
        $this->getFactory()->create(new Dsn('ext+smtp', 'example.com', null, null, null, $options));
    }

    public function testImplicitTlsCannotBeTurnedOff(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('ext+smtps is TLS from the first byte');
        $this->getFactory()->create(new Dsn('ext+smtps', 'example.com', null, null, null, ['auto_tls' => 'false']));
    }

    public function testNameAndDsnStrings(): void
    {
        $transports = new Transport([$this->getFactory()]);
        $t = $transports->fromString('ext+smtp://u%40example.com:p%24ss@smtp.example.com:587?local_domain=client.example');
        self::assertInstanceOf(ExtSmtpTransport::class, $t);
        self::assertSame('ext+smtp://smtp.example.com', (string) $t);
        self::assertSame('ext+smtps://smtp.example.com', (string) $transports->fromString('ext+smtps://smtp.example.com'));
        self::assertSame('ext+smtp://smtp.example.com:2525', (string) $transports->fromString('ext+smtp://smtp.example.com:2525'));
        $failover = $transports->fromString('failover(ext+smtp://a.example.com ext+smtps://b.example.com)');
        self::assertInstanceOf(FailoverTransport::class, $failover);
        self::assertSame('failover(ext+smtp://a.example.com ext+smtps://b.example.com)', (string) $failover);
        // nothing connects before a message is sent
        self::assertFalse($t->getSmtp()->isConnected());
    }

    /** The standalone setup of the README: beside Symfony's own factories, in one DSN */
    public function testBesideSymfonysDefaultFactories(): void
    {
        $transports = new Transport([new ExtSmtpTransportFactory(), ...Transport::getDefaultFactories()]);
        $t = $transports->fromString('roundrobin(ext+smtp://a.example.com smtp://b.example.com null://null)');
        self::assertStringStartsWith('roundrobin(ext+smtp://a.example.com smtp', (string) $t);
        self::assertInstanceOf(ExtSmtpTransport::class, $transports->fromString('ext+smtps://a.example.com'));
    }
}
