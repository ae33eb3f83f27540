"""Safe header values for the drafts we build from outsiders' text (calendar events).

Against CVE-2024-6923 (an encoded newline in a value becoming a second header line, a `Bcc:`):
values are cleaned and capped, non-ASCII or `=?` ones b-encoded by us, each line handed to the
message ready-made (the policy's `name`/`fold` protocol), and the bytes parsed back and checked.
No Date and no Message-ID: Gmail stamps both when the user sends the draft.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy

from agent.core.messages import ThreadRef
from agent.core.model import KEY_HEADER
from agent.core.text import as_written, is_valid_email

MAX_SUBJECT = 200
MAX_NAME = 100
MAX_ADDRESS = 254
MAX_REFERENCES = 20
FOLD_WIDTH = 78
KEY_VERSION = "k1"

_MSG_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
_KEY_VALUE = re.compile(r"[a-z0-9]{1,100}")
_EW_BYTES = 45  # 45 bytes -> 60 base64 characters -> a 72-character encoded word


class UnsafeHeader(ValueError):
    """A header value from outsiders' text cannot be made safe; the step is skipped."""


class PreparedHeader(str):
    """A header value we already encoded; the email policy stores and writes it as is."""

    name: str

    def __new__(cls, name: str, value: str) -> PreparedHeader:
        """Wrap an ASCII, single-line, already-encoded value for header `name`."""
        if not value.isascii() or not value.isprintable():  # ASCII: no C0 controls, no DEL
            raise UnsafeHeader(f"{name}: prepared value is not plain ASCII text")
        obj = super().__new__(cls, value)
        obj.name = name
        return obj

    def fold(self, *, policy: Policy) -> str:
        """The header line(s) as they go on the wire (folded at spaces, never inside words)."""
        return fold_line(self.name, str(self), policy.linesep)


def needs_encoding(value: str) -> bool:
    """True when a reader could misread the literal value (non-ASCII or `=?`)."""
    return not value.isascii() or "=?" in value


def encode_words(value: str) -> str:
    """RFC 2047 b-encoded words (utf-8) that decode back to exactly `value`."""
    words: list[str] = []
    chunk = b""
    for ch in value:
        piece = ch.encode("utf-8")
        if chunk and len(chunk) + len(piece) > _EW_BYTES:
            words.append(_encoded_word(chunk))
            chunk = b""
        chunk += piece
    if chunk or not words:
        words.append(_encoded_word(chunk))
    return " ".join(words)


def _encoded_word(data: bytes) -> str:
    """One `=?utf-8?b?...?=` word."""
    return "=?utf-8?b?" + base64.b64encode(data).decode("ascii") + "?="


def check_addr_spec(addr: str) -> str:
    """`addr` if it is exactly one plain ASCII addr-spec (local@domain.tld), else UnsafeHeader."""
    try:  # and the standard library reads it back as that same address
        plain = (
            len(addr) <= MAX_ADDRESS and addr == addr.strip() and is_valid_email(addr)
            and Address(addr_spec=addr).addr_spec == addr
        )
    except (ValueError, IndexError, TypeError):
        plain = False
    if not plain:
        raise UnsafeHeader(f"{_show(addr)} is not a single plain email address")
    return addr


def _show(text: str) -> str:
    """Outsiders' text made safe to quote in one log or status line."""
    return repr(as_written(text, 80))


def display_name(name: str) -> str:
    """The display name cleaned, capped, and within one encoded word (readers join several ill)."""
    name = as_written(name, MAX_NAME)
    if not needs_encoding(name) or len(name.encode("utf-8")) <= _EW_BYTES:
        return name
    while name and len((name + "...").encode("utf-8")) > _EW_BYTES:
        name = name[:-1]
    return name.rstrip() + "..."


def mailbox(name: str, addr: str) -> str:
    """`Name <addr>` for From/To: the name prepared, quoted via Address or one b-encoded word."""
    addr, name = check_addr_spec(addr), display_name(name)
    if not name:
        return addr
    if needs_encoding(name):
        return f"{_encoded_word(name.encode('utf-8'))} <{addr}>"
    return str(Address(display_name=name, addr_spec=addr))


def check_message_id(value: str) -> str:
    """`value` if it is one `<left@right>` message id, else UnsafeHeader."""
    value = value.strip()
    if len(value) > 250 or not _MSG_ID.fullmatch(value):
        raise UnsafeHeader(f"{_show(value)} is not a valid Message-ID")
    return value


def references_value(previous: str, answered: str) -> str:
    """References for a reply: the answered message's References plus its Message-ID."""
    answered = check_message_id(answered)
    ids = [m for m in _MSG_ID.findall(previous) if m != answered and len(m) <= 250]
    ids = list(dict.fromkeys(ids))[-(MAX_REFERENCES - 1) :]
    return " ".join([*ids, answered])


def draft_key_value(secret: bytes, interview_key: str, step: str, recipient: str) -> str:
    """The X-Followup-Key value of a draft: an opaque keyed hash of (interview, step, recipient)."""
    if not secret:
        raise ValueError("a draft key needs the secret (see agent/store/key_secret.py)")
    message = "\x00".join((KEY_VERSION, interview_key, step, recipient.strip().lower()))
    digest = hmac.new(secret, message.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return KEY_VERSION + base64.b32encode(digest[:20]).decode("ascii").lower()


def fold_line(name: str, value: str, linesep: str = "\r\n") -> str:
    """`Name: value` folded before spaces to stay near 78 characters per line."""
    words = value.split(" ")
    lines: list[str] = []
    line = f"{name}: {words[0]}"
    for word in words[1:]:
        if word and not line.endswith(" ") and len(line) + 1 + len(word) > FOLD_WIDTH:
            lines.append(line)
            line = " " + word
        else:
            line += " " + word
    lines.append(line)
    return linesep.join(lines) + linesep


def intended_names(threaded: bool) -> list[str]:
    """The exact header names of a draft, in order."""
    names = ["From", "To", "Subject"]
    if threaded:
        names += ["In-Reply-To", "References"]
    return [*names, KEY_HEADER, "MIME-Version", "Content-Type", "Content-Transfer-Encoding"]


@dataclass(frozen=True)
class DraftHeaders:
    """What one draft's headers say: cleaned text, not yet encoded."""

    from_name: str
    from_addr: str
    to_name: str
    to_addr: str
    subject: str
    key: str
    thread: ThreadRef | None = None  # the message the draft answers, if any


def draft_message(h: DraftHeaders, body: str) -> bytes:
    """The plain-text utf-8 draft with exactly the intended headers, read back and checked."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = PreparedHeader("From", mailbox(h.from_name, h.from_addr))
    msg["To"] = PreparedHeader("To", mailbox(h.to_name, h.to_addr))
    subject = encode_words(h.subject) if needs_encoding(h.subject) else h.subject
    msg["Subject"] = PreparedHeader("Subject", subject)
    if h.thread is not None:
        answered = check_message_id(h.thread.message_id_header)
        msg["In-Reply-To"] = PreparedHeader("In-Reply-To", answered)
        references = references_value(h.thread.references, answered)
        msg["References"] = PreparedHeader("References", references)
    if not _KEY_VALUE.fullmatch(h.key):
        raise UnsafeHeader(f"{KEY_HEADER} value {_show(h.key)} is not an opaque key")
    msg[KEY_HEADER] = PreparedHeader(KEY_HEADER, h.key)
    msg["MIME-Version"] = "1.0"
    plain = body.isascii() and all(len(line) <= 900 for line in body.splitlines())
    cte = "7bit" if plain else "quoted-printable"
    msg.set_content(body, subtype="plain", charset="utf-8", cte=cte)
    raw = msg.as_bytes()
    verify_message(raw, h)
    return raw


def verify_message(raw: bytes, h: DraftHeaders) -> None:
    """Parse the serialized draft back and raise UnsafeHeader unless it is exactly as intended."""
    try:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        names = Counter(k.lower() for k in parsed)
        expected = Counter(n.lower() for n in intended_names(h.thread is not None))
        if names != expected:
            extra = sorted((names - expected).elements())
            missing = sorted((expected - names).elements())
            raise UnsafeHeader(f"header set changed (extra {extra}, missing {missing})")
        _check_single(parsed["To"].addresses, "To", display_name(h.to_name), h.to_addr)
        _check_single(parsed["From"].addresses, "From", display_name(h.from_name), h.from_addr)
        if str(parsed["Subject"]) != h.subject:
            shown = _show(str(parsed["Subject"]))
            raise UnsafeHeader(f"Subject does not read back as written: {shown}")
        if str(parsed[KEY_HEADER]) != h.key:
            raise UnsafeHeader(f"{KEY_HEADER} does not read back as written")
    except UnsafeHeader:
        raise
    except Exception as exc:  # the stdlib parser can fail in many ways on hostile input
        raise UnsafeHeader(f"the composed message does not parse back: {exc!r}"[:200]) from exc


def _check_single(addresses: Iterable[Address], header: str, name: str, addr: str) -> None:
    """Exactly one address, the intended one, with the intended display name."""
    found = list(addresses)
    if len(found) != 1 or found[0].addr_spec.casefold() != addr.casefold():
        shown = ", ".join(_show(a.addr_spec) for a in found)
        raise UnsafeHeader(f"{header} reads back as [{shown}], not {_show(addr)}")
    if found[0].display_name != name:
        raise UnsafeHeader(f"{header} display name reads back as {_show(found[0].display_name)}")
