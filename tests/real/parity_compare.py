#!/usr/bin/env python3
"""Compares the two runs of the mail() parity corpus.

usage: parity_compare.py CAPTURE.json CAPTURE_DIR OVERRIDE.json SERVER_DIR SMTP_FROM

For every case the outcome (true, false, or the exception class) must be the same. For a message both
sent, Python's email (policy.default) must read the same subject, recipients (sendmail -t's from the
captured header; the SMTP envelope from the server), To addresses, decoded body parts and extra header
fields; the override may add only Date, Message-ID, From (then it is SMTP_FROM), MIME-Version and a
Content-Transfer-Encoding. Prints a line per difference, then "N cases, N match, N differ".
"""
import json
import os
import re
import sys
from collections import Counter
from email import policy
from email.parser import Parser
from email.utils import getaddresses

ADDED = {'date', 'message-id', 'from', 'mime-version', 'content-transfer-encoding'}


def load(path):
    with open(path, 'rb') as f:
        data = f.read()
    # raw UTF-8 header text reads the same on both sides
    return Parser(policy=policy.default).parsestr(data.decode('utf-8', 'surrogateescape'))


def addresses(msg, names):
    values = []
    for name in names:
        values += [str(v) for v in msg.get_all(name) or []]
    return sorted({a.lower() for _, a in getaddresses(values) if a})


def text(value):
    return re.sub(r'[ \t]+', ' ', str(value)).strip()


def fields(msg, skip):
    return Counter((k.lower(), text(v)) for k, v in msg.items() if k.lower() not in skip)


def leaves(msg):
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get('content-transfer-encoding', '').strip().lower() in ('base64', 'quoted-printable'):
            payload = part.get_payload(decode=True) or b''
        else:
            # the bytes as sent (both messages were read as UTF-8 with surrogateescape)
            payload = part.get_payload().encode('utf-8', 'surrogateescape')
        payload = payload.replace(b'\r\n', b'\n').rstrip(b'\n')
        out.append((part.get_content_type(), payload))
    return out


def compare(cap, ovr, envelope, smtp_from):
    problems = []
    if text(cap.get('subject', '')) != text(ovr.get('subject', '')):
        problems.append('subject %r != %r' % (str(cap.get('subject'))[:80], str(ovr.get('subject'))[:80]))
    want = addresses(cap, ['to', 'cc', 'bcc'])
    got = sorted({a.lower() for a in envelope['rcpt_tos']})
    if want != got:
        problems.append('recipients %s != %s' % (want[:5], got[:5]))
    if addresses(cap, ['to']) != addresses(ovr, ['to']):
        problems.append('To addresses differ')
    if ovr.get_all('bcc'):
        problems.append('Bcc left in the message')
    if len(ovr.get_all('to') or []) > 1:
        problems.append('more than one To field')
    if leaves(cap) != leaves(ovr):
        problems.append('body differs: %r / %r' % ([(t, p[:60]) for t, p in leaves(cap)],
                                                   [(t, p[:60]) for t, p in leaves(ovr)]))
    skip = {'to', 'subject', 'bcc', 'content-transfer-encoding', 'mime-version'}
    extra_cap = fields(cap, skip)
    extra_ovr = fields(ovr, skip)
    for k, v in list(extra_ovr.items()):
        if k[0] in ADDED and not cap.get(k[0]):
            del extra_ovr[k]
    if extra_cap != extra_ovr:
        problems.append('extra headers: missing %s, added %s' % (
            list((extra_cap - extra_ovr).keys())[:3], list((extra_ovr - extra_cap).keys())[:3]))
    if not cap.get('from') and text(ovr.get('from', '')) != text(smtp_from):
        problems.append('From %r is not smtp.from %r' % (str(ovr.get('from')), smtp_from))
    for name in ('mime-version',):
        if cap.get(name) and text(cap.get(name)) != text(ovr.get(name, '')):
            problems.append('%s differs' % name)
    return problems


def main():
    cap_out = json.load(open(sys.argv[1]))
    cap_dir = sys.argv[2]
    ovr_out = json.load(open(sys.argv[3]))
    srv_dir = sys.argv[4]
    smtp_from = sys.argv[5]
    match = differ = 0
    for case in cap_out:
        c, o = cap_out[case], ovr_out.get(case)
        problems = []
        if o is None:
            problems.append('missing from the override run')
        elif c['result'] != o['result']:
            problems.append('outcome %s (mail()) != %s (override) %s' % (c['result'], o['result'], o['warnings'][:1]))
        elif c['result'] == 'false' and not o['warnings']:
            problems.append('the override returned false without a warning')
        elif c['result'] == 'true':
            base = os.path.join(srv_dir, 'msg-%d' % o['seq'])
            try:
                envelope = json.load(open(base + '.json'))
                problems = compare(load(os.path.join(cap_dir, case + '.eml')), load(base + '.eml'), envelope,
                                   smtp_from)
            except OSError as e:
                problems.append('message not found: %s' % e)
        if problems:
            differ += 1
            print('%s: %s' % (case, '; '.join(problems)))
        else:
            match += 1
    print('%d cases, %d match, %d differ' % (match + differ, match, differ))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
