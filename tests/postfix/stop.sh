#!/usr/bin/env bash
# Stop the private Postfix master and Dovecot started by start.sh for a state dir.
#
#   tests/postfix/stop.sh [STATE_DIR]     (default $SMTP_PF_DIR, else ${TMPDIR:-/tmp}/smtp-postfix-test)
#
# Only processes whose pid file lives in STATE_DIR and whose command line names
# STATE_DIR are signalled. The state dir itself (Maildirs, logs) is kept; env.sh and
# env.json are removed so that tests see the instance is gone.
set -uo pipefail

DIR=${1:-${SMTP_PF_DIR:-${TMPDIR:-/tmp}/smtp-postfix-test}}
[[ $DIR == /* ]] || DIR=$(pwd)/$DIR

note() { echo "stop.sh: $*" >&2; }

# alive PID: the process exists and is not a zombie
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# stop_pid NAME PIDFILE MUST_CONTAIN
stop_pid() {
    local name=$1 pidfile=$2 needle=$3 pid cmd i
    [[ -f $pidfile ]] || return 0
    pid=$(tr -dc '0-9' <"$pidfile")
    if [[ -z $pid || ! -r /proc/$pid/cmdline ]]; then
        rm -f "$pidfile"; return 0
    fi
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    if [[ $cmd != *"$needle"* ]]; then
        note "pid $pid in $pidfile is not our $name ($cmd); not touching it"
        rm -f "$pidfile"; return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        alive "$pid" || break
        sleep 0.05
    done
    if alive "$pid"; then
        note "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$pidfile"
    note "stopped $name (pid $pid)"
}

stop_pid "postfix master" "$DIR/spool/pid/master.pid" "$DIR/etc"
stop_pid "dovecot" "$DIR/dovecot/run/master.pid" "$DIR/dovecot/dovecot.conf"

# Postfix children exit on their own once the master is gone; wait briefly for them
# (smtpd processes still serving a session would otherwise keep the ports busy).
for ((i = 0; i < 40; i++)); do
    # children are started without -c; they find their config via MAIL_CONFIG
    # (patterns come from a file so that grep does not match its own command line)
    left=$(grep -lszxF -f <(printf '%s\n' "$DIR/etc" "MAIL_CONFIG=$DIR/etc") \
        /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | wc -l)
    (( left == 0 )) && break
    sleep 0.05
done

rm -f "$DIR/env.sh" "$DIR/env.json"
exit 0
