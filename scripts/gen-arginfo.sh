#!/usr/bin/env bash
# Regenerates smtp_arginfo.h from smtp.stub.php with the gen_stub.php of an installed PHP.
#
#   scripts/gen-arginfo.sh [-f]              with the PHP on the PATH (php, php-config)
#   PHP=php8.4 PHP_CONFIG=php-config8.4 scripts/gen-arginfo.sh -f
#
# -f regenerates even when the stub's hash is unchanged. The stub asks for arginfo that compiles on
# every PHP from 8.2 on (@generate-legacy-arginfo 80200): the gen_stub.php of 8.4 and later guards what
# older versions lack (zend_register_internal_class_with_flags). The committed header comes from PHP 8.4's
# (8.5's gives the same bytes), made in its chroot with:
#   scripts/gen-arginfo.sh --chroot 8.4 -f        (as root; see scripts/php-chroot.sh)
#
# gen_stub.php ships with PHP's development files (the build/ folder in `php-config --extension-dir`)
# and wants a given PHP-Parser release beside it, which it tries to download when missing. Offline, this
# script runs a copy of it in a temporary folder where that release's place links to the PHP-Parser
# Debian installs (package php-parser: /usr/share/php/PhpParser; set PHP_PARSER_DIR for another).
# PHP-Parser 4.x serves the gen_stub of PHP 8.2 and 8.3, 5.x that of 8.4 and later.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--chroot" ]; then
	version=${2:?usage: gen-arginfo.sh --chroot 8.4 [-f]}
	shift 2
	dir=$(bash "$top/scripts/php-chroot.sh" "$version" | tail -n 1)
	mkdir -p "$dir/build/gen-arginfo/scripts"
	cp "$top/smtp.stub.php" "$top/smtp_arginfo.h" "$dir/build/gen-arginfo/"
	cp "$0" "$dir/build/gen-arginfo/scripts/"
	chroot "$dir" /usr/bin/env -i PATH=/usr/bin:/bin PHP="php$version" PHP_CONFIG="php-config$version" \
		bash /build/gen-arginfo/scripts/gen-arginfo.sh "$@"
	cp "$dir/build/gen-arginfo/smtp_arginfo.h" "$top/smtp_arginfo.h"
	exit 0
fi
php=${PHP:-php}
php_config=${PHP_CONFIG:-php-config}
parser_dir=${PHP_PARSER_DIR:-/usr/share/php/PhpParser}

gen_stub="$("$php_config" --extension-dir)/build/gen_stub.php"
[ -f "$gen_stub" ] || { echo "gen-arginfo: $gen_stub not found (install the PHP development package)" >&2; exit 1; }
[ -d "$parser_dir" ] || { echo "gen-arginfo: PHP-Parser not found in $parser_dir (install php-parser, or set PHP_PARSER_DIR)" >&2; exit 1; }

# the release gen_stub.php asks for, e.g. 4.15.1 or 5.0.0
wanted=$(sed -n 's/^[[:space:]]*\$version = "\([0-9.]*\)";.*/\1/p' "$gen_stub" | head -n 1)
[ -n "$wanted" ] || { echo "gen-arginfo: cannot tell which PHP-Parser $gen_stub wants" >&2; exit 1; }
have=4
[ -f "$parser_dir/Node/PropertyItem.php" ] && have=5    # a class PHP-Parser 5 added
if [ "${wanted%%.*}" != "$have" ]; then
	echo "gen-arginfo: this gen_stub.php wants PHP-Parser $wanted, but $parser_dir holds the $have.x series" >&2
	echo "  use the php-parser of the Debian release that ships this PHP (or set PHP_PARSER_DIR)" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-gen-stub.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$gen_stub" "$work/gen_stub.php"
mkdir -p "$work/PHP-Parser-$wanted/lib"
ln -s "$parser_dir" "$work/PHP-Parser-$wanted/lib/PhpParser"
# gen_stub.php loads the parser's classes through its own autoloader from that folder
cd "$top"
"$php" "$work/gen_stub.php" "$@" smtp.stub.php
