#!/usr/bin/env bash
# Builds the extension and runs the PHPT suite on another PHP version, inside the Debian chroot that
# scripts/php-chroot.sh makes (or reuses):
#
#   scripts/test-php-version.sh 8.4 [--postfix]
#
# The working tree is copied into the chroot and built there with that PHP's phpize, every warning an
# error. --postfix also starts a private Postfix inside the chroot (its own Postfix and Dovecot, on
# ports of its own) so that the real-server tests run too. Ends with the line of scripts/phpt.sh:
# "phpt: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=${1:?usage: test-php-version.sh 8.4|8.5|8.6 [--postfix]}
postfix=0
[ "${2:-}" = "--postfix" ] && postfix=1

fail() { echo "test-php-version: PHP $version: $*"; echo "phpt: 0 passed, 1 failed, 0 skipped"; exit 1; }

dir=$(bash scripts/php-chroot.sh "$version" | tail -n 1) || fail "no chroot"
[ -d "$dir" ] || fail "no chroot"

mounts=()
cleanup() {
	if [ "$postfix" -eq 1 ]; then
		chroot "$dir" /bin/bash /build/smtp/tests/postfix/stop.sh /build/pf >/dev/null 2>&1 || true
	fi
	local m
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
for m in proc dev; do
	if mountpoint -q "$dir/$m"; then continue; fi
	if [ "$m" = proc ]; then mount -t proc proc "$dir/proc"; else mount --bind /dev "$dir/dev"; fi
	mounts=("$dir/$m" "${mounts[@]}")
done

# A folder of the host seen at the same path inside the chroot.
share() { # dir
	mkdir -p "$dir$1"
	mountpoint -q "$dir$1" && return 0
	mount --bind "$1" "$dir$1" && mounts=("$dir$1" "${mounts[@]}")
}
# the private Exim of scripts/test.sh, when one runs: its state dir
exim_env=""
if [ -n "${SMTP_TEST_EXIM_ENV:-}" ] && [ -f "$SMTP_TEST_EXIM_ENV" ]; then
	share "$(dirname "$SMTP_TEST_EXIM_ENV")" && exim_env=$SMTP_TEST_EXIM_ENV
fi
# npm's mailauth, the second DKIM verifier, installed on the host by tests/dkim/setup-mailauth.sh (the
# chroot has node to run it)
mailauth_dir=${SMTP_MAILAUTH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/php-smtp-mailauth}
mailauth_env=""
if [ -d "$mailauth_dir/node_modules" ]; then
	share "$mailauth_dir" && mailauth_env=$mailauth_dir
fi

# the working tree as it is (tracked and new files, not what .gitignore names), built from scratch
rm -rf "$dir/build/smtp"
mkdir -p "$dir/build/smtp"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -C "$dir/build/smtp" -xf - || fail "could not copy the tree"

in_root() {
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
		CI="${CI:-}" PHP="php$version" PHPIZE="phpize$version" PHP_CONFIG="php-config$version" "$@"
}

in_root bash /build/smtp/scripts/build.sh || fail "the build failed"

env_json=""
if [ "$postfix" -eq 1 ]; then
	# ports of its own, so that it never meets the host's instance
	if in_root env SMTP_PF_PLAIN=35025 SMTP_PF_SUBMISSION=35587 SMTP_PF_SMTPS=35465 \
		bash /build/smtp/tests/postfix/start.sh /build/pf >"$dir/build/pf.log" 2>&1; then
		env_json=/build/pf/env.json
	else
		tail -n 20 "$dir/build/pf.log"
		fail "the private Postfix did not start"
	fi
fi
in_root env SMTP_TEST_POSTFIX_ENV="$env_json" SMTP_TEST_EXIM_ENV="$exim_env" SMTP_MAILAUTH_DIR="$mailauth_env" \
	bash /build/smtp/scripts/phpt.sh
