#!/usr/bin/env python3
"""Verify every DKIM-Signature of a message with dkimpy (Debian python3-dkim), offline.

    verify.py MESSAGE DNS.json   ->  one line per signature: "<d> <s> <a> pass|fail"
DNS.json maps "selector._domainkey.domain" to the TXT record the test publishes."""
import json
import sys

import dkim

raw = open(sys.argv[1], 'rb').read()
records = json.load(open(sys.argv[2]))


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    txt = records.get(name.rstrip('.'))
    return txt.encode() if txt else None


d = dkim.DKIM(raw)
count = sum(1 for k, _ in d.headers if k.lower() == b'dkim-signature')
if count == 0:
    print('no signature')
for i in range(count):
    d = dkim.DKIM(raw)
    try:
        ok = d.verify(idx=i, dnsfunc=dnsfunc)
    except Exception as e:  # a malformed signature is a failure, with its reason
        ok = False
        print('error', e, file=sys.stderr)
    sig = d.signature_fields
    print(sig.get(b'd', b'?').decode(), sig.get(b's', b'?').decode(), sig.get(b'a', b'?').decode(),
          'pass' if ok else 'fail')
