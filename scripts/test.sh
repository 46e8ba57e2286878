#!/usr/bin/env bash
# Runs every test: the build on every supported PHP (8.2 here, 8.4 to 8.6 in Debian chroots), the
# core's C unit tests, the PHPT suite (fake servers and a real Postfix) on each PHP, the suite again
# under valgrind, short runs of the fuzz targets, the Windows build of the core under wine, the binding
# compiled for Windows (four builds, not run), and the packaging checks. --quick stops after the PHPT run
# on the host's PHP. Ends with one line "N passed, N failed".
#
# With CI=true (as CI runs it) a real server that cannot start, or a PHP version that cannot be
# installed, is a failure, never a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
full=1
[ "${1:-}" = "--quick" ] && full=0
ci=0
[ "${CI:-}" = "true" ] && ci=1

passed=0
failed=0
skipped=0
problems=()

tally() { # stage passed failed [skipped]
	passed=$((passed + $2))
	failed=$((failed + $3))
	skipped=$((skipped + ${4:-0}))
	[ "$3" -eq 0 ] || problems+=("$1: $3 failed")
	echo "== $1: $2 passed, $3 failed${4:+, $4 skipped}"
}

# A stage that prints "N passed, N failed[, N skipped]" lines of its own: add them up.
run_counted() { # stage command...
	local name=$1 out rc p f s
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 40
	p=$(echo "$out" | grep -oE '[0-9]+ passed, [0-9]+ failed' | awk '{s+=$1} END {print s+0}')
	f=$(echo "$out" | grep -oE '[0-9]+ passed, [0-9]+ failed' | awk '{s+=$3} END {print s+0}')
	s=$(echo "$out" | grep -oE '[0-9]+ failed, [0-9]+ skipped' | awk '{s+=$3} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	tally "$name" "$p" "$f" "$s"
}

bash scripts/deps.sh || { echo "could not install the dependencies"; echo "0 passed, 1 failed"; exit 1; }
# npm's mailauth 4.x, the second DKIM verifier, in a cache outside the repository (tests/dkim/)
if ! bash tests/dkim/setup-mailauth.sh >/dev/null; then
	echo "mailauth could not be installed: the DKIM tests that use it skip (with CI=true they fail)"
fi
if ! bash scripts/build.sh; then
	tally "build (PHP $(php-config --version), -Werror)" 0 1
	echo "$passed passed, $failed failed"
	exit 1
fi
tally "build (PHP $(php-config --version), -Wall -Wextra -Werror)" 1 0

# the committed arginfo is the one the stub asks for (scripts/gen-arginfo.sh makes it)
stub_hash=$(sha1sum smtp.stub.php | cut -d' ' -f1)
if grep -q "Stub hash: $stub_hash" smtp_arginfo.h; then
	tally "arginfo matches smtp.stub.php" 1 0
else
	echo "smtp_arginfo.h is older than smtp.stub.php: run scripts/gen-arginfo.sh"
	tally "arginfo matches smtp.stub.php" 0 1
fi
run_counted "docs match the code (DESIGN.md's files, options, INI, test names)" php scripts/check-docs.php
run_counted "static build from php-src's ext/ (PHP's include paths only)" bash scripts/check-static-build.sh
run_counted "core unit tests" bash protocol/tests/run-unit.sh

# The real servers of the integration tests: a private Postfix (tests/pf-*) and a private Exim
# (tests/ex-*), each with its own state dir, stopped on exit.
pf_state=$(mktemp -d "${TMPDIR:-/tmp}/smtp-postfix.XXXXXX")
exim_state=$(mktemp -d "${TMPDIR:-/tmp}/smtp-exim.XXXXXX")
trap 'bash tests/postfix/stop.sh "$pf_state" >/dev/null 2>&1 || true; bash tests/exim/stop.sh "$exim_state" >/dev/null 2>&1 || true' EXIT
start_server() { # name start-script state-dir env-variable
	if bash "$2" "$3" >"$3.log" 2>&1; then
		export "$4=$3/env.json"
		return
	fi
	echo "the private $1 did not start:"
	tail -n 20 "$3.log"
	if [ "$ci" -eq 1 ]; then
		tally "private $1" 0 1
	else
		echo "(its tests will be skipped; with CI=true this is a failure)"
	fi
}
start_server Postfix tests/postfix/start.sh "$pf_state" SMTP_TEST_POSTFIX_ENV
start_server Exim tests/exim/start.sh "$exim_state" SMTP_TEST_EXIM_ENV

run_counted "PHPT suite, PHP $(php -r 'echo PHP_VERSION;')" bash scripts/phpt.sh
# The Symfony Mailer bridge (bridges/symfony) with Debian's Symfony Mailer: Symfony's factory test case, then
# real sends through the private Postfix
run_counted "Symfony Mailer bridge, Symfony $(dpkg-query -W -f '${Version}' php-symfony-mailer 2>/dev/null | cut -d+ -f1)" \
	bash bridges/symfony/tests/run.sh

if [ "$full" -eq 1 ]; then
	# Other PHP versions, each built and tested in a Debian chroot (made once, then reused). The
	# real-server tests run on each: the chroot has its own Postfix and Dovecot, and sees the Exim above.
	if [ "$(id -u)" -eq 0 ] && command -v debootstrap >/dev/null; then
		for v in 8.4 8.5 8.6; do
			run_counted "build -Werror and PHPT suite, PHP $v" bash scripts/test-php-version.sh "$v" --postfix
		done
		# the bridges with Debian's Symfony Mailer and Laravel, in the 8.4 and 8.5 chroots
		run_counted "bridges: Symfony Mailer 6.4/7.4 and Laravel 10/13 (PHP 8.4, 8.5)" \
			bash bridges/laravel/tests/run-frameworks.sh
	elif [ "$ci" -eq 1 ]; then
		tally "PHP 8.4, 8.5, 8.6 (needs root and debootstrap)" 0 1
	else
		echo "PHP 8.4 to 8.6 skipped: they need root and debootstrap (chroots)"
	fi

	# only the extension's process runs under valgrind, not the fake servers and parsers it starts
	VALGRIND_OPTS='--trace-children-skip-by-arg=*/fake/server.php,*/fake/concurrent.php,*/real/*.py,*/postfix/check.py' \
		run_counted "PHPT suite under valgrind" bash scripts/phpt.sh -m -d pcre.jit=0
	run_counted "fuzz targets" bash protocol/tests/run-fuzz.sh 15
	run_counted "core on Windows (mingw-w64 + wine)" bash protocol/tests/run-mingw.sh
	run_counted "binding compiled for Windows (x64/x86, ZTS/NTS, mingw-w64)" bash scripts/check-windows-build.sh
	run_counted "packaging (package.xml, pecl package + install, PIE)" bash scripts/check-package.sh
	run_counted "GitHub workflows (actionlint)" bash scripts/check-workflows.sh
fi

for p in "${problems[@]}"; do
	echo "problem: $p"
done
if [ "$skipped" -gt 0 ]; then
	# each SKIPIF says why (the memory test, for one, skips under valgrind)
	echo "$skipped skipped (see the SKIP lines of the PHPT stages)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
