#!/usr/bin/env python3
"""Independent MIME check of messages delivered by the private test Postfix.

Parses with Python's ``email`` package (``policy.default``) and prints JSON, so the PHP
tests can compare what the extension sent with what an unrelated parser sees.

  check.py FILE                   JSON summary of one Maildir message file
  check.py FILE FILE...           JSON array of summaries
  check.py --raw FILE             the message as submitted (Postfix trace headers removed),
                                  bytes as stored (LF line endings) -- for byte-for-byte checks
  check.py --find MAILDIR --header 'X-Test-Id: abc123' [--count N] [--timeout S] [--raw-out]
                                  wait until N (default 1) messages in MAILDIR/{new,cur} carry
                                  that header value, then print a JSON array of their summaries
                                  (sorted by envelope recipient); exit 1 on timeout
  check.py --find MAILDIR --list  JSON array of the message file paths, oldest first
  check.py --find MAILDIR --dsn-envid ENVID [--timeout S]
                                  wait for the delivery status notification (RFC 3464) whose
                                  report carries Original-Envelope-Id: ENVID; print its summary:
                                  MIME types, the per-message and per-recipient fields, and the
                                  returned headers (exit 1 on timeout)

What Postfix changes in a delivered copy (and what "original" undoes):
  * prepends Return-Path, X-Original-To, Delivered-To (virtual agent) and one
    Received: ... by localhost (Postfix) ... header (smtpd);
  * stores LF line endings instead of CRLF; dot-stuffing is already undone.
"original_sha256" is over those bytes; "original_crlf_sha256" is over the same bytes with
every LF turned into CRLF, i.e. the DATA payload a client sent (before dot-stuffing).
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time
from email import policy
from email.parser import BytesParser, BytesHeaderParser, HeaderParser

TRACE_NAMES = (b"return-path", b"x-original-to", b"delivered-to")
# RFC 6532 (SMTPUTF8) allows UTF-8 local parts; the email package still flags them.
IGNORED_HEADER_DEFECTS = ("NonASCIILocalPartDefect",)


def clean(s):
    """Make a str JSON/PHP friendly: undo surrogateescape (raw UTF-8 in headers)."""
    if s is None:
        return None
    s = str(s)
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return s.encode("utf-8", "replace").decode("utf-8", "replace")


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def split_header_lines(data):
    """Return (list of logical header fields as lists of physical lines, offset of body)."""
    fields = []
    pos = 0
    n = len(data)
    while pos < n:
        end = data.find(b"\n", pos)
        if end < 0:
            end = n
        line = data[pos:end + 1]
        if line in (b"\n", b"\r\n"):
            return fields, pos
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)
        else:
            fields.append([line])
        pos = end + 1
    return fields, pos


def strip_trace(data):
    """Split a delivered file into (trace header fields, original message bytes)."""
    fields, _ = split_header_lines(data)
    trace = []
    offset = 0
    for field in fields:
        name = field[0].split(b":", 1)[0].strip().lower()
        raw = b"".join(field)
        is_received = name == b"received" and b"(Postfix)" in raw
        if name not in TRACE_NAMES and not is_received:
            break
        trace.append(field)
        offset += len(raw)
        if is_received:  # smtpd's Received: is the last header Postfix prepends
            break
    return [clean(b"".join(f).decode("utf-8", "surrogateescape").rstrip("\r\n")) for f in trace], data[offset:]


def addresses(msg, name):
    h = msg.get(name)
    if h is None:
        return None
    out = []
    try:
        for a in h.addresses:
            out.append({"name": clean(a.display_name), "addr": clean(a.addr_spec)})
    except Exception:  # malformed header: report it, do not crash
        pass
    return out


def header_str(msg, name):
    h = msg.get(name)
    return None if h is None else clean(h)


def describe(defect):
    text = clean(defect)
    return type(defect).__name__ + (": " + text if text else "")


def part_summary(part, path, defects_out, header_source=None):
    ctype = part.get_content_type()
    info = {
        "path": path,
        "content_type": ctype,
        "params": {clean(k): clean(v) for k, v in (part["content-type"].params.items()
                                                   if part["content-type"] is not None else [])},
        "charset": clean(part.get_content_charset()),
        "cte": header_str(part, "content-transfer-encoding"),
        "disposition": part.get_content_disposition(),
        "filename": clean(part.get_filename()),
        "content_id": header_str(part, "content-id"),
    }
    errors = []
    part_body(part, path, info, errors, defects_out)
    # after decoding: the email package records payload defects (bad base64...) lazily
    info["defects"] = [describe(d) for d in part.defects] + errors
    for name, value in (header_source or part).items():
        info["defects"] += ["header %s: %s" % (clean(name), describe(d)) for d in getattr(value, "defects", ())
                            if type(d).__name__ not in IGNORED_HEADER_DEFECTS]
    defects_out.extend(path + ": " + d for d in info["defects"])
    return info


def part_body(part, path, info, errors, defects_out):
    ctype = info["content_type"]
    if ctype in ("message/rfc822", "message/global"):
        # sha256/size of the inner message as re-serialized by the email package
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            inner = inner[0]
        info["children"] = [part_summary(inner, path + ".1", defects_out)] if inner is not None else []
        raw = inner.as_bytes(policy=policy.default) if inner is not None else b""
        info["size"] = len(raw)
        info["sha256"] = sha256(raw)
        return
    if part.get_content_maintype() == "message" and isinstance(part.get_payload(), list):
        # message/delivery-status and friends: a list of header blocks; report them as text
        raw = b"".join(m.as_bytes(policy=policy.default) for m in part.get_payload())
        info["size"] = len(raw)
        info["sha256"] = sha256(raw)
        info["text"] = clean(raw.decode("utf-8", "surrogateescape"))
        return
    if part.is_multipart():
        info["children"] = [part_summary(p, "%s.%d" % (path, i + 1), defects_out)
                            for i, p in enumerate(part.iter_parts())]
        return
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = b""
    info["size"] = len(payload)
    info["sha256"] = sha256(payload)
    if part.get_content_maintype() == "text":
        try:
            info["text"] = clean(part.get_content())
        except Exception as e:  # unknown charset etc.
            info["text"] = None
            errors.append("cannot decode text: %s" % e)


def leaves(info):
    if "children" in info and info["content_type"].startswith("multipart/"):
        for c in info["children"]:
            yield from leaves(c)
    else:
        yield info


def summarize(path):
    with open(path, "rb") as f:
        data = f.read()
    trace, original = strip_trace(data)
    msg = BytesParser(policy=policy.default).parsebytes(original)
    header_fields, body_off = split_header_lines(original)
    # Top-level headers: parse them as text when they are valid UTF-8 (RFC 6532), so that
    # raw UTF-8 (SMTPUTF8 messages) is not reported as undecodable bytes.
    try:
        hmsg = HeaderParser(policy=policy.default).parsestr(original[:body_off].decode("utf-8"))
    except UnicodeDecodeError:
        hmsg = msg
    header_lines = [clean(l.decode("utf-8", "surrogateescape").rstrip("\r\n"))
                    for f in header_fields for l in f]
    lines = original.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    defects = []
    tree = part_summary(msg, "1", defects, header_source=hmsg)

    def body_of(kind):
        try:
            b = msg.get_body(preferencelist=(kind,))
            return None if b is None else clean(b.get_content())
        except Exception:
            return None

    envelope = {}
    for t in trace:
        name, _, value = t.partition(":")
        envelope[name.strip().lower()] = re.sub(r"\s+", " ", value).strip()
    rp = envelope.get("return-path")
    summary = {
        "path": path,
        "file_size": len(data),
        "envelope": {
            "from": rp[1:-1] if rp and rp.startswith("<") and rp.endswith(">") else rp,
            "to": envelope.get("x-original-to"),
            "delivered_to": envelope.get("delivered-to"),
        },
        "trace_headers": trace,
        "original_size": len(original),
        "original_sha256": sha256(original),
        "original_crlf_sha256": sha256(original.replace(b"\n", b"\r\n")),
        "original_has_8bit": any(b > 127 for b in original),
        "original_has_cr": b"\r" in original,
        "original_has_nul": b"\0" in original,
        "max_line_length": max((len(l) for l in lines), default=0),
        "header_lines": header_lines,
        "max_header_line_length": max((len(l.encode()) for l in header_lines), default=0),
        "headers": [[clean(k), clean(v)] for k, v in hmsg.items()],
        "subject": header_str(hmsg, "subject"),
        "from": header_str(hmsg, "from"),
        "from_addrs": addresses(hmsg, "from"),
        "sender": header_str(hmsg, "sender"),
        "reply_to": header_str(hmsg, "reply-to"),
        "reply_to_addrs": addresses(hmsg, "reply-to"),
        "to": header_str(hmsg, "to"),
        "to_addrs": addresses(hmsg, "to"),
        "cc": header_str(hmsg, "cc"),
        "cc_addrs": addresses(hmsg, "cc"),
        "bcc": header_str(hmsg, "bcc"),
        "date": header_str(hmsg, "date"),
        "message_id": header_str(hmsg, "message-id"),
        "mime_version": header_str(hmsg, "mime-version"),
        "content_type": msg.get_content_type(),
        "body_text": body_of("plain"),
        "body_html": body_of("html"),
        "parts": tree,
        "attachments": [
            {k: l.get(k) for k in ("path", "content_type", "filename", "disposition", "size", "sha256")}
            for l in leaves(tree) if l.get("disposition") == "attachment" or l.get("filename")
        ],
        "defects": defects,
    }
    return summary


def maildir_files(maildir):
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for n in names:
            if not n.startswith("."):
                p = os.path.join(d, n)
                try:
                    files.append((os.stat(p).st_mtime_ns, n, p))
                except FileNotFoundError:
                    pass
    files.sort()
    return [p for _, _, p in files]


def header_matches(path, name, value):
    try:
        with open(path, "rb") as f:
            _, original = strip_trace(f.read())
    except FileNotFoundError:
        return False
    msg = BytesHeaderParser(policy=policy.default).parsebytes(original)
    return any(clean(v).strip() == value for v in (msg.get_all(name) or []))


def part_text(part):
    """A report part as text: Python treats message/(global-)delivery-status as a list of header blocks."""
    p = part.get_payload()
    if isinstance(p, list):
        return "\n".join(m.as_bytes().decode("utf-8", "replace") for m in p)
    b = part.get_payload(decode=True)
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(p)


def status_fields(text):
    """RFC 3464 fields: one dict for the message, one per recipient (blocks split by blank lines)."""
    blocks, cur = [], {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if cur:
                blocks.append(cur)
                cur = {}
            continue
        if line[0] in " \t" and cur:
            k = list(cur)[-1]
            cur[k] += " " + line.strip()
            continue
        k, _, v = line.partition(":")
        cur[k.strip().lower()] = v.strip()
    if cur:
        blocks.append(cur)
    return blocks


def dsn_summary(path, envid):
    """The summary of a delivery report for envid, or None when path is not one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    if b"Original-Envelope-Id" not in data:
        return None
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if msg.get_content_type() != "multipart/report":
        return None
    out = {"path": path, "subject": clean(str(msg["subject"] or "")), "type": msg.get_content_type(),
           "report_type": msg.get_param("report-type"), "parts": [], "message": {}, "recipients": [],
           "returned": ""}
    for part in msg.walk():
        ct = part.get_content_type()
        out["parts"].append(ct)
        if ct in ("message/delivery-status", "message/global-delivery-status"):
            blocks = status_fields(part_text(part))
            if blocks:
                out["message"] = blocks[0]
                out["recipients"] = blocks[1:]
        elif ct in ("text/rfc822-headers", "message/global-headers", "message/rfc822"):
            out["returned"] = part_text(part)
    if out["message"].get("original-envelope-id") != envid:
        return None
    return out


def emit(obj):
    sys.stdout.buffer.write(json.dumps(obj, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--raw", action="store_true", help="print the original message bytes of FILE")
    ap.add_argument("--find", metavar="MAILDIR")
    ap.add_argument("--header", metavar="'NAME: VALUE'")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--dsn-envid", metavar="ENVID")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    if args.find:
        if args.list:
            emit(maildir_files(args.find))
            return 0
        if args.dsn_envid is not None:
            deadline = time.monotonic() + args.timeout
            seen = set()
            while True:
                for p in maildir_files(args.find):
                    if p in seen:
                        continue
                    seen.add(p)
                    found = dsn_summary(p, args.dsn_envid)
                    if found:
                        emit(found)
                        return 0
                if time.monotonic() >= deadline:
                    emit(None)
                    return 1
                time.sleep(0.05)
        if not args.header or ":" not in args.header:
            ap.error("--find needs --header 'NAME: VALUE' (or --list)")
        name, _, value = args.header.partition(":")
        name, value = name.strip(), value.strip()
        deadline = time.monotonic() + args.timeout
        seen = {}
        while True:
            for p in maildir_files(args.find):
                if p not in seen:
                    seen[p] = header_matches(p, name, value)
            found = [p for p, ok in seen.items() if ok and os.path.exists(p)]
            if len(found) >= args.count or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        out = sorted((summarize(p) for p in found),
                     key=lambda s: (s["envelope"]["to"] or "", s["path"]))
        emit(out)
        return 0 if len(found) >= args.count else 1

    if not args.files:
        ap.error("no message file given")
    if args.raw:
        if len(args.files) != 1:
            ap.error("--raw takes exactly one file")
        with open(args.files[0], "rb") as f:
            _, original = strip_trace(f.read())
        sys.stdout.buffer.write(original)
        return 0
    out = [summarize(p) for p in args.files]
    emit(out[0] if len(out) == 1 else out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
