#!/usr/bin/env bash
# The bridges against the real frameworks, Debian's packages of them, each in the Debian chroot of its
# PHP (scripts/php-chroot.sh makes or reuses it):
#
#   PHP 8.4 (Debian 13):  Symfony Mailer 6.4, Laravel 10
#   PHP 8.5 (Debian sid): Symfony Mailer 7.4, Laravel 13 (or what sid has)
#
#   bridges/laravel/tests/run-frameworks.sh [8.4 8.5]
#
# In each chroot: the extension built for that PHP (the one scripts/test-php-version.sh built there is
# reused when its sources are the same), a private Postfix of its own (tests/postfix/start.sh, on the
# ports SMTP_FW_PF_PLAIN / SMTP_FW_PF_SUBMISSION / SMTP_FW_PF_SMTPS, default 36025 / 36587 / 36465),
# then bridges/symfony/tests' runner with that chroot's Symfony and bridges/laravel/tests/laravel.php
# with its Laravel. Every part ends with a line "NAME: N passed, N failed"; needs root.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(8.4 8.5)
plain=${SMTP_FW_PF_PLAIN:-36025}
submission=${SMTP_FW_PF_SUBMISSION:-36587}
smtps=${SMTP_FW_PF_SMTPS:-36465}

[ "$(id -u)" -eq 0 ] || { echo "run-frameworks: needs root (chroots)"; echo "frameworks: 0 passed, 1 failed"; exit 1; }

work=/build/smtp-frameworks  # inside the chroot: the tree, and the private Postfix's state dir
pf=/build/pf-frameworks
status=0
mounts=()
pf_dirs=()
cleanup() {
	local m
	for m in "${pf_dirs[@]}"; do chroot "$m" /bin/bash "$work/tests/postfix/stop.sh" "$pf" >/dev/null 2>&1 || true; done
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	pf_dirs=()
	mounts=()
}
trap cleanup EXIT
# the files the extension is built from: the same ones in the chroot's PHPT build mean the same module
sources_hash() { # dir
	(cd "$1" && find . -path ./build -prune -o -path ./bridges -prune -o -path ./tests -prune -o -path ./bench -prune \
		-o -type f \( -name '*.c' -o -name '*.h' -o -name 'config.m4' \) -print | LC_ALL=C sort | xargs -r sha256sum \
		| grep -v -E ' \./(config|php_smtp_version)\.h$' | sha256sum | cut -d' ' -f1)
}

run_version() { # version
	local v=$1 dir m
	fail() { echo "run-frameworks: PHP $v: $*"; echo "frameworks, PHP $v: 0 passed, 1 failed"; status=1; }
	dir=$(bash scripts/php-chroot.sh "$v" | tail -n 1) || dir=""
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then fail "no chroot"; return; fi

	in_root() {
		chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
			CI="${CI:-}" PHP="php$v" PHPIZE="phpize$v" PHP_CONFIG="php-config$v" "$@"
	}
	for m in proc dev; do
		mountpoint -q "$dir/$m" && continue
		if [ "$m" = proc ]; then mount -t proc proc "$dir/proc"; else mount --bind /dev "$dir/dev"; fi
		mounts=("$dir/$m" "${mounts[@]}")
	done

	# the working tree as it is (tracked and new files, not what .gitignore names)
	rm -rf "${dir:?}$work"
	mkdir -p "$dir$work"
	git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	done | tar --null -T - -cf - | tar -C "$dir$work" -xf - || { fail "could not copy the tree"; return; }

	# the module built from the same C sources by the PHPT stage, or by an earlier run of this script
	local hash cache=$dir/build/frameworks-module
	hash=$(sources_hash "$dir$work")
	mkdir -p "$dir$work/modules"
	if [ -f "$dir/build/smtp/modules/smtp.so" ] && [ "$(sources_hash "$dir/build/smtp")" = "$hash" ]; then
		cp "$dir/build/smtp/modules/smtp.so" "$dir$work/modules/smtp.so"
		echo "run-frameworks: PHP $v: the extension the PHPT stage built (same sources)"
	elif [ -f "$cache/smtp.so" ] && [ "$(cat "$cache/sources" 2>/dev/null)" = "$hash" ]; then
		cp "$cache/smtp.so" "$dir$work/modules/smtp.so"
		echo "run-frameworks: PHP $v: the extension built by an earlier run (same sources)"
	else
		if ! in_root bash "$work/scripts/build.sh" >"$dir/build/frameworks-build.log" 2>&1; then
			tail -n 30 "$dir/build/frameworks-build.log"
			fail "the build failed"
			return
		fi
		mkdir -p "$cache"
		cp "$dir$work/modules/smtp.so" "$cache/smtp.so"
		echo "$hash" >"$cache/sources"
	fi
	in_root "php$v" -d "extension=$work/modules/smtp.so" -r 'exit(extension_loaded("smtp") ? 0 : 1);' \
		|| { fail "php$v does not load the extension"; return; }

	pf_dirs+=("$dir")
	if ! in_root env SMTP_PF_PLAIN="$plain" SMTP_PF_SUBMISSION="$submission" SMTP_PF_SMTPS="$smtps" \
		bash "$work/tests/postfix/start.sh" "$pf" >"$dir/build/pf-frameworks.log" 2>&1; then
		tail -n 20 "$dir/build/pf-frameworks.log"
		fail "the private Postfix did not start"
		return
	fi

	# the Symfony bridge's own runner, with this chroot's PHP, PHPUnit and Symfony Mailer
	# shellcheck disable=SC2016 # dpkg-query's own format
	echo "== Symfony Mailer $(in_root dpkg-query -W -f '${Version}' php-symfony-mailer | cut -d+ -f1), PHP $v"
	# (from symfony-phpunit/, whose phpunit.xml leaves out the tests Symfony 6.4 marks nophpunit11)
	in_root env -C "$work/bridges/laravel/tests/symfony-phpunit" PHP="php$v" SMTP_EXTENSION="$work/modules/smtp.so" PHPUNIT=/usr/bin/phpunit \
		SYMFONY_MAILER_AUTOLOAD=/usr/share/php/Symfony/Component/Mailer/autoload.php \
		SMTP_TEST_POSTFIX_ENV="$pf/env.json" bash "$work/bridges/symfony/tests/run.sh" || status=1

	# shellcheck disable=SC2016
	echo "== Laravel $(in_root dpkg-query -W -f '${Version}' php-laravel-framework | cut -d+ -f1), PHP $v"
	in_root env SMTP_TEST_POSTFIX_ENV="$pf/env.json" SMTP_EXTENSION="$work/modules/smtp.so" \
		"php$v" -d "extension=$work/modules/smtp.so" "$work/bridges/laravel/tests/laravel.php" || status=1
}

for v in "${versions[@]}"; do
	started=$SECONDS
	run_version "$v"
	cleanup
	echo "run-frameworks: PHP $v took $((SECONDS - started)) s"
done
exit $status
