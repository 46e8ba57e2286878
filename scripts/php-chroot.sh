#!/usr/bin/env bash
# Makes (or reuses) a Debian chroot that has one PHP version's CLI and development files, for building
# and testing the extension on PHP versions Debian 12 does not ship:
#
#   scripts/php-chroot.sh 8.4     Debian 13 (trixie)
#   scripts/php-chroot.sh 8.5     Debian sid with experimental, php-common pinned to 8.5's
#   scripts/php-chroot.sh 8.6     Debian sid with experimental's php-common
#
# Prints the chroot's directory on its last line. Chroots live in $SMTP_CHROOT_DIR (default
# /var/cache/smtp-php-chroots) and are kept between runs: one takes about four minutes to make, a
# reused one a few seconds to check. Each also holds Postfix, Dovecot and Python, so the real-server
# tests can run inside it. Needs root and debootstrap.
set -euo pipefail

version=${1:?usage: php-chroot.sh 8.4|8.5|8.6}
store=${SMTP_CHROOT_DIR:-/var/cache/smtp-php-chroots}
dir=$store/php$version
say() { echo "php-chroot: $*" >&2; }

case $version in
	8.4) suite=trixie; experimental=0 ;;
	8.5 | 8.6) suite=sid; experimental=1 ;;
	*) echo "php-chroot: unsupported version '$version' (8.4, 8.5 or 8.6)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "php-chroot: must run as root (debootstrap, chroot)" >&2; exit 1; }

# The mirror the host already uses; its Release files may be past their Valid-Until date.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
apt_opts=(-o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false -o Dpkg::Use-Pty=0 -qq)

# What the build, the PHPT suite and the private Postfix need.
packages=(
	"php$version-cli" "php$version-dev" "php$version-intl" "php$version-mbstring"
	make gcc libc6-dev pkg-config libssl-dev
	postfix dovecot-core openssl python3 python3-aiosmtpd
	python3-dkim nodejs                             # the DKIM verifiers (mailauth's files come from the host)
	php-parser                                      # scripts/gen-arginfo.sh with this PHP's gen_stub.php
)
# The framework tests of the bridges (bridges/laravel/tests/run-frameworks.sh): Debian's Symfony Mailer
# and Laravel (6.4 and 10 in Debian 13, 7.4 and 13 in sid), PHPUnit, SQLite for Laravel's database queue,
# Symfony's container, config and YAML (the Symfony bridge's registration test).
# Their php-* dependencies bring sid's default PHP (8.4) along, never as /usr/bin/php; the extensions
# they need come for this PHP too (PHPUnit needs dom and xmlwriter).
if [ "$version" = "8.4" ] || [ "$version" = "8.5" ]; then
	packages+=(php-symfony-mailer php-symfony-dependency-injection php-symfony-config php-symfony-yaml php-laravel-framework phpunit
		"php$version-sqlite3" "php$version-xml")
fi

in_root() { chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive HOME=/root "$@"; }
mounted=0
cleanup() { [ "$mounted" -eq 0 ] || umount "$dir/proc" 2>/dev/null || umount -l "$dir/proc" 2>/dev/null || true; }
trap cleanup EXIT

# ready when made with the package list of this script (a changed list installs what is new)
ready() { [ -x "$dir/usr/bin/php$version" ] && [ "$(cat "$dir/.smtp-chroot-ready" 2>/dev/null)" = "${packages[*]}" ]; }
if ready; then
	echo "$dir"
	exit 0
fi

command -v debootstrap >/dev/null || { echo "php-chroot: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$store"
if [ ! -x "$dir/usr/bin/apt-get" ]; then
	base=$store/base-$suite
	if [ ! -x "$base/usr/bin/apt-get" ]; then
		say "debootstrap $suite into $base (a few minutes)"
		rm -rf "$base.partial"
		debootstrap --variant=minbase "$suite" "$base.partial" "$mirror" >"$store/debootstrap-$suite.log" 2>&1 \
			|| { tail -n 20 "$store/debootstrap-$suite.log" >&2; echo "php-chroot: debootstrap $suite failed" >&2; exit 1; }
		mv "$base.partial" "$base"
	fi
	say "copying the $suite base to $dir"
	rm -rf "$dir"
	cp -a "$base" "$dir"
fi

# No service starts inside the chroot while packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod 755 "$dir/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$dir/proc"
mounted=1

{
	echo "deb $mirror $suite main"
	[ "$experimental" -eq 1 ] && echo "deb $mirror experimental main"
} >"$dir/etc/apt/sources.list"
rm -f "$dir/etc/apt/sources.list.d/"*.sources 2>/dev/null || true

# experimental is never chosen by default: pin what each version needs from it.
rm -f "$dir/etc/apt/preferences.d/smtp-php"
if [ "$experimental" -eq 1 ]; then
	cat >"$dir/etc/apt/preferences.d/smtp-php" <<EOF
Package: php$version*
Pin: release a=experimental
Pin-Priority: 990
EOF
	if [ "$version" = "8.6" ]; then
		printf '\nPackage: php-common php-defaults\nPin: release a=experimental\nPin-Priority: 990\n' \
			>>"$dir/etc/apt/preferences.d/smtp-php"
	fi
fi

echo "postfix postfix/main_mailer_type select No configuration" | in_root debconf-set-selections
say "installing PHP $version and the test servers into $dir"
in_root apt-get "${apt_opts[@]}" update >"$dir/.smtp-apt.log" 2>&1 \
	|| { tail -n 20 "$dir/.smtp-apt.log" >&2; echo "php-chroot: apt-get update failed" >&2; exit 1; }
extra=()
if [ "$version" = "8.5" ]; then
	# 8.5 needs the php-common of its own time; a newer one (for 8.6) conflicts with it
	extra=("php-common=2:101*")
fi
in_root apt-get "${apt_opts[@]}" install -y "${packages[@]}" "${extra[@]}" >>"$dir/.smtp-apt.log" 2>&1 \
	|| { tail -n 30 "$dir/.smtp-apt.log" >&2; echo "php-chroot: installing PHP $version failed" >&2; exit 1; }
in_root apt-get "${apt_opts[@]}" clean >/dev/null 2>&1 || true
[ -x "$dir/usr/bin/php$version" ] || { echo "php-chroot: php$version is missing after the install" >&2; exit 1; }
echo "${packages[*]}" >"$dir/.smtp-chroot-ready"
say "ready: $(in_root "php$version" -r 'echo PHP_VERSION;')"
echo "$dir"
