#!/usr/bin/env bash
# Runs every test: the core's C unit tests, the PHPT suite (fake servers and a real Postfix), the suite
# again under valgrind, short runs of the fuzz targets and the Windows build of the core under wine.
# --quick stops after the first PHPT run. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
full=1
[ "${1:-}" = "--quick" ] && full=0

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

# A stage that prints "N passed, N failed" lines of its own: add them up.
run_counted() { # stage command...
	local name=$1 out rc p f
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 40
	p=$(echo "$out" | grep -oE '[0-9]+ passed, [0-9]+ failed' | awk '{s+=$1} END {print s+0}')
	f=$(echo "$out" | grep -oE '[0-9]+ passed, [0-9]+ failed' | awk '{s+=$3} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	tally "$name" "$p" "$f"
}

bash scripts/deps.sh || { echo "could not install the dependencies"; exit 1; }
if ! bash scripts/build.sh; then
	tally build 0 1
	echo "$passed passed, $failed failed"
	exit 1
fi
tally build 1 0

run_counted "core unit tests" bash protocol/tests/run-unit.sh

# The real server for the integration tests; the tests skip with a reason when it is not there.
pf_state=$(mktemp -d "${TMPDIR:-/tmp}/smtp-postfix.XXXXXX")
if bash tests/postfix/start.sh "$pf_state" >"$pf_state.log" 2>&1; then
	export SMTP_TEST_POSTFIX_ENV="$pf_state/env.json"
else
	echo "Postfix did not start; its tests will be skipped:"
	tail -n 20 "$pf_state.log"
fi
trap 'bash tests/postfix/stop.sh "$pf_state" >/dev/null 2>&1 || true' EXIT

phpt() { # stage extra-run-tests-args...
	local name=$1 out p f s l b
	shift
	rm -f tests/*.diff
	out=$(TEST_PHP_EXECUTABLE=$(command -v php) NO_INTERACTION=1 php "$(php-config --extension-dir)/build/run-tests.php" \
		-q -j2 --show-diff -d "extension=$root/modules/smtp.so" "$@" tests/ 2>&1)
	# the summary blocks name each failed, leaked or borked test; the diffs say why
	echo "$out" | sed -n '/^\(FAILED\|LEAKED\|BORKED\) TEST SUMMARY/,/^=====/p' | grep -v '^-----' | head -n 60
	for d in tests/*.diff; do
		[ -f "$d" ] || continue
		echo "--- $d"
		head -n 20 "$d"
	done
	p=$(echo "$out" | sed -nE 's/^Tests passed +: +([0-9]+).*/\1/p')
	f=$(echo "$out" | sed -nE 's/^Tests failed +: +([0-9]+).*/\1/p')
	s=$(echo "$out" | sed -nE 's/^Tests skipped +: +([0-9]+).*/\1/p')
	l=$(echo "$out" | sed -nE 's/^Tests leaked +: +([0-9]+).*/\1/p')
	b=$(echo "$out" | sed -nE 's/^Tests borked +: +([0-9]+).*/\1/p')
	if [ -z "$p" ]; then
		echo "$out" | tail -n 30
		tally "$name" 0 1
		return
	fi
	tally "$name" "$p" $(( ${f:-0} + ${l:-0} + ${b:-0} )) "${s:-0}"
}

phpt "PHPT suite"

if [ "$full" -eq 1 ]; then
	# only the extension's process runs under valgrind, not the fake servers and parsers it starts
	VALGRIND_OPTS='--trace-children-skip-by-arg=*/fake/server.php,*/real/*.py,*/postfix/check.py' \
		phpt "PHPT suite under valgrind" -m -d pcre.jit=0
	run_counted "fuzz targets" bash protocol/tests/run-fuzz.sh 15
	run_counted "core on Windows (mingw-w64 + wine)" bash protocol/tests/run-mingw.sh
	run_counted "packaging (package.xml, pecl package + install, PIE)" bash scripts/check-package.sh
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
