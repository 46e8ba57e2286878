#!/usr/bin/env bash
# Checks that the extension builds as php-src builds a bundled extension: from ext/smtp/ of a source
# tree, with only PHP's own include paths. Every header is then found through the path of the file that
# includes it, as in main/internal_functions.c, which has #include "ext/smtp/php_smtp.h".
#
#   scripts/check-static-build.sh        prints "static build: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/.."
php_config=${PHP_CONFIG:-php-config}
cc=${CC:-cc}

tree=$(mktemp -d "${TMPDIR:-/tmp}/smtp-static.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/ext/smtp" "$tree/main"
git ls-files -z -- '*.c' '*.h' | tar --null -T - -cf - | tar -C "$tree/ext/smtp" -xf -

# what main/internal_functions.c does for a static extension
printf '#include "php.h"\n#include "ext/smtp/php_smtp.h"\nzend_module_entry *smtp_static_check = phpext_smtp_ptr;\n' \
	>"$tree/main/internal_functions_check.c"

flags=(-fsyntax-only -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -DHAVE_SMTP=1
	-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -I"$tree" $("$php_config" --includes))
passed=0
failed=0
for f in "$tree"/main/internal_functions_check.c "$tree"/ext/smtp/*.c "$tree"/ext/smtp/protocol/*.c; do
	# each file compiled from its own folder, the way the build runs
	if (cd "$(dirname "$f")" && "$cc" "${flags[@]}" "$f" 2>"$tree/err"); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "static build: ${f#"$tree"/} does not compile with PHP's include paths only:"
		head -n 10 "$tree/err"
	fi
done
echo "static build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
