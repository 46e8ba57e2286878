#!/usr/bin/env bash
# The Symfony bridge's tests: Symfony's own transport-factory test case (PHPUnit), the registrations in a
# container (container.php: skipped for what symfony/dependency-injection, config, yaml, http-kernel lack) and
# real sends through the private Postfix (real-sends.php). Ends with one line "N passed, N failed"; exits non-zero on a failure.
#
#   bash bridges/symfony/tests/run.sh
#
# Everything it uses can be pointed elsewhere (a chroot, a Composer install):
#   PHP                      the PHP binary [php]
#   SMTP_EXTENSION           the extension to load, "" when PHP already loads it [modules/smtp.so of this tree
#                            when it exists and PHP does not load smtp]
#   PHPUNIT                  PHPUnit's script [the phpunit on the PATH]
#   SYMFONY_MAILER_AUTOLOAD  Symfony Mailer's autoloader [/usr/share/php/Symfony/Component/Mailer/autoload.php]
#   SMTP_TEST_POSTFIX_ENV    the env.json of a running tests/postfix/start.sh instance (without it the real
#                            sends fail when CI=true, else are skipped)
#   SMTP_BIG_MB              size of the large attachment [50]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
php=${PHP:-php}
ext_args=()
if [ -z "${SMTP_EXTENSION+x}" ]; then
	if ! "$php" -r 'exit(extension_loaded("smtp") ? 0 : 1);' && [ -f "$top/modules/smtp.so" ]; then
		ext_args=(-d "extension=$top/modules/smtp.so")
	fi
elif [ -n "$SMTP_EXTENSION" ]; then
	ext_args=(-d "extension=$SMTP_EXTENSION")
fi
export SYMFONY_MAILER_AUTOLOAD=${SYMFONY_MAILER_AUTOLOAD:-/usr/share/php/Symfony/Component/Mailer/autoload.php}

passed=0
failed=0
skipped=0

echo "== Symfony's transport-factory test case (PHPUnit)"
phpunit=${PHPUNIT:-$(command -v phpunit || true)}
if [ -z "$phpunit" ]; then
	echo "FAILED: phpunit is not installed (Debian: apt-get install phpunit; or set PHPUNIT)"
	failed=$((failed + 1))
else
	out=$("$php" "${ext_args[@]}" "$phpunit" --bootstrap "$here/bootstrap.php" "$here/ExtSmtpTransportFactoryTest.php" 2>&1)
	rc=$?
	echo "$out" | tail -n 25
	# "OK (41 tests, 70 assertions)" or "Tests: 41, Assertions: 70, Failures: 2, Errors: 1."
	# exit 0 with "OK, but there were issues!" (deprecations PHPUnit 11+ reports of Symfony's own test case)
	# is a pass: then only "Tests: N" gives the count
	total=$(echo "$out" | grep -oE '^OK \([0-9]+ tests?' | grep -oE '[0-9]+' | head -1)
	[ -z "$total" ] && [ "$rc" -eq 0 ] && total=$(echo "$out" | grep -oE 'Tests: [0-9]+' | grep -oE '[0-9]+' | head -1)
	if [ -n "$total" ] && [ "$rc" -eq 0 ]; then
		passed=$((passed + total))
	else
		total=$(echo "$out" | grep -oE 'Tests: [0-9]+' | grep -oE '[0-9]+' | head -1)
		bad=$(echo "$out" | grep -oE '(Failures|Errors): [0-9]+' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
		[ -z "$total" ] && total=0
		[ "$bad" -eq 0 ] && bad=1
		passed=$((passed + total - bad))
		failed=$((failed + bad))
	fi
fi

echo
echo "== registration: services.yaml, services.php, SmtpBridgeBundle in a container"
out=$("$php" "${ext_args[@]}" "$here/container.php" 2>&1)
rc=$?
echo "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed'
line=$(echo "$out" | grep -oE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -1)
p=$(echo "$line" | awk '{print $1}')
f=$(echo "$line" | awk '{print $3}')
s=$(echo "$line" | awk '{print $5}')
p=${p:-0}
f=${f:-0}
s=${s:-0}
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))
skipped=$((skipped + s))

echo
echo "== real sends through the private Postfix"
if [ -z "${SMTP_TEST_POSTFIX_ENV:-}" ] && [ "${CI:-}" != "true" ]; then
	echo "skipped: no private Postfix (SMTP_TEST_POSTFIX_ENV; start tests/postfix/start.sh)"
	skipped=$((skipped + 1))
else
	out=$("$php" "${ext_args[@]}" "$here/real-sends.php" 2>&1)
	rc=$?
	echo "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
	p=$(echo "$out" | grep -oE '^[0-9]+ passed, [0-9]+ failed$' | tail -1 | awk '{print $1}')
	f=$(echo "$out" | grep -oE '^[0-9]+ passed, [0-9]+ failed$' | tail -1 | awk '{print $3}')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
