#!/usr/bin/env bash
# End-to-end check of a running private Postfix instance with swaks (no PHP involved).
#
#   tests/postfix/selftest.sh [STATE_DIR]     (after start.sh; needs swaks and python3)
#
# Exits non-zero if any check fails.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-${SMTP_PF_DIR:-${TMPDIR:-/tmp}/smtp-postfix-test}}
[[ -r $DIR/env.sh ]] || { echo "selftest.sh: $DIR/env.sh missing; run start.sh first" >&2; exit 2; }
# shellcheck source=/dev/null
. "$DIR/env.sh"
command -v swaks >/dev/null || { echo "selftest.sh: swaks not installed (apt-get install swaks)" >&2; exit 2; }
PY=${SMTP_PF_PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "selftest.sh: python3 not installed" >&2; exit 2; }

fails=0
ok()   { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
has()  { grep -qE -- "$2" <<<"$1"; }
RUN=$$-$RANDOM

H=(-s "$SMTP_PF_HOST" --helo client.example --timeout 20)
TLSV=(--tls-ca-path "$SMTP_PF_CAFILE" --tls-verify --tls-sni "$SMTP_PF_TLS_NAME")
AUTH=(-au "$SMTP_PF_USER" -ap "$SMTP_PF_PASSWORD")

# ehlo_caps OUTPUT MARKER: the EHLO keywords of the reply lines with prefix MARKER ("<-" plain, "<~" TLS)
ehlo_caps() { grep -E "^$2  250[- ]" <<<"$1" | sed -E "s/^$2  250[- ]//" | tail -n +2 | tr '\n' ' '; }

deliver_check() {   # NAME ID RCPT: the message is in the Maildir with the right subject/recipient
    local name=$1 id=$2 rcpt=$3 json
    if json=$("$PY" "${SMTP_PF_CHECK:-$HERE/check.py}" --find "$SMTP_PF_MAILDIR" --header "X-Test-Id: $id" --timeout 15); then
        if "$PY" -c 'import json,sys; d=json.loads(sys.argv[1])[0]; sys.exit(0 if d["subject"]==sys.argv[2] and d["envelope"]["to"]==sys.argv[3] and not d["defects"] else 1)' \
                "$json" "selftest $id" "$rcpt"; then
            ok "$name: delivered to the Maildir, parsed by check.py"
        else
            fail "$name: delivered but the summary is wrong: $json"
        fi
    else
        fail "$name: message $id not delivered to $SMTP_PF_MAILDIR"
    fi
}

send() {   # NAME RCPT swaks-args...: sends with a unique X-Test-Id, checks 250 and delivery
    local name=$1 rcpt=$2; shift 2
    local id="$RUN-${name//[^A-Za-z0-9]/-}" out
    out=$(swaks "${H[@]}" -f sender@example.org -t "$rcpt" --h-Subject "selftest $id" \
        --add-header "X-Test-Id: $id" "$@" 2>&1)
    if has "$out" '^<.  250 2\.0\.0 Ok: queued'; then
        deliver_check "$name" "$id" "$rcpt"
    else
        fail "$name: not accepted"; echo "$out" | sed 's/^/    /'
    fi
}

# ---- plain port
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" --quit-after EHLO 2>&1)
caps=$(ehlo_caps "$out" '<-')
echo "     plain EHLO: $caps"
has "$caps" 'STARTTLS' && ! has "$caps" 'AUTH' && ok "plain: STARTTLS offered, no AUTH" || fail "plain caps: $caps"
for k in PIPELINING SIZE 8BITMIME DSN SMTPUTF8 CHUNKING ENHANCEDSTATUSCODES; do
    has "$caps" "(^| )$k( |$)" || fail "plain: $k not announced"
done
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" --tls "${TLSV[@]}" --quit-after EHLO 2>&1)
caps=$(ehlo_caps "$out" '<~')
echo "     plain EHLO after STARTTLS: $caps"
! has "$caps" 'AUTH|STARTTLS' && has "$caps" 'CHUNKING' && ok "plain after STARTTLS: no AUTH, no STARTTLS" || fail "plain/TLS caps: $caps"
send "plain delivery" alice@example.com -p "$SMTP_PF_PLAIN"
send "plain STARTTLS delivery" bob@example.net -p "$SMTP_PF_PLAIN" --tls "${TLSV[@]}"

# ---- submission
out=$(swaks "${H[@]}" -p "$SMTP_PF_SUBMISSION" --quit-after EHLO 2>&1)
caps=$(ehlo_caps "$out" '<-')
echo "     submission EHLO before STARTTLS: $caps"
has "$caps" 'STARTTLS' && ! has "$caps" 'AUTH' && ok "submission: no AUTH before STARTTLS" || fail "submission caps: $caps"
out=$(swaks "${H[@]}" -p "$SMTP_PF_SUBMISSION" -t x@example.com 2>&1)
has "$out" '^<\*\* +530 5\.7\.0' && ok "submission: MAIL before STARTTLS refused (530)" || fail "submission: MAIL without TLS not refused"
out=$(swaks "${H[@]}" -p "$SMTP_PF_SUBMISSION" --tls "${TLSV[@]}" --quit-after EHLO 2>&1)
caps=$(ehlo_caps "$out" '<~')
echo "     submission EHLO after STARTTLS: $caps"
has "$caps" 'AUTH PLAIN LOGIN CRAM-MD5' && ok "submission after STARTTLS: AUTH PLAIN LOGIN CRAM-MD5" || fail "submission/TLS caps: $caps"
out=$(swaks "${H[@]}" -p "$SMTP_PF_SUBMISSION" --tls "${TLSV[@]}" -t x@example.com 2>&1)
has "$out" '^<~\* +554 5\.7\.1' && ok "submission: unauthenticated RCPT refused (554)" || fail "submission: relay without AUTH not refused"
for m in PLAIN LOGIN CRAM-MD5; do
    send "submission AUTH $m" carol@example.com -p "$SMTP_PF_SUBMISSION" --tls "${TLSV[@]}" -a "$m" "${AUTH[@]}"
done
out=$(swaks "${H[@]}" -p "$SMTP_PF_SUBMISSION" --tls "${TLSV[@]}" -a PLAIN -au "$SMTP_PF_USER" -ap wrong-password -t x@example.com 2>&1)
has "$out" '^<~\* +535 5\.7\.8' && ok "submission: wrong password refused (535)" || fail "submission: wrong password not refused"

# ---- smtps (implicit TLS)
out=$(swaks "${H[@]}" -p "$SMTP_PF_SMTPS" --tlsc "${TLSV[@]}" --quit-after EHLO 2>&1)
caps=$(ehlo_caps "$out" '<~')
echo "     smtps EHLO: $caps"
has "$caps" 'AUTH PLAIN LOGIN CRAM-MD5' && ! has "$caps" STARTTLS && ok "smtps: AUTH offered, no STARTTLS" || fail "smtps caps: $caps"
send "smtps AUTH PLAIN" dave@example.com -p "$SMTP_PF_SMTPS" --tlsc "${TLSV[@]}" -a PLAIN "${AUTH[@]}"
send "smtps AUTH CRAM-MD5" erin@example.net -p "$SMTP_PF_SMTPS" --tlsc "${TLSV[@]}" -a CRAM-MD5 "${AUTH[@]}"
out=$(swaks "${H[@]}" -p "$SMTP_PF_SMTPS" --tlsc --tls-verify --quit-after EHLO 2>&1)
has "$out" 'certificate verify failed' && ok "smtps: certificate rejected without our CA" || fail "smtps: certificate accepted without our CA"

# ---- test rules
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" -t reject-x@example.com 2>&1)
has "$out" '^<\*\* +550 5\.1\.1' && ok "rule: reject* recipient -> 550" || fail "rule: reject* recipient"
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" -t tempfail-x@example.com 2>&1)
has "$out" '^<\*\* +450 4\.2\.1' && ok "rule: tempfail* recipient -> 450" || fail "rule: tempfail* recipient"
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" -t x@example.com --add-header 'X-Test-Reject: 1' 2>&1)
has "$out" '^<\*\* +550 5\.7\.1' && ok "rule: X-Test-Reject header -> 550 after DATA" || fail "rule: X-Test-Reject"
out=$(swaks "${H[@]}" -p "$SMTP_PF_PLAIN" -t x@example.com --add-header 'X-Test-Tempfail: 1' 2>&1)
has "$out" '^<\*\* +451 4\.7\.1' && ok "rule: X-Test-Tempfail header -> 451 after DATA" || fail "rule: X-Test-Tempfail"

if ((fails)); then echo "selftest: $fails check(s) FAILED (logs: $SMTP_PF_MAILLOG)"; exit 1; fi
echo "selftest: all checks passed"
