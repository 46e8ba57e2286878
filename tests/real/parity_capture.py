#!/usr/bin/env python3
"""sendmail_path for the parity tests: stands in for `sendmail -t -i`.

usage: PARITY_CAPTURE_DIR=OUTDIR parity_capture.py [sendmail arguments...]

Reads the message mail() writes, finds its recipients as sendmail -t does (To, Cc, Bcc, group syntax) and
stores it as OUTDIR/<PARITY_CASE>.eml. (The directory comes from the environment so that the command line
ends in .py: the valgrind run of the suite skips tests/real/*.py by that pattern.) Like a sendmail that only relays to remote addresses, it exits 1
(mail() then returns false) when there is no recipient or one is not an addr-spec with a domain.
"""
import os
import re
import sys
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

ADDR = re.compile(r'^[^@\s<>()\[\]\\,;:"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$')


def main():
    data = sys.stdin.buffer.read()
    msg = BytesParser(policy=policy.compat32).parsebytes(data)
    fields = []
    for name in ('to', 'cc', 'bcc'):
        fields += [str(v) for v in msg.get_all(name) or []]
    addrs = [a for _, a in getaddresses(fields) if a]
    if not addrs or not all(ADDR.match(a) for a in addrs):
        sys.stderr.write('capture.py: no valid recipient\n')
        return 1
    with open(os.path.join(os.environ['PARITY_CAPTURE_DIR'], os.environ.get('PARITY_CASE', 'case') + '.eml'), 'wb') as f:
        f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
