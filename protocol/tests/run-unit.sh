#!/usr/bin/env bash
# run-unit.sh - build and run the C unit tests of the SMTP core natively, twice:
#   1. gcc -std=c99 -pedantic -Wall -Wextra -Werror -Wvla
#   2. the same with -fsanitize=address,undefined (any sanitizer report fails the run)
# and first a portability lint of the core: no POSIX-only header or call, no ssize_t, no VLA (-Wvla).
#
#   protocol/tests/run-unit.sh
#
# Prints each test program's "name: N passed, N failed" line; exits non-zero on any failure.
# Environment: CC (default gcc), UNIT_SANITIZE=0 skips the sanitizer build (e.g. where libasan is missing).
set -u

here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/.." && pwd)
CC=${CC:-gcc}
tests="test_core test_mime test_dkim test_scram"
status=0

fail() {
	echo "run-unit: $*" >&2
	status=1
}

# ---- portability lint ------------------------------------------------------------------------------
# The core must build with MSVC and mingw-w64 (README, Layout): no POSIX-only headers or calls, no ssize_t.
# Comments are stripped first (the preprocessor with -fpreprocessed keeps everything else as it is).
lint_files=$(ls "$proto"/*.c "$proto"/*.h "$here"/test.h "$here"/test_*.c 2>/dev/null)
forbidden='#[[:space:]]*include[[:space:]]*<(unistd\.h|strings\.h|sys/|arpa/|netinet/|netdb\.h|poll\.h|fcntl\.h|dirent\.h|pthread\.h|dlfcn\.h|termios\.h|syslog\.h|libgen\.h|alloca\.h)|\b(strcasecmp|strncasecmp|strndup|strtok_r|strsep|memmem|gettimeofday|clock_gettime|usleep|nanosleep|bzero|bcopy|alloca|getpid|fork|popen|mkstemp|strlcpy|strlcat)[[:space:]]*\(|\bssize_t\b'
lint_bad=0
for f in $lint_files; do
	hits=$("$CC" -fpreprocessed -dD -E -P "$f" 2>/dev/null | grep -n -E "$forbidden")
	if [ -n "$hits" ]; then
		echo "$f:" >&2
		echo "$hits" >&2
		lint_bad=1
	fi
done
if [ $lint_bad != 0 ]; then
	fail "portability lint: POSIX-only header or call, or ssize_t, in the files above"
else
	echo "lint: no POSIX-only header or call, no ssize_t in protocol/"
fi

# ---- builds --------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-unit.XXXXXX")
trap 'rm -rf "$work"' EXIT
warn=(-std=c99 -pedantic -Wall -Wextra -Werror -Wvla -I"$proto")

run_suite() { # label, extra flags...
	local label=$1 t out rc
	shift
	for t in $tests; do
		if [ ! -f "$here/$t.c" ]; then
			fail "$t.c is missing"
			continue
		fi
		if ! "$CC" "${warn[@]}" "$@" "$proto"/*.c "$here/$t.c" -o "$work/$t-$label" 2>"$work/$t-$label.log"; then
			cat "$work/$t-$label.log" >&2
			fail "$t ($label) does not build"
			continue
		fi
		out=$(cd "$work" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
			"./$t-$label" 2>"$work/$t-$label.err")
		rc=$?
		echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed'
		if [ $rc != 0 ] || grep -q -e 'runtime error:' -e '^==[0-9]*==ERROR' "$work/$t-$label.err"; then
			tail -n 40 "$work/$t-$label.err" >&2
			fail "$t ($label) failed (exit $rc)"
		fi
	done
}

echo "== $CC -std=c99 -pedantic -Wall -Wextra -Werror -Wvla -O2"
run_suite plain -O2
if [ "${UNIT_SANITIZE:-1}" != 0 ]; then
	echo "== the same with -fsanitize=address,undefined"
	run_suite asan -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
fi

exit $status
