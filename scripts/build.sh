#!/usr/bin/env bash
# Builds modules/smtp.so with phpize; fails if the compiler warns about any of our files.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f configure ] || [ config.m4 -nt configure ]; then
	phpize >/dev/null 2>&1 || { phpize; exit 1; }
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	CFLAGS="-O2 -g -Wall -Wextra -Wno-unused-parameter" ./configure --enable-smtp >/dev/null
fi
log=$(mktemp)
if ! make -j"$(nproc)" >"$log" 2>&1; then
	cat "$log"
	rm -f "$log"
	echo "build failed" >&2
	exit 1
fi
if grep -E '^[^ ]*(smtp|protocol/)[^:]*:[0-9]+:[0-9]+: warning' "$log"; then
	rm -f "$log"
	echo "the build has warnings in our files" >&2
	exit 1
fi
rm -f "$log"
echo "built modules/smtp.so"
