#!/usr/bin/env bash
# setup-mailauth.sh - install npm's mailauth 4.x (an independent DKIM verifier) for the DKIM tests, into a
# cache directory outside the repository. Prints the path of its command line. Needs node and npm.
#
#   tests/dkim/setup-mailauth.sh            # then: export SMTP_TEST_MAILAUTH=<printed path>
# Directory: $SMTP_MAILAUTH_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/php-smtp-mailauth.
set -eu
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "setup-mailauth: node and npm are needed (Node 20 or later)" >&2
	exit 1
fi
dir=${SMTP_MAILAUTH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/php-smtp-mailauth}
mkdir -p "$dir"
if [ ! -x "$dir/node_modules/.bin/mailauth" ]; then
	(cd "$dir" && npm install --no-audit --no-fund --silent mailauth@4 >&2)
fi
echo "$dir/node_modules/.bin/mailauth"
