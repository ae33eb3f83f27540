#!/usr/bin/env python3
"""Rebuild manifest.tsv for the third-party mail corpus in this folder.

Not a test (deliberately not named test_*.py).  Run:  python3 build_manifest.py [-v]
It writes manifest.tsv: path <TAB> class <TAB> failed recipients <TAB> notes.

For bounces, the expected failed recipients (the address the sender used, so
Original-Recipient is preferred over Final-Recipient when it is a plain
address) are taken, in this order, from
  1. overrides.tsv (rows checked by hand, or copied from the source project's
     own test expectations, e.g. flufl.bounce's table),
  2. message/delivery-status parts (Original-Recipient, else Final-Recipient,
     of blocks whose Action is "failed", or that have no Action and a 5.x.x
     Status),
  3. the X-Failed-Recipients header,
  4. simple body patterns of common MTAs (qmail "<addr>:", Exim's indented
     address list, Sendmail "addr... User unknown").
Everything is lower-cased.  overrides.tsv also holds the free-text notes.
"""

import email
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ("bounce", "delay", "auto_reply", "list", "human")
ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
BODY_PATTERNS = [
    r"^<(" + ADDR + r")>:\s*$",  # qmail
    r"^\s{2,}(" + ADDR + r")\s*$",  # Exim address list
    r"^\s*(" + ADDR + r")\s*\n\s+(?:SMTP error|\(generated from|Unrouteable|retry timeout)",
    r"(" + ADDR + r")\.\.\. (?:User unknown|Unknown user|Service unavailable)",  # Sendmail
    r"^<(" + ADDR + r")>\s*\(",
]


def load_overrides():
    overrides, notes = {}, {}
    for line in (HERE / "overrides.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, rcpts, note = [*line.split("\t"), "", ""][:3]
        if rcpts != "-":
            overrides[path] = rcpts
        if note:
            notes[path] = note
    return overrides, notes


def _clean(value):
    value = value.strip().strip("<>").strip().rstrip(".").lower()
    if ";" in value:
        value = value.split(";", 1)[1].strip().strip("<>")
    return value


def _dsn_blocks(part):
    payload = part.get_payload()
    if isinstance(payload, list):
        return [{k.lower(): str(v) for k, v in p.items()} for p in payload]
    text = payload if isinstance(payload, str) else ""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        fields = {}
        for m in re.finditer(r"^([A-Za-z-]+):\s*(.*)$", chunk, re.M):
            fields[m.group(1).lower()] = m.group(2)
        blocks.append(fields)
    return blocks


def dsn_failed(msg):
    """Failed recipients of the DSN parts, and notes on rewritten addresses."""
    failed, rewritten = [], []
    for part in msg.walk():
        if part.get_content_type() not in (
            "message/delivery-status",
            "message/global-delivery-status",
        ):
            continue
        for block in _dsn_blocks(part):
            final = _clean(block.get("final-recipient") or "")
            orig = _clean(block.get("original-recipient") or "")
            addr = orig if re.fullmatch(ADDR, orig) else final
            if not addr:
                continue
            action = (block.get("action") or "").strip().lower()
            status = (block.get("status") or "").strip()
            if action == "failed" or (not action and status.startswith("5")):
                failed.append(addr)
                if final and final != addr:
                    rewritten.append(f"{addr} (final-recipient: {final})")
    return failed, rewritten


def body_text(msg):
    out = []
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            break  # do not look into the returned original
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if payload:
                out.append(payload.decode("latin-1"))
    return "\n".join(out)


def body_recipients(text):
    found = []
    for pattern in BODY_PATTERNS:
        for m in re.finditer(pattern, text, re.M | re.I):
            addr = m.group(1).lower()
            if addr not in found:
                found.append(addr)
    return found


def expected(rel, raw, overrides, notes):
    if rel in overrides:
        return overrides[rel], "override"
    msg = email.message_from_bytes(raw)
    failed, rewritten = dsn_failed(msg)
    if failed:
        if rewritten:
            notes.setdefault(rel, "Original-Recipient preferred; " + "; ".join(rewritten))
        return ",".join(dict.fromkeys(failed)), "dsn"
    xfailed = [
        _clean(a)
        for value in msg.get_all("X-Failed-Recipients") or []
        for a in str(value).split(",")
        if "@" in a
    ]
    if xfailed:
        return ",".join(dict.fromkeys(xfailed)), "x-failed-recipients"
    body = body_recipients(body_text(msg))
    if body:
        return ",".join(body), "body"
    return "", "none"


def main():
    overrides, notes = load_overrides()
    rows = []
    for cls in CLASSES:
        folder = HERE / cls
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.eml")):
            rel = f"{cls}/{path.name}"
            rcpts, how = "", ""
            if cls == "bounce":
                rcpts, how = expected(rel, path.read_bytes(), overrides, notes)
            rows.append((rel, cls, rcpts, how))
    verbose = "-v" in sys.argv
    with (HERE / "manifest.tsv").open("w", encoding="utf-8") as out:
        out.write("path\tclass\tfailed_recipients\tnotes\n")
        for rel, cls, rcpts, how in rows:
            out.write(f"{rel}\t{cls}\t{rcpts}\t{notes.get(rel, '')}\n")
            if verbose:
                print(f"{how:20} {rel}\t{rcpts}")
    print(f"{len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
