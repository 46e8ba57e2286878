#!/bin/sh
# Regenerate smtp_arginfo.h from smtp.stub.php with php-src's gen_stub.php (build/gen_stub.php).
#
# gen_stub.php wants PHP-Parser 4.15.x in build/PHP-Parser-4.15.1 and tries to download it when it is
# missing. Offline, point it at an installed copy instead: Debian's php-parser package puts it in
# /usr/share/php/PhpParser; set PHP_PARSER_DIR to use another one. The link is not committed.
#
# Usage: build/gen-arginfo.sh [-f]    (-f: regenerate even when the stub hash is unchanged)
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
parser_dir=${PHP_PARSER_DIR:-/usr/share/php/PhpParser}
php=${PHP:-php}

if [ ! -e "$here/PHP-Parser-4.15.1/lib/PhpParser" ]; then
	if [ ! -d "$parser_dir" ]; then
		echo "PHP-Parser not found in $parser_dir (install php-parser, or set PHP_PARSER_DIR)" >&2
		exit 1
	fi
	mkdir -p "$here/PHP-Parser-4.15.1/lib"
	ln -s "$parser_dir" "$here/PHP-Parser-4.15.1/lib/PhpParser"
fi

cd "$top"
exec "$php" "$here/gen_stub.php" "$@" smtp.stub.php
