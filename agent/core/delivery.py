"""Pure: a delivery report (bounce or delay notice) from any mail server, read in full."""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from agent.core.messages import MessageMeta
from agent.core.robot_mail import (
    CHALLENGE,
    DELAY_SUBJECT,
    MAX_HEADER_CHARS,
    MSG_ID,
    bounded,
    is_system,
)
from agent.core.text import addresses_in

MAX_REPORT_BYTES = 64 * 1024  # the start of a delivery report read in full (and its text)
MAX_CONTAINERS = 8  # MIME containers (multipart/*, message/*) read in a report; real ones: 5
MAX_PARTS = 64  # MIME parts read in a report (real ones have up to 16)

DELAY_TEXT = re.compile(
    r"will\s+(?:retry|be\s+retried|keep\s+trying|continue\s+(?:to\s+try|trying|attempting))"
    r"|still\s+(?:being\s+)?(?:retried|trying)|warning\s+(?:message\s+)?only"
    r"|this\s+is\s+(?:only\s+)?a\s+warning|has\s+not\s+yet\s+been\s+delivered"
    r"|do(?:es)?\s+not\s+need\s+to\s+(?:re-?send|take\s+any\s+action)|delivery\s+incomplete"
    r"|delayed\s+(?:for\s+)?\d+\s+(?:hours|minutes|days)|message\s+delayed|delivery\s+delayed"
    r"|no\s+action\s+is\s+required|(?:attempts?|delivery)\s+will\s+continue"
    r"|not\s+been\s+able\s+to\s+deliver.{0,60}yet"
    r"|wird\s+(?:weiterhin|erneut)\s+versucht|nouvelle\s+tentative|se\s+reintentar",
    re.IGNORECASE | re.DOTALL,
)
_COPY_MARKER = re.compile(
    r"^[ \t>]*+[-=_*]*+[ \t]*+(?:this\s+is\s+a\s+copy\s+of\s+(?:the|your)\s+message"
    r"|below\s+this\s+line\s+is\s+a\s+copy|original\s+message\s+(?:follows|headers?\b)"
    r"|returned\s+(?:mail|message)\s+follows|unsent\s+message\s+(?:below|follows)"
    r"|message\s+headers?\s+follows?|(?:the\s+)?header\s+of\s+the\s+original\s+message"
    r"|original\s+message\s*-+)",
    re.IGNORECASE | re.MULTILINE,
)
_X400_PREFIX = re.compile(r"^(?:[a-z]+:)?(?:smtp|rfc822|internet)=")
_BARE_NAME = re.compile(
    r"(?:recipients?|following|address(?:es)?)(?:\(s\))?\b[^:\n]{0,160}:[ \t]*+\n\s*+"
    r"([A-Za-z0-9][A-Za-z0-9._+-]{1,63})(?=[ \t]*(?:\n|$)|[ \t]{2,})",
    re.IGNORECASE,
)
# A line opening a MIME container (multipart/*, message/*) or a boundary: what the stdlib parser
# pays for, per line, as they nest.
_CONTAINER = re.compile(rb"^content-type:\s*(?:multipart|message)/", re.IGNORECASE | re.MULTILINE)
_BOUNDARY = re.compile(rb"^--", re.MULTILINE)
_RETURNED_HEADERS = ("message-id", "in-reply-to", "references", "from", "to", "cc")
_REPORT_PARTS = ("message/delivery-status", "message/global-delivery-status")
_RETURNED = ("message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers")


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery report says: failed addresses (best first), or only a delay."""

    failed: tuple[str, ...] = ()
    delayed: bool = False
    challenge: bool = False  # a challenge-response robot ("confirm you are human"), no bounce
    delivered: bool = False  # a delivery receipt (every recipient delivered or relayed)
    returned_ids: tuple[str, ...] = ()  # Message-ID / References of the returned message
    source: str = ""  # where the address was read: delivery-status, header, text, returned

    @property
    def failure(self) -> bool:
        """True when the report says delivery failed for good."""
        return not (self.delayed or self.challenge or self.delivered)


def report_from_meta(meta: MessageMeta) -> DeliveryReport:
    """The best reading without the full message: X-Failed-Recipients, then the snippet."""
    meta = bounded(meta)
    subject = meta.header("Subject")
    if CHALLENGE.search(f"{subject}\n{meta.snippet}"):
        return DeliveryReport(challenge=True)
    failed = tuple(dict.fromkeys(addresses_in(meta.header("X-Failed-Recipients"))))
    delayed = not failed and bool(DELAY_SUBJECT.search(subject) or DELAY_TEXT.search(meta.snippet))
    if failed:
        return DeliveryReport(failed=failed, source="header")
    named = tuple(dict.fromkeys(a for a in addresses_in(meta.snippet) if not is_system(a)))
    return DeliveryReport(failed=named, delayed=delayed, source="text")


def read_report(raw: bytes) -> DeliveryReport:
    """Read a delivery report (the start of its raw RFC 822 bytes) and say what failed."""
    raw = readable(raw)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    sender = addresses_in(_header_value(msg, "From"))
    own = set(sender) | set(addresses_in(_header_value(msg, "To")))
    notice, returned, dsn = _split(msg, raw)
    subject = _header_value(msg, "Subject")
    with contextlib.suppress(Exception):  # encoded words decoded, unless undecodable
        subject = str(email.policy.default.header_factory("Subject", subject))
    if CHALLENGE.search(f"{subject}\n{notice[:3000]}"):
        return DeliveryReport(challenge=True)
    named = " ".join(returned.get(h, "") for h in ("message-id", "in-reply-to", "references"))
    ids = tuple(MSG_ID.findall(named))
    own |= set(addresses_in(returned.get("from", "")))
    failed, delayed, delivered = _dsn_recipients(dsn)
    source = "delivery-status"
    if not failed:
        failed = tuple(dict.fromkeys(addresses_in(_header_value(msg, "X-Failed-Recipients"))))
        source = "header"
    if delivered and not failed:
        return DeliveryReport(delivered=True, returned_ids=ids)
    if not failed and not delayed:
        delayed = bool(DELAY_SUBJECT.search(subject) or DELAY_TEXT.search(notice[:3000]))
    if not failed:
        failed = notice_addresses(notice, _site_domain(sender))
        source = "text"
    if not failed:
        to_cc = f"{returned.get('to', '')},{returned.get('cc', '')}"
        failed = tuple(dict.fromkeys(a for a in addresses_in(to_cc) if a not in own))
        source = "returned"
    failed = tuple(a for a in failed if not is_system(a) and a not in own) or failed
    source = source if failed else ""
    return DeliveryReport(() if delayed else failed, delayed, returned_ids=ids, source=source)


def readable(raw: bytes) -> bytes:
    """The start of a report that the stdlib parser reads in bounded time, whatever it nests."""
    head = raw[:MAX_REPORT_BYTES]
    for pattern, most in ((_CONTAINER, MAX_CONTAINERS), (_BOUNDARY, MAX_PARTS)):
        for count, match in enumerate(pattern.finditer(head)):
            if count == most:
                head = head[: match.start()]
                break
    return head


def _split(msg: Message, raw: bytes) -> tuple[str, dict[str, str], str]:
    """(notice text, returned message headers, delivery-status text) of a report."""
    notice: list[str] = []
    returned: dict[str, str] = {}
    dsn: list[str] = []
    stack: list[Message] = [msg]
    for _ in range(MAX_PARTS):
        if not stack:
            break
        part = stack.pop()
        ctype = part.get_content_type()
        if ctype in _REPORT_PARTS:
            dsn.append(_status_text(part))
        elif ctype in _RETURNED:
            inner = _inner_message(part)
            if inner is not None and inner.get_content_type() == "multipart/report":
                stack.append(inner)  # a report forwarded inside another
            elif not returned:
                returned = _returned_headers(part)
        elif part.is_multipart():
            children = part.get_payload()
            stack.extend(reversed([c for c in children if isinstance(c, Message)]))
        elif ctype.startswith("text/"):
            body, copy = cut_returned_copy(_decode(part))
            notice.append(body)
            if copy and not returned:
                returned = _headers_in_text(copy)
    text = "\n".join(notice)
    if not text.strip():  # unparsable MIME (a folded boundary): the raw body as text
        whole = raw.replace(b"\r\n", b"\n").partition(b"\n\n")[2]
        text, copy = cut_returned_copy(whole.decode("utf-8", "replace"))
        returned = returned or _headers_in_text(copy)
    return text, returned, "\n".join(dsn)


def _inner_message(part: Message) -> Message | None:
    """The message a message/rfc822 part holds, if it parsed as one."""
    payload = part.get_payload()
    first = payload[0] if isinstance(payload, list) and payload else None
    return first if isinstance(first, Message) else None


def _dsn_recipients(dsn: str) -> tuple[tuple[str, ...], bool, bool]:
    """(failed recipients, only delayed, only delivered) from delivery-status text."""
    failed: list[str] = []
    delayed = delivered = False
    blocks = re.split(r"\n\s*\n", dsn.replace("\r\n", "\n"))
    for block in blocks:
        fields: dict[str, str] = {}
        for line in re.sub(r"\n[ \t]+", " ", block).split("\n"):
            name, sep, value = line.partition(":")
            if sep:
                fields.setdefault(name.strip().lower(), value.strip())
        final = fields.get("final-recipient", "")
        original = fields.get("original-recipient", "")
        if not (final or original):
            continue
        action = fields.get("action", "").lower().split()[0] if fields.get("action") else ""
        status = fields.get("status", "").strip()
        if action == "delayed" or (not action and status.startswith("4")):
            delayed = True
            continue
        if action in ("delivered", "relayed", "expanded"):
            delivered = True
            continue
        for value in (original, final):
            addr = _dsn_address(value)
            if addr and addr not in failed:
                failed.append(addr)
    return tuple(failed), delayed and not failed, delivered and not (failed or delayed)


def _site_domain(senders: list[str]) -> str:
    """The organisation's domain of the reporting server ('mr2.its.yale.edu' -> 'yale.edu')."""
    host = senders[0].partition("@")[2] if senders else ""
    labels = host.split(".")
    if len(labels) < 2:
        return ""
    short_second = len(labels) >= 3 and (len(labels[-2]) <= 3 and len(labels[-1]) == 2)
    return ".".join(labels[-3:] if short_second else labels[-2:])


def _dsn_address(value: str) -> str:
    """The address of a Final-/Original-Recipient value ('rfc822; jane@acme.com')."""
    text = (value.partition(";")[2] if ";" in value else value).strip().strip("<>").strip()
    if "@" in text and " " not in text:
        return text.lower().strip(".")
    found = addresses_in(text)
    return found[0] if found else ""


def _status_text(part: Message) -> str:
    """The text of a delivery-status part (the stdlib splits it into header blocks)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n\n".join(
            "\n".join(f"{k}: {v}" for k, v in block.items())
            for block in payload
            if isinstance(block, Message)
        )
    return _decode(part)


def _returned_headers(part: Message) -> dict[str, str]:
    """The ids and addresses of a returned message (message/rfc822 or text/rfc822-headers)."""
    inner = _inner_message(part)
    if inner is not None:
        return {name: _header_value(inner, name) for name in _RETURNED_HEADERS}
    return _headers_in_text(_decode(part))


def _headers_in_text(text: str) -> dict[str, str]:
    """The ids and addresses of a message copied into text (the returned copy after a notice)."""
    lines = text.lstrip("\r\n").replace("\r\n", "\n").partition("\n\n")[0]
    try:
        inner = email.message_from_string(lines, policy=email.policy.compat32)
    except Exception:  # a mangled copy: no headers rather than a crash
        return {}
    return {name: _header_value(inner, name) for name in _RETURNED_HEADERS}


def _header_value(msg: Message, name: str) -> str:
    """The first header of that name as sent, within MAX_HEADER_CHARS ('' when absent)."""
    return str(msg.get(name, ""))[:MAX_HEADER_CHARS]


def _decode(part: Message) -> str:
    """A leaf part's body as text (transfer encoding and charset undone, leniently)."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("latin-1", "replace")


def cut_returned_copy(text: str) -> tuple[str, str]:
    """(notice, returned copy): the text before and after a "copy of the message" line."""
    text = text[:MAX_REPORT_BYTES]
    match = _COPY_MARKER.search(text)
    if match is None:
        return text, ""
    line_end = text.find("\n", match.end())
    return text[: match.start()], text[line_end + 1 :] if line_end >= 0 else ""


def notice_addresses(notice: str, domain: str = "") -> tuple[str, ...]:
    """The addresses a notice names; first a bare name under "recipients:" (AOL's), at `domain`."""
    text = notice[:MAX_REPORT_BYTES]
    bare = [f"{m.group(1).lower()}@{domain}" for m in _BARE_NAME.finditer(text)] if domain else []
    named = (_X400_PREFIX.sub("", addr) for addr in addresses_in(text))
    kept = (a for a in named if not is_system(a) and "." in a.partition("@")[2])
    return tuple(dict.fromkeys([*bare, *kept]))
