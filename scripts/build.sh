#!/usr/bin/env bash
# Builds modules/smtp.so with phpize, every warning an error (-Wall -Wextra -Werror).
#
#   scripts/build.sh                       with the PHP on the PATH
#   PHPIZE=phpize8.4 PHP_CONFIG=php-config8.4 scripts/build.sh
#
# -Wno-unused-parameter: PHP's function and module macros hand every function parameters it may not use.
set -euo pipefail
cd "$(dirname "$0")/.."
phpize=${PHPIZE:-phpize}
php_config=${PHP_CONFIG:-php-config}
warnings="-Wall -Wextra -Wno-unused-parameter"

# a build made with another PHP starts again from phpize
built_for=$(cat .smtp-built-for 2>/dev/null || true)
api=$("$php_config" --phpapi)
if [ "$built_for" != "$api" ]; then
	rm -f configure Makefile
fi
if [ ! -f configure ] || [ config.m4 -nt configure ]; then
	"$phpize" >/dev/null 2>&1 || { "$phpize"; exit 1; }
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	# -Werror only at make time: configure's own probes are not written to be warning-free
	CFLAGS="-O2 -g $warnings" ./configure --with-php-config="$(command -v "$php_config")" --enable-smtp >/dev/null
	make clean >/dev/null 2>&1 || true
fi
echo "$api" >.smtp-built-for
log=$(mktemp)
if ! make -j"$(nproc)" EXTRA_CFLAGS="-Werror" >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -n 40
	tail -n 20 "$log"
	rm -f "$log"
	echo "build failed (with $("$php_config" --version))" >&2
	exit 1
fi
rm -f "$log"
echo "built modules/smtp.so for PHP $("$php_config" --version)"
