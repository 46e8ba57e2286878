#!/usr/bin/env bash
# run-mingw.sh - Windows portability check of the SMTP core: cross-compile the core and its unit
# tests with mingw-w64 (-std=c99 -Wall -Wextra -Werror -Wvla) and run the .exe files under wine.
#
#   protocol/tests/run-mingw.sh
#
# Prints each test program's "name: N passed, N failed" line and exits non-zero on any failure.
# Without mingw-w64 or wine it prints "skip: ..." and exits 0 (Debian: apt-get install -y
# gcc-mingw-w64-x86-64 wine64). The wine prefix is a new temporary one (its first start takes ~10 s).
# Environment: MINGW_CC (default x86_64-w64-mingw32-gcc), WINE (default: wine, wine64 or wine-stable).
set -u

here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/.." && pwd)
tests="test_core test_mime test_scram test_dkim"

cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "skip: $cc not found (install gcc-mingw-w64-x86-64)"
	exit 0
fi
wine=${WINE:-}
if [ -z "$wine" ]; then
	for w in wine wine64 wine-stable /usr/lib/wine/wine64; do
		if command -v "$w" >/dev/null 2>&1; then
			wine=$w
			break
		fi
	done
fi
if [ -z "$wine" ]; then
	echo "skip: wine not found (install wine64)"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-mingw.XXXXXX")
cleanup() {
	WINEPREFIX="$work/prefix" wineserver -k >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

status=0
for t in $tests; do
	if [ ! -f "$here/$t.c" ]; then
		echo "run-mingw: $t.c is missing" >&2
		status=1
		continue
	fi
	if ! "$cc" -std=c99 -Wall -Wextra -Werror -Wvla -O2 -I"$proto" "$proto"/*.c "$here/$t.c" -o "$work/$t.exe"; then
		echo "run-mingw: $t does not build with $cc" >&2
		status=1
	fi
done
[ $status = 0 ] || exit $status

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
# no display here: keep wine from trying one
unset DISPLAY WAYLAND_DISPLAY
for t in $tests; do
	# the tests write their summary to stdout and failures to stderr; wine adds its own noise to stderr
	(cd "$work" && "$wine" "./$t.exe" >"$work/$t.out" 2>"$work/$t.err")
	rc=$?
	tr -d '\r' <"$work/$t.out" | grep -E '[0-9]+ passed, [0-9]+ failed'
	if [ $rc != 0 ] || ! tr -d '\r' <"$work/$t.out" | grep -q -E '[0-9]+ passed, 0 failed'; then
		tr -d '\r' <"$work/$t.err" | grep -v -e '^wine: ' -e 'wineprefix' | tail -n 40 >&2
		echo "run-mingw: $t.exe failed under $wine (exit $rc)" >&2
		status=1
	fi
done
exit $status
