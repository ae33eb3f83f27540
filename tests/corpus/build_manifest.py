#!/usr/bin/env python3
"""Rebuild manifest.tsv for the third-party mail corpus in this folder.

Not a test (deliberately not named test_*.py).  Run:  python3 build_manifest.py
It writes manifest.tsv: path <TAB> class <TAB> failed recipients <TAB> notes.

For bounces, the expected failed recipients (the address the sender used,
so Original-Recipient is preferred over Final-Recipient when it is a plain
address) are taken, in this order, from
  1. OVERRIDES below (entries that were checked by hand, or taken from the
     source project's own test expectations, e.g. flufl.bounce's table),
  2. message/delivery-status parts (Original-Recipient, else Final-Recipient, of blocks whose Action is
     "failed", or that have no Action but a 4xx/5xx Status of class 5),
  3. the X-Failed-Recipients header,
  4. simple body patterns of common MTAs (qmail "<addr>:", Exim's indented
     address list, Sendmail "... User unknown", "addr: ... SMTP error").
Everything is lower-cased.  NOTES holds free-text notes per file.
"""
import email
import email.policy
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ("bounce", "delay", "auto_reply", "list", "human")
ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"

# path (relative to this folder) -> comma-separated expected recipients
OVERRIDES = {}
# path -> note (4th column)
NOTES = {}

exec(open(os.path.join(HERE, "manifest_overrides.py"), encoding="utf-8").read())


def _clean(a):
    a = a.strip().strip("<>").strip().rstrip(".").lower()
    if ";" in a:
        a = a.split(";", 1)[1].strip().strip("<>")
    return a


def dsn_recipients(msg):
    failed, delayed, other = [], [], []
    global rewritten
    rewritten = []
    for part in msg.walk():
        if part.get_content_type() not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        payload = part.get_payload()
        blocks = []
        if isinstance(payload, list):
            blocks = [dict((k.lower(), str(v)) for k, v in p.items()) for p in payload]
        else:
            text = payload if isinstance(payload, str) else ""
            for chunk in re.split(r"\n\s*\n", text):
                d = {}
                for m in re.finditer(r"^([A-Za-z-]+):\s*(.*)$", chunk, re.M):
                    d[m.group(1).lower()] = m.group(2)
                blocks.append(d)
        for b in blocks:
            final = _clean(b.get("final-recipient") or "")
            orig = _clean(b.get("original-recipient") or "")
            # Prefer the address the sender actually used (Original-Recipient)
            # when it is a plain address; Final-Recipient may be an internal
            # alias, a local name or a source route.
            if re.fullmatch(ADDR, orig):
                addr = orig
            elif final:
                addr = final
            else:
                continue
            if final and final != addr:
                rewritten.append(f"{addr} (final-recipient: {final})")
            action = (b.get("action") or "").strip().lower()
            status = (b.get("status") or "").strip()
            if action == "failed" or (not action and status.startswith("5")):
                failed.append(addr)
            elif action.startswith("delay"):
                delayed.append(addr)
            else:
                other.append(addr)
    return failed, delayed, other


def body_text(msg):
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                out.append(part.get_payload(decode=True).decode("latin-1"))
            except Exception:
                pass
        if part.get_content_type() == "message/rfc822":
            break  # do not look into the returned original
    return "\n".join(out)


def body_recipients(text):
    pats = [
        r"^<(" + ADDR + r")>:\s*$",                       # qmail
        r"^\s{2,}(" + ADDR + r")\s*$",                      # Exim list
        r"^\s*(" + ADDR + r")\s*\n\s+(?:SMTP error|\(generated from|Unrouteable|retry timeout)",  # Exim
        r"(" + ADDR + r")\.\.\. (?:User unknown|Unknown user|Service unavailable)",  # sendmail
        r"^<(" + ADDR + r")>\s*\(",                         # qmail-like
    ]
    found = []
    for p in pats:
        for m in re.finditer(p, text, re.M | re.I):
            a = m.group(1).lower()
            if a not in found:
                found.append(a)
    return found


def expected(rel, raw):
    msg = email.message_from_bytes(raw)
    if rel in OVERRIDES:
        return OVERRIDES[rel], "override"
    failed, delayed, other = dsn_recipients(msg)
    if failed:
        if rewritten:
            NOTES.setdefault(rel, "Original-Recipient preferred; " + "; ".join(rewritten))
        return ",".join(dict.fromkeys(failed)), "dsn"
    xf = msg.get_all("X-Failed-Recipients") or []
    xf = [_clean(a) for v in xf for a in str(v).split(",") if "@" in a]
    if xf:
        return ",".join(dict.fromkeys(xf)), "x-failed-recipients"
    body = body_recipients(body_text(msg))
    if body:
        return ",".join(body), "body"
    return "", "none"


def main():
    rows = []
    for cls in CLASSES:
        d = os.path.join(HERE, cls)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".eml"):
                continue
            rel = f"{cls}/{fn}"
            raw = open(os.path.join(d, fn), "rb").read()
            rcpts, how = ("", "")
            if cls == "bounce":
                rcpts, how = expected(rel, raw)
            rows.append((rel, cls, rcpts, NOTES.get(rel, ""), how))
    verbose = "-v" in sys.argv
    with open(os.path.join(HERE, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("path\tclass\tfailed_recipients\tnotes\n")
        for rel, cls, rcpts, note, how in rows:
            f.write(f"{rel}\t{cls}\t{rcpts}\t{note}\n")
            if verbose:
                print(f"{how:20} {rel}\t{rcpts}\t{note}")
    print(f"{len(rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
