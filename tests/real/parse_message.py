#!/usr/bin/env python3
"""Parses a message file with Python's email package (policy.default) and prints JSON.

usage: parse_message.py FILE
"""
import hashlib
import json
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], 'rb') as f:
    raw = f.read()
msg = BytesParser(policy=policy.default).parsebytes(raw)

defects = [repr(d) for d in msg.defects]
parts = []
for part in msg.walk():
    defects += [repr(d) for d in part.defects]
    if part.is_multipart():
        continue
    content = part.get_content()
    data = content.encode('utf-8') if isinstance(content, str) else content
    parts.append({
        'content_type': part.get_content_type(),
        'charset': part.get_content_charset(),
        'disposition': part.get_content_disposition(),
        'params': {k: str(v) for k, v in part['content-type'].params.items()} if part['content-type'] else {},
        'filename': part.get_filename(),
        'cid': part['Content-ID'],
        'size': len(data),
        'md5': hashlib.md5(data).hexdigest(),
    })

plain = msg.get_body(preferencelist=('plain',))
html = msg.get_body(preferencelist=('html',))
out = {
    'subject': str(msg['subject']) if msg['subject'] is not None else None,
    'from': [{'name': a.display_name, 'addr': a.addr_spec} for a in msg['from'].addresses] if msg['from'] else [],
    'to': [a.addr_spec for a in msg['to'].addresses] if msg['to'] else [],
    'cc': [a.addr_spec for a in msg['cc'].addresses] if msg['cc'] else [],
    'bcc': msg['bcc'] is not None,
    'message_id': str(msg['message-id']) if msg['message-id'] else None,
    'date': msg['date'] is not None,
    'mime_version': str(msg['mime-version']) if msg['mime-version'] else None,
    'content_type': msg.get_content_type(),
    'plain': plain.get_content() if plain is not None else None,
    'html': html.get_content() if html is not None else None,
    'parts': parts,
    'defects': defects,
    'max_line': max((len(l) for l in raw.split(b'\r\n')), default=0),
    'bare_lf': b'\n' in raw.replace(b'\r\n', b''),
}
print(json.dumps(out, ensure_ascii=False))
