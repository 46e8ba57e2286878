#!/usr/bin/env bash
# Runs the PHPT suite against modules/smtp.so with one PHP and prints what failed and why, then one
# closing line "phpt: N passed, N failed, N skipped" (leaked and borked tests count as failed).
#
#   scripts/phpt.sh [run-tests.php options...]          with the PHP on the PATH
#   PHP=php8.4 PHP_CONFIG=php-config8.4 scripts/phpt.sh
#
# The real-server tests run when SMTP_TEST_POSTFIX_ENV names a running instance's env.json (see
# tests/postfix/start.sh); with CI=true they fail instead of skipping when it does not.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
php=$(command -v "${PHP:-php}")
php_config=${PHP_CONFIG:-php-config}
runner="$("$php_config" --extension-dir)/build/run-tests.php"
[ -f "$runner" ] || { echo "phpt: $runner not found (install the PHP development package)"; echo "phpt: 0 passed, 1 failed, 0 skipped"; exit 1; }

rm -f tests/*.diff
out=$(TEST_PHP_EXECUTABLE=$php NO_INTERACTION=1 "$php" "$runner" -q -j2 --show-diff \
	-d "extension=$root/modules/smtp.so" "$@" tests/ 2>&1)
# the summary blocks name each failed, leaked or borked test; the diffs say why
echo "$out" | sed -n '/^\(FAILED\|LEAKED\|BORKED\) TEST SUMMARY/,/^=====/p' | grep -v '^-----' | head -n 60
for d in tests/*.diff; do
	[ -f "$d" ] || continue
	echo "--- $d"
	head -n 20 "$d"
done
echo "$out" | grep -E '^SKIP ' | head -n 20
p=$(echo "$out" | sed -nE 's/^Tests passed +: +([0-9]+).*/\1/p')
f=$(echo "$out" | sed -nE 's/^Tests failed +: +([0-9]+).*/\1/p')
s=$(echo "$out" | sed -nE 's/^Tests skipped +: +([0-9]+).*/\1/p')
l=$(echo "$out" | sed -nE 's/^Tests leaked +: +([0-9]+).*/\1/p')
b=$(echo "$out" | sed -nE 's/^Tests borked +: +([0-9]+).*/\1/p')
if [ -z "$p" ]; then
	echo "$out" | tail -n 30
	echo "phpt: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
failed=$(( ${f:-0} + ${l:-0} + ${b:-0} ))
echo "phpt: $p passed, $failed failed, ${s:-0} skipped (PHP $("$php" -r 'echo PHP_VERSION;'))"
[ "$failed" -eq 0 ]
