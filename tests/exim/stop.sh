#!/usr/bin/env bash
# Stops the private Exim that tests/exim/start.sh started for STATE_DIR (its pid file names it).
set -uo pipefail
DIR=${1:?usage: tests/exim/stop.sh STATE_DIR}
rm -f "$DIR/env.json"
[ -f "$DIR/exim.pid" ] || exit 0
pid=$(tr -dc '0-9' <"$DIR/exim.pid")
[ -n "$pid" ] || exit 0
# only an exim whose command line names this state dir
if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DIR/exim.conf"; then
	kill "$pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$DIR/exim.pid"
