#!/usr/bin/env python3
"""Verify every DKIM-Signature of messages with dkimpy (Debian python3-dkim), offline.

    verify.py DNS.json MESSAGE...   ->  one line per signature: "<file> <d> <s> <a> pass|fail"
DNS.json maps "selector._domainkey.domain" to the TXT record the test publishes."""
import json
import os
import sys

import dkim

records = json.load(open(sys.argv[1]))


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    txt = records.get(name.rstrip('.'))
    return txt.encode() if txt else None


for path in sys.argv[2:]:
    raw = open(path, 'rb').read()
    base = os.path.basename(path)
    d = dkim.DKIM(raw)
    count = sum(1 for k, _ in d.headers if k.lower() == b'dkim-signature')
    if count == 0:
        print(base, 'none')
    for i in range(count):
        d = dkim.DKIM(raw)
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except Exception as e:  # a malformed signature is a failure, with its reason
            ok = False
            print(base, 'error', e, file=sys.stderr)
        sig = d.signature_fields
        print(base, sig.get(b'd', b'?').decode(), sig.get(b's', b'?').decode(), sig.get(b'a', b'?').decode(),
              'pass' if ok else 'fail')
