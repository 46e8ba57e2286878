#!/usr/bin/env bash
# Start a private Postfix (+ Dovecot SASL) instance for the integration tests.
#
#   tests/postfix/start.sh [STATE_DIR]        (must run as root)
#
# STATE_DIR defaults to $SMTP_PF_DIR, else ${TMPDIR:-/tmp}/smtp-postfix-test. Everything lives in it: the
# Postfix config/queue/data dirs, the Dovecot auth config and sockets, the TLS CA and
# server certificate, the Maildirs and the logs. The system's default Postfix/Dovecot
# instances are not touched (no file under /etc is written). Re-running restarts cleanly:
# a previous instance in the same dir is stopped and the dir is recreated.
# See tests/postfix/README.md for what the instance offers; on success it writes
# STATE_DIR/env.sh and STATE_DIR/env.json.
#
# Environment overrides (defaults in brackets):
#   SMTP_PF_HOST [127.0.0.1]    SMTP_PF_PLAIN [25025]   SMTP_PF_SUBMISSION [25587]
#   SMTP_PF_SMTPS [25465]       SMTP_PF_USER [test@example.com]
#   SMTP_PF_PASSWORD [secret-password]
#   SMTP_PF_SIZE_LIMIT [52428800] (message_size_limit; 0 = unlimited, EHLO then says bare SIZE)
#   SMTP_PF_MAIL_UID / SMTP_PF_MAIL_GID [$SUDO_UID/$SUDO_GID if set, else nobody/nogroup]
#   SMTP_PF_TIMEOUT [30]        seconds to wait for the ports to come up
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The daemons started below inherit our descriptors: close everything but 0-2 so that a
# caller reading our output through a pipe (proc_open, $(...)) is not kept waiting.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [[ $fd =~ ^[0-9]+$ ]] && (( fd > 2 )); then eval "exec $fd>&-"; fi
done
T0=$(date +%s%N)

die()  { echo "start.sh: error: $*" >&2; exit 1; }
note() { echo "start.sh: $*" >&2; }
show() { local f; for f; do [[ -s $f ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }; done; return 0; }

DIR=${1:-${SMTP_PF_DIR:-${TMPDIR:-/tmp}/smtp-postfix-test}}
HOST=${SMTP_PF_HOST:-127.0.0.1}
HP=$HOST; [[ $HOST == *:* ]] && HP="[$HOST]"     # host part of host:port (IPv6 in brackets)
P_PLAIN=${SMTP_PF_PLAIN:-25025}
P_SUB=${SMTP_PF_SUBMISSION:-25587}
P_SMTPS=${SMTP_PF_SMTPS:-25465}
USER_NAME=${SMTP_PF_USER:-test@example.com}
PASSWORD=${SMTP_PF_PASSWORD:-secret-password}
SIZE_LIMIT=${SMTP_PF_SIZE_LIMIT:-52428800}
TIMEOUT=${SMTP_PF_TIMEOUT:-30}
MASTER=/usr/lib/postfix/sbin/master

# ---------------------------------------------------------------- preflight
[[ $(id -u) -eq 0 ]] || die "must run as root (the Postfix master and Dovecot need it)"
missing=()
for c in postconf dovecot openssl setsid; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
[[ -x $MASTER ]] || missing+=("$MASTER")
if ((${#missing[@]})); then
    die "missing: ${missing[*]}
  install with: apt-get install -y postfix dovecot-core openssl  (plus sasl2-bin libsasl2-modules swaks python3 for the tools/tests)"
fi
# Ask Postfix what it supports through an empty configuration of our own: a machine where the postfix
# package was installed as "No configuration" has no /etc/postfix/main.cf, and plain postconf dies there.
probe=$(mktemp -d)
touch "$probe/main.cf"
pf_auth=$(postconf -c "$probe" -a 2>&1) || true
pf_maps=$(postconf -c "$probe" -m 2>&1) || true
rm -rf "$probe"
grep -qx dovecot <<<"$pf_auth" || die "this Postfix has no Dovecot SASL support (postconf -a said: ${pf_auth:0:200})"
grep -qx regexp <<<"$pf_maps" || die "this Postfix has no regexp: table support (postconf -m said: ${pf_maps:0:200})"
id postfix >/dev/null 2>&1 || die "user 'postfix' does not exist (is the postfix package installed?)"
getent group postdrop >/dev/null || die "group 'postdrop' does not exist (is the postfix package installed?)"
id dovecot >/dev/null 2>&1 && id dovenull >/dev/null 2>&1 || die "users 'dovecot'/'dovenull' do not exist (is dovecot-core installed?)"
for v in P_PLAIN P_SUB P_SMTPS SIZE_LIMIT TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "${v} (see SMTP_PF_* in the header) must be a number, got '${!v}'"
done
[[ $DIR == /* ]] || DIR=$(pwd)/$DIR
[[ $DIR =~ ^[A-Za-z0-9/._+-]+$ ]] || die "state dir '$DIR' must match [A-Za-z0-9/._+-] (it goes into Postfix/Dovecot configs)"
[[ $USER_NAME != *:* && $PASSWORD != *:* && $USER_NAME != *[[:space:]]* && -n $USER_NAME && -n $PASSWORD
   && $USER_NAME$PASSWORD != *[[:cntrl:]]* ]] \
    || die "SMTP_PF_USER/SMTP_PF_PASSWORD must be non-empty, without ':' or control characters (and the user without spaces)"

if [[ -n ${SMTP_PF_MAIL_UID:-} ]]; then
    MAIL_UID=$SMTP_PF_MAIL_UID; MAIL_GID=${SMTP_PF_MAIL_GID:-$SMTP_PF_MAIL_UID}
elif [[ -n ${SUDO_UID:-} && ${SUDO_UID} != 0 ]]; then
    MAIL_UID=$SUDO_UID; MAIL_GID=${SUDO_GID:-$SUDO_UID}
else
    MAIL_UID=$(id -u nobody); MAIL_GID=$(getent group nogroup | cut -d: -f3 || true)
    MAIL_GID=${MAIL_GID:-$(id -g nobody)}
fi
[[ $MAIL_UID =~ ^[0-9]+$ && $MAIL_GID =~ ^[0-9]+$ && $MAIL_UID != 0 ]] \
    || die "mail uid/gid must be numeric and the uid non-zero (got $MAIL_UID:$MAIL_GID)"

# ---------------------------------------------------------------- stop previous, recreate dir
MARKER=.smtp-postfix-test
if [[ -e $DIR ]]; then
    [[ -d $DIR ]] || die "$DIR exists and is not a directory"
    if [[ ! -e $DIR/$MARKER ]] && [[ -n $(ls -A "$DIR") ]]; then
        die "$DIR is not empty and was not created by this script (no $MARKER); refusing to wipe it"
    fi
    "$HERE/stop.sh" "$DIR" >&2 || die "could not stop the previous instance in $DIR"
    rm -rf -- "$DIR"
fi

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
for p in "$P_PLAIN" "$P_SUB" "$P_SMTPS"; do
    port_busy "$p" && die "port $HP:$p is already in use (override with SMTP_PF_PLAIN/SMTP_PF_SUBMISSION/SMTP_PF_SMTPS)"
done

mkdir -p "$DIR"
chmod 755 "$DIR"
touch "$DIR/$MARKER"
ETC=$DIR/etc SPOOL=$DIR/spool DATA=$DIR/data MAIL=$DIR/mail TLS=$DIR/tls DOV=$DIR/dovecot
mkdir -p "$ETC" "$TLS" "$DOV/run" "$DOV/state"

# Postfix's unprivileged users must be able to reach the state dir.
if command -v setpriv >/dev/null 2>&1; then
    for u in postfix:"$(id -g postfix)" dovecot:"$(id -g dovecot)" "$MAIL_UID:$MAIL_GID"; do
        setpriv --reuid="${u%%:*}" --regid="${u##*:}" --clear-groups test -x "$DIR" 2>/dev/null \
            || die "user ${u%%:*} cannot traverse $DIR (a parent directory is not world-searchable?); pass another state dir"
    done
fi

# ---------------------------------------------------------------- TLS: CA + localhost cert
(
    cd "$TLS"
    umask 077
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout ca.key -out ca.pem -days 3650 -subj "/CN=smtp-postfix-test CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout server.key -out server.csr -subj "/CN=localhost"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out server.pem -days 825 -extfile server.ext
    rm -f server.csr server.ext ca.srl
    chmod 644 ca.pem server.pem
) >"$DIR/openssl.log" 2>&1 || { show "$DIR/openssl.log"; die "openssl certificate generation failed"; }

# ---------------------------------------------------------------- Dovecot (SASL only)
cat >"$DOV/users" <<EOF
$USER_NAME:{PLAIN}$PASSWORD
EOF
chown root:dovecot "$DOV/users"; chmod 640 "$DOV/users"

# Dovecot 2.4 (Debian 13) has a configuration syntax of its own; 2.3 (Debian 12) the older one.
dovecot_version=$(dovecot --version 2>/dev/null | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
if [[ -z $dovecot_version || $dovecot_version == 2.[0-3] ]]; then
cat >"$DOV/dovecot.conf" <<EOF
# Dovecot used only as the SASL backend of the private test Postfix.
base_dir = $DOV/run
state_dir = $DOV/state
instance_name = smtp-pf-${DIR##*/}
log_path = $DOV/dovecot.log
protocols = none
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
auth_verbose = yes
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOV/users
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$MAIL
}
service auth {
  unix_listener $SPOOL/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  chroot =
  # no penalty delay after a failed login: the tests fail logins on purpose
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
else
cat >"$DOV/dovecot.conf" <<EOF
# Dovecot used only as the SASL backend of the private test Postfix (Dovecot 2.4 syntax).
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
base_dir = $DOV/run
state_dir = $DOV/state
instance_name = smtp-pf-${DIR##*/}
log_path = $DOV/dovecot.log
protocols {
}
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
auth_verbose = yes
# no delay after a failed login: the tests fail logins on purpose
auth_failure_delay = 0
passdb passwd-file {
  passwd_file_path = $DOV/users
  default_password_scheme = PLAIN
}
userdb static {
  fields {
    uid = $MAIL_UID
    gid = $MAIL_GID
    home = $MAIL
  }
}
service auth {
  unix_listener smtp-postfix-auth {
    path = $SPOOL/private/auth
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
fi

# ---------------------------------------------------------------- Postfix dirs (what post-install create-missing does)
install -d -o root -g root -m 755 "$SPOOL" "$SPOOL/pid"
install -d -o postfix -g root -m 700 "$DATA" \
    "$SPOOL"/{active,bounce,corrupt,defer,deferred,flush,hold,incoming,private,saved,trace}
install -d -o postfix -g postdrop -m 730 "$SPOOL/maildrop"
install -d -o postfix -g postdrop -m 710 "$SPOOL/public"
install -d -o "$MAIL_UID" -g "$MAIL_GID" -m 755 "$MAIL" "$MAIL/inbox" "$MAIL/inbox"/{tmp,new,cur}

# ---------------------------------------------------------------- Postfix config
cat >"$ETC/main.cf" <<EOF
# Private Postfix instance for the smtp extension's integration tests (generated by start.sh).
compatibility_level = 3.6
queue_directory = $SPOOL
data_directory = $DATA
mail_owner = postfix
setgid_group = postdrop
maillog_file = $DIR/maillog
maillog_file_prefixes = $DIR
syslog_name = smtp-postfix-test
myhostname = localhost
mydomain = localdomain
myorigin = \$myhostname
mydestination =
inet_interfaces = $HP
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
biff = no
alias_maps =
alias_database =
local_recipient_maps =
# Never send anything out: everything is delivered by the virtual agent.
local_transport = error:local delivery is disabled in the test instance
default_transport = error:outbound mail is disabled in the test instance
relay_transport = error:outbound mail is disabled in the test instance

# Leave the submitted message alone (no header rewriting, no added Date/Message-ID/To).
local_header_rewrite_clients =
remote_header_rewrite_domain =
always_add_missing_headers = no
smtputf8_enable = yes
message_size_limit = $SIZE_LIMIT
mailbox_size_limit = 0
virtual_mailbox_limit = 0
header_checks = regexp:$ETC/header_checks
in_flow_delay = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
smtpd_junk_command_limit = 100000
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0

# Delivery: every domain is a virtual mailbox domain and every recipient's copy goes to
# the one Maildir $MAIL/inbox (Delivered-To/X-Original-To name the envelope recipient).
virtual_mailbox_domains = static:all
virtual_mailbox_base = $MAIL
virtual_mailbox_maps = static:inbox/
virtual_minimum_uid = $MAIL_UID
virtual_uid_maps = static:$MAIL_UID
virtual_gid_maps = static:$MAIL_GID

smtpd_banner = \$myhostname ESMTP Postfix (smtp-postfix-test)
smtpd_recipient_restrictions = check_recipient_access regexp:$ETC/recipient_access, permit
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination

# TLS (server side). STARTTLS offered everywhere, required on submission.
smtpd_tls_chain_files = $TLS/server.key, $TLS/server.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_tls_received_header = no
smtp_tls_security_level = none

# SASL via Dovecot; enabled only on submission and smtps (see master.cf).
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_sasl_authenticated_header = no
broken_sasl_auth_clients = no
EOF

cat >"$ETC/recipient_access" <<'EOF'
# Recipients whose local part starts with "reject" / "tempfail" are refused at RCPT.
/^reject[^@]*@/      550 5.1.1 Recipient rejected by the test instance
/^tempfail[^@]*@/    450 4.2.1 Recipient temporarily rejected by the test instance
EOF

cat >"$ETC/header_checks" <<'EOF'
# Messages carrying these headers are refused at end of DATA / last BDAT.
/^X-Test-Reject:/    REJECT 5.7.1 Message rejected by the test instance
/^X-Test-Tempfail:/  REJECT 4.7.1 Message temporarily rejected by the test instance
EOF

cat >"$ETC/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
$HP:$P_PLAIN inet n - n - - smtpd
  -o syslog_name=smtp-postfix-test/plain
  -o smtpd_tls_security_level=may
  -o smtpd_sasl_auth_enable=no
$HP:$P_SUB inet n - n - - smtpd
  -o syslog_name=smtp-postfix-test/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=check_recipient_access,regexp:$ETC/recipient_access,permit_sasl_authenticated,reject
$HP:$P_SMTPS inet n - n - - smtpd
  -o syslog_name=smtp-postfix-test/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=check_recipient_access,regexp:$ETC/recipient_access,permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

touch "$DIR/maillog"
# Postfix waits (up to ~2 s) when main.cf was modified within the last second: backdate.
touch -d "@$(( $(date +%s) - 10 ))" "$ETC"/*
postconf -c "$ETC" -n >/dev/null 2>"$DIR/postconf.err" || { show "$DIR/postconf.err"; die "postconf rejects the generated main.cf"; }
if [[ -s $DIR/postconf.err ]]; then cat "$DIR/postconf.err" >&2; fi

# ---------------------------------------------------------------- start Dovecot, then Postfix
dovecot -c "$DOV/dovecot.conf" >"$DOV/start.out" 2>&1 \
    || { show "$DOV/start.out" "$DOV/dovecot.log"; die "dovecot failed to start"; }
for _ in $(seq 1 100); do [[ -S $SPOOL/private/auth ]] && break; sleep 0.05; done
[[ -S $SPOOL/private/auth ]] || { show "$DOV/dovecot.log"; die "dovecot did not create $SPOOL/private/auth"; }

# master -d stays in the foreground: run it in its own session, detached from our stdio.
setsid "$MASTER" -c "$ETC" -d </dev/null >"$DIR/master.out" 2>&1 &
MPID=$!

# ---------------------------------------------------------------- wait for the listeners
banner_ok() {   # plain-text 220 greeting on port $1
    local line=''
    { exec 3<>"/dev/tcp/$HOST/$1"; } 2>/dev/null || return 1
    IFS= read -r -t 5 line <&3 2>/dev/null || true
    exec 3<&- 3>&-
    [[ $line == 220* ]]
}
tls_banner_ok() {   # 220 greeting over implicit TLS on port $1, verified against our CA
    local out
    out=$(printf 'QUIT\r\n' | timeout 5 openssl s_client -connect "$HP:$1" -servername localhost \
            -verify_return_error -CAfile "$TLS/ca.pem" -verify_hostname localhost -quiet 2>/dev/null) || true
    [[ $out == 220* ]]
}
fail_start() {
    note "startup failed; last lines of the logs:"
    show "$DIR/master.out" "$DIR/maillog" "$DOV/dovecot.log"
    "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
    die "$*"
}
deadline=$(( $(date +%s) + TIMEOUT ))
up=0
while (( $(date +%s) < deadline )); do
    if [[ -f $SPOOL/pid/master.pid ]] && banner_ok "$P_PLAIN" && banner_ok "$P_SUB" && tls_banner_ok "$P_SMTPS"; then
        up=1; break
    fi
    kill -0 "$MPID" 2>/dev/null || fail_start "postfix master exited"
    sleep 0.1
done
(( up )) || fail_start "ports $P_PLAIN/$P_SUB/$P_SMTPS did not come up within ${TIMEOUT}s"
disown -a 2>/dev/null || true

# ---------------------------------------------------------------- env files
# python3 for check.py: the system one when present (no pyenv/virtualenv shims in the way)
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3 || echo python3)
q() { printf '%q' "$1"; }
j() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
cat >"$DIR/env.sh" <<EOF
# Generated by tests/postfix/start.sh; source it (sh/bash).
export SMTP_PF_DIR=$(q "$DIR")
export SMTP_PF_HOST=$(q "$HOST")
export SMTP_PF_TLS_NAME=localhost
export SMTP_PF_PLAIN=$P_PLAIN
export SMTP_PF_SUBMISSION=$P_SUB
export SMTP_PF_SMTPS=$P_SMTPS
export SMTP_PF_USER=$(q "$USER_NAME")
export SMTP_PF_PASSWORD=$(q "$PASSWORD")
export SMTP_PF_AUTH_MECHS='PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256'
export SMTP_PF_CAFILE=$(q "$TLS/ca.pem")
export SMTP_PF_MAILDIR=$(q "$MAIL/inbox")
export SMTP_PF_SIZE_LIMIT=$SIZE_LIMIT
export SMTP_PF_MAILLOG=$(q "$DIR/maillog")
export SMTP_PF_PYTHON=$(q "$PY")
export SMTP_PF_CHECK=$(q "$HERE/check.py")
EOF
cat >"$DIR/env.json" <<EOF
{
  "dir": $(j "$DIR"),
  "host": $(j "$HOST"),
  "tls_name": "localhost",
  "ports": {"plain": $P_PLAIN, "submission": $P_SUB, "smtps": $P_SMTPS},
  "user": $(j "$USER_NAME"),
  "password": $(j "$PASSWORD"),
  "auth_mechs": ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"],
  "cafile": $(j "$TLS/ca.pem"),
  "maildir": $(j "$MAIL/inbox"),
  "size_limit": $SIZE_LIMIT,
  "maillog": $(j "$DIR/maillog"),
  "python": $(j "$PY"),
  "check": $(j "$HERE/check.py")
}
EOF
chmod 644 "$DIR/env.sh" "$DIR/env.json"

T1=$(date +%s%N)
note "up in $(( (T1 - T0) / 1000000 )) ms: plain $HP:$P_PLAIN, submission $HP:$P_SUB (STARTTLS required), smtps $HP:$P_SMTPS"
note "env: $DIR/env.sh  $DIR/env.json"
echo "$DIR/env.sh"
