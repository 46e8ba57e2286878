#!/usr/bin/env bash
# The main job: install what is needed, build the extension, start a private Postfix (STARTTLS, SASL,
# delivery to a Maildir), send a real UTF-8 message through the extension, and show what arrived.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
bash scripts/build.sh

state=$(mktemp -d "${TMPDIR:-/tmp}/smtp-demo.XXXXXX")
trap 'bash tests/postfix/stop.sh "$state" >/dev/null 2>&1 || true' EXIT
bash tests/postfix/start.sh "$state" >"$state.log" 2>&1 || { cat "$state.log"; exit 1; }

php -d extension="$(pwd)/modules/smtp.so" scripts/demo.php "$state/env.json"

maildir=$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["maildir"];' "$state/env.json")
for _ in $(seq 1 100); do
	file=$(find "$maildir" -type f -path '*/new/*' 2>/dev/null | head -n 1)
	[ -n "$file" ] && break
	sleep 0.1
done
[ -n "${file:-}" ] || { echo "nothing arrived in the Maildir"; tail -n 20 "$state/maillog" 2>/dev/null; exit 1; }

echo
echo "what arrived in the Maildir:"
sed 's/^/  | /' "$file"
echo
echo "parsed by Python's email package (policy.default):"
python3 - "$file" <<'PY'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
print("  Subject:", msg["subject"])
print("  From:   ", msg["from"])
print("  To:     ", msg["to"])
print("  Type:   ", msg.get_content_type(), msg.get_content_charset())
print("  Defects:", len(msg.defects))
print("  Body:   ", repr(msg.get_content()))
PY
