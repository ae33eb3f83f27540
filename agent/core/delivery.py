"""Pure: delivery reports (bounces and delay notices) from any mail server.

`looks_like_report` decides from the headers and snippet alone whether a message is worth
reading in full; `read_report` reads the whole message (stdlib email) and names the failed
recipients: from the delivery-status fields (RFC 3464), then X-Failed-Recipients, then the
notice text, then the returned message's headers. A delay ("will retry") is not a failure.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from agent.core.machine import OOO_SUBJECT
from agent.core.messages import MessageMeta
from agent.core.report_text import (
    CHALLENGE,
    DELAY_TEXT,
    FAILURE_TEXT,
    MAX_CONTAINERS,
    MAX_HEADER_CHARS,
    MAX_PARTS,
    MAX_REPORT_BYTES,
    SYSTEM_LOCALS,
    addresses_in,
    bounded,
    cut_returned_copy,
    notice_addresses,
)

_SYSTEM_FROM = re.compile(
    r"mailer[-_ ]?daemon|post[-_ ]?master|mail\s+delivery|delivery\s+(?:subsystem|system)"
    r"|\bmdaemon\b|<\s*>",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"delivery status notification \((?:failure|failed)\)|^\W*undeliver|undelivered mail"
    r"|returned mail|returned to sender|mail delivery (?:failed|failure|problem|system)"
    r"|delivery (?:failure|failed|problem|notification)|failure notice|failed delivery"
    r"|message not delivered|delivery has failed|could not be delivered|not be delivered"
    r"|nondeliverable|non[- ]?delivery|mail system error|delivery status notification"
    r"|permanent (?:error|failure)|undeliverable|unable to deliver|returning message to sender"
    r"|unzustellbar|nicht zustellbar|unzustellbare|fehlgeschlagen|non remis|non distribu"
    r"|échec de (?:la )?(?:remise|distribution)|no se puede entregar|no entregad"
    r"|no se (?:pudo|ha podido) entregar|mancato recapito|non recapitabil|niet bezorgd"
    r"|onbestelbaar|kan niet worden bezorgd|não entregue|nao entregue|não foi entregue"
    r"|nie dostarczon|niedostarczon|kunde inte levereras|olevererbar|ej levererat"
    r"|mail delivery subsystem|^\W*bounce|error sending|\bmail error|user unknown"
    r"|mailbox (?:full|unavailable)|メールエラー|エラー通知|配信エラー|送信エラー|退信|无法投递",
    re.IGNORECASE,
)
DELAY_SUBJECT = re.compile(
    r"\(delay\)|delayed mail|delivery delayed|mail delivery delayed|has been delayed"
    r"|message delayed|not yet been delivered|still being retried|delivery warning"
    r"|warning: message .{0,40}delayed|could not send (?:message|mail) for past"
    r"|notification: warning|notification: delayed|delivery status notification: warning"
    r"|\bverzögert|retardée?|retrasad|ritardat|vertraagd|atrasad|opóźnion|försenad",
    re.IGNORECASE,
)
REPORT_SENDERS = ("mailer-daemon", "postmaster", "post_master", "mdaemon", '"mail delivery"')
REPORT_SUBJECTS = (
    '"delivery status notification"', "undeliverable", '"undelivered mail"',
    '"mail delivery failed"', '"returned mail"', '"delivery failure"', '"failure notice"',
    '"not delivered"', '"delivery has failed"', '"could not be delivered"', "nondeliverable",
    '"non-delivery"', '"delivery problem"', '"returned to sender"', '"mail system error"',
    "unzustellbar", '"nicht zustellbar"', '"non remis"', '"échec de remise"',
    '"no se puede entregar"', '"no entregado"', '"mancato recapito"', "onbestelbaar",
    '"niet bezorgd"', '"não entregue"', '"não foi entregue"', '"nao entregue"',
    "niedostarczona", '"nie dostarczono"', '"kunde inte levereras"', "olevererbart",
)


def report_search() -> str:
    """A mail search (Gmail syntax) for delivery reports: the senders and subjects above."""
    senders = " OR ".join(REPORT_SENDERS)
    subjects = " OR ".join(REPORT_SUBJECTS)
    return f"{{from:({senders}) subject:({subjects})}}"


_MSG_ID = re.compile(r"<[^<>\s]+>")
_TAG = re.compile(r"<[^<>]+>")
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


def local_part(addr: str) -> str:
    """The part before the @, lowercased."""
    return addr.partition("@")[0].lower()


def is_system(addr: str) -> bool:
    """True for mailer-daemon / postmaster style addresses."""
    return local_part(addr) in SYSTEM_LOCALS


def looks_like_report(meta: MessageMeta, sender: str) -> bool:
    """True when a message is probably a bounce or delay notice (worth one full read)."""
    meta = bounded(meta)
    ctype = meta.header("Content-Type").lower()
    if "multipart/report" in ctype and "delivery-status" in ctype:
        return True
    if meta.header("X-Failed-Recipients").strip() or any(
        name.lower() == "x-ms-exchange-message-is-ndr" for name, _ in meta.headers
    ):
        return True
    subject = " ".join(meta.header("Subject").split())
    if OOO_SUBJECT.search(subject) and not BOUNCE_SUBJECT.search(subject):
        return False  # an out-of-office reply, even from a system-looking sender
    if is_system(sender) or _SYSTEM_FROM.search(meta.header("From")):
        return True
    if BOUNCE_SUBJECT.search(subject) or DELAY_SUBJECT.search(subject):
        return True
    auto = meta.header("Auto-Submitted").strip().lower()
    reporter = (  # not `auto-generated` alone: helpdesks and tracking systems write that too
        "multipart/report" in ctype
        or meta.header("Return-Path").replace(" ", "") == "<>"
        or auto.startswith("auto-replied")
        or "failure" in auto  # sendmail's "auto-generated (failure)"
    )
    return reporter and bool(FAILURE_TEXT.search(meta.snippet[:200]))


def report_from_meta(meta: MessageMeta) -> DeliveryReport:
    """The best reading without the full message: X-Failed-Recipients, then the snippet."""
    meta = bounded(meta)
    subject = meta.header("Subject")
    if CHALLENGE.search(f"{subject}\n{meta.snippet}"):
        return DeliveryReport(challenge=True)
    failed = _unique(addresses_in(meta.header("X-Failed-Recipients")))
    delayed = not failed and bool(DELAY_SUBJECT.search(subject) or DELAY_TEXT.search(meta.snippet))
    if failed:
        return DeliveryReport(failed=failed, source="header")
    named = _unique(a for a in addresses_in(meta.snippet) if not is_system(a))
    return DeliveryReport(failed=named, delayed=delayed, source="text")


def read_report(raw: bytes) -> DeliveryReport:
    """Read a delivery report (the start of its raw RFC 822 bytes) and say what failed."""
    raw = readable(raw)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    sender = addresses_in(_header_value(msg, "From"))
    own = set(sender) | set(addresses_in(_header_value(msg, "To")))
    notice, returned, dsn = _split(msg, raw)
    subject = _header_text(msg, "Subject")
    head = f"{subject}\n{notice[:3000]}"
    if CHALLENGE.search(head):
        return DeliveryReport(challenge=True)
    named = " ".join(returned.get(h, "") for h in ("message-id", "in-reply-to", "references"))
    ids = tuple(_MSG_ID.findall(named))
    own |= set(addresses_in(returned.get("from", "")))
    failed, delayed, delivered = _dsn_recipients(dsn)
    source = "delivery-status"
    if not failed:
        failed = _unique(addresses_in(_header_value(msg, "X-Failed-Recipients")))
        source = "header"
    if delivered and not failed:
        return DeliveryReport(delivered=True, returned_ids=ids)
    if not failed and not delayed:
        delayed = bool(DELAY_SUBJECT.search(subject) or DELAY_TEXT.search(notice[:3000]))
    if not failed:
        failed = notice_addresses(notice, own, _site_domain(sender))
        source = "text"
    if not failed:
        to_cc = f"{returned.get('to', '')},{returned.get('cc', '')}"
        failed = _unique(a for a in addresses_in(to_cc) if a not in own)
        source = "returned"
    failed = tuple(a for a in failed if not is_system(a) and a not in own) or failed
    return DeliveryReport(
        failed=failed if not delayed else (),
        delayed=delayed,
        returned_ids=ids,
        source=source if failed else "",
    )


def readable(raw: bytes) -> bytes:
    """The start of a report that the stdlib parser reads in bounded time.

    At most MAX_REPORT_BYTES, cut before the container line beyond MAX_CONTAINERS and the
    boundary line beyond MAX_PARTS: the parser's work per line grows with the nesting.
    """
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
        elif ctype in _RETURNED and _inner_report(part) is not None:
            stack.append(_inner_report(part))  # type: ignore[arg-type]
        elif ctype in _RETURNED:
            if not returned:
                returned = _returned_headers(part)
        elif part.is_multipart():
            children = part.get_payload()
            stack.extend(reversed([c for c in children if isinstance(c, Message)]))
        elif ctype.startswith("text/") or ctype == "message/delivery-status":
            text = _decode(part)
            if ctype == "text/html":
                text = _TAG.sub(" ", text)
            body, copy = cut_returned_copy(text)
            notice.append(body)
            if copy and not returned:
                returned = _headers_in_text(copy)
    text = "\n".join(notice)
    if not text.strip():  # unparsable MIME (a folded boundary): the raw body as text
        body, copy = cut_returned_copy(_raw_text(raw))
        text = body
        returned = returned or _headers_in_text(copy)
    return text, returned, "\n".join(dsn)


def _inner_report(part: Message) -> Message | None:
    """A delivery report forwarded inside a message/rfc822 part, if that is what it holds."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        inner = payload[0]
        if inner.get_content_type() == "multipart/report":
            return inner
    return None


def _raw_text(raw: bytes) -> str:
    """The whole body of a message as text, MIME structure ignored."""
    whole = raw.replace(b"\r\n", b"\n")
    at = whole.find(b"\n\n")
    return whole[at + 2 :].decode("utf-8", "replace") if at >= 0 else ""


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
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return {name: _header_value(payload[0], name) for name in _RETURNED_HEADERS}
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


def _header_text(msg: Message, name: str) -> str:
    """An unstructured header (a Subject) as text, encoded words decoded when possible."""
    value = _header_value(msg, name)
    try:
        return str(email.policy.default.header_factory(name, value))
    except Exception:  # undecodable: the raw text
        return value


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


def _unique(addrs: object) -> tuple[str, ...]:
    """Lowercased addresses, first occurrence kept."""
    out: list[str] = []
    for addr in addrs:  # type: ignore[attr-defined]
        low = str(addr).lower().strip(".'")
        if low not in out:
            out.append(low)
    return tuple(out)
