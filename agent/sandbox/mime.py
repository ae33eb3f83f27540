"""RFC 822 messages as Gmail shows them: headers, snippet, payload tree, threading keys."""

from __future__ import annotations

import email
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

from agent.sandbox.wire import b64url_encode

SNIPPET_LENGTH = 200
_PREFIX = re.compile(r"^\s*(re|fwd?|aw|antw|wg|sv|vs|tr)\s*(\[\d+\])?\s*:\s*", re.IGNORECASE)
_MSGID = re.compile(r"<[^<>\s]+>")
_TAG = re.compile(r"<[^>]*>")
CACHE_SIZE = 1 << 18  # parsed messages kept (oldest dropped first)
_PARSED: dict[bytes, Parsed] = {}


@dataclass(frozen=True)
class Parsed:
    """What the sandbox needs from one raw message."""

    headers: tuple[tuple[str, str], ...]
    subject: str
    message_id: str
    refs: tuple[str, ...]  # In-Reply-To first, then References newest first
    snippet: str
    text: str
    has_attachment: bool
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def header(self, name: str) -> str:
        """The first header of that name (case-insensitive), or ''."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), "")

    def all_headers(self, name: str) -> list[str]:
        """Every header of that name (case-insensitive)."""
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]

    def addresses(self, *names: str) -> list[tuple[str, str]]:
        """(display name, lowercased address) pairs from the named address headers (cached)."""
        found = self._memo.get(names)
        if found is None:
            values = [v for n in names for v in self.all_headers(n)]
            found = [(name, addr.lower()) for name, addr in getaddresses(values) if addr]
            self._memo[names] = found
        return list(found)

    def know_addresses(self, name: str, pairs: list[tuple[str, str]]) -> None:
        """Record what addresses(name) gives (for a generator that wrote the header itself)."""
        self._memo[(name,)] = [(display, addr.lower()) for display, addr in pairs]

    def searchable(self) -> str:
        """What a free-text search looks in: subject, body, From and To, lowercased (cached)."""
        found = self._memo.get("text")
        if found is None:
            found = " ".join([self.subject, self.text, self.header("From"), self.header("To")])
            found = self._memo["text"] = found.lower()
        return found


def normalize_subject(subject: str) -> str:
    """The subject without leading Re:/Fwd:/AW:/Antw: prefixes, whitespace collapsed, casefolded."""
    text = " ".join(subject.split())
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text.strip().casefold()


def message_ids(value: str) -> list[str]:
    """The <...> message ids named in a header value, in order."""
    return _MSGID.findall(value or "")


def to_bytes(raw: bytes | EmailMessage | Message) -> bytes:
    """Serialized bytes of a message given as bytes or an email.message object."""
    if isinstance(raw, bytes | bytearray):
        return bytes(raw)
    return raw.as_bytes()


def _safe_items(msg: Message) -> tuple[tuple[str, str], ...]:
    """Header (name, value) pairs, decoded; raw text when a value cannot be parsed."""
    out = []
    for name, raw_value in msg.raw_items():
        unfolded = "".join(str(raw_value).splitlines()).lstrip()  # a fold before the value
        try:
            value = str(msg.policy.header_factory(name, unfolded))
        except Exception:
            value = str(raw_value)
        out.append((name, " ".join(value.split()) if "\n" in value else value))
    return tuple(out)


def _text_of(msg: Message) -> str:
    """The first text/plain body (or text/html without tags) as a string."""
    plain = html_text = None
    for part in msg.walk():
        if part.is_multipart() or part.get_filename():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        try:
            content = part.get_content() if hasattr(part, "get_content") else part.get_payload()
        except Exception:
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", "replace")
        if ctype == "text/plain" and plain is None:
            plain = str(content)
        elif ctype == "text/html" and html_text is None:
            html_text = html.unescape(_TAG.sub(" ", str(content)))
    return plain if plain is not None else (html_text or "")


def parse(raw: bytes) -> Parsed:
    """Parse raw RFC 822 bytes (cached: messages are immutable)."""
    found = _PARSED.get(raw)
    return remember(raw, _parse(raw)) if found is None else found


def remember(raw: bytes, parsed: Parsed) -> Parsed:
    """Cache what `raw` parses to (a generator that knows it need not parse it again)."""
    if len(_PARSED) >= CACHE_SIZE:
        _PARSED.pop(next(iter(_PARSED)), None)  # the oldest entry
    _PARSED[raw] = parsed
    return parsed


def _parse(raw: bytes) -> Parsed:
    msg = email.message_from_bytes(raw, policy=policy.default)
    attached = any(p.get_filename() for p in msg.walk() if not p.is_multipart())
    return assemble(_safe_items(msg), _text_of(msg), attached)


def assemble(headers: tuple[tuple[str, str], ...], text: str, has_attachment: bool) -> Parsed:
    """A Parsed from decoded headers and body text (what parse makes of a message)."""
    first = {k.lower(): v for k, v in reversed(headers)}
    refs = message_ids(first.get("in-reply-to", ""))
    refs += [m for m in reversed(message_ids(first.get("references", ""))) if m not in refs]
    collapsed = " ".join(text.split())
    snippet = html.escape(collapsed[:SNIPPET_LENGTH], quote=True).replace("&#x27;", "&#39;")
    ids = message_ids(first.get("message-id", ""))
    return Parsed(
        headers=headers,
        subject=first.get("subject", ""),
        message_id=ids[0] if ids else first.get("message-id", "").strip(),
        refs=tuple(refs),
        snippet=snippet,
        text=text,
        has_attachment=has_attachment,
    )


def payload(
    raw: bytes, *, with_body: bool, header_filter: list[str] | None = None
) -> dict[str, Any]:
    """Gmail's `payload` tree; metadata format passes with_body=False and header_filter."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    if not with_body:
        headers = parse(raw).headers
        if header_filter:
            wanted = {h.lower() for h in header_filter}
            headers = tuple((k, v) for k, v in headers if k.lower() in wanted)
        return {"mimeType": msg.get_content_type(), "headers": _header_list(headers)}
    return _part(msg, "")


def _header_list(headers: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """[{name, value}] as Gmail lists them."""
    return [{"name": k, "value": v} for k, v in headers]


def _part(part: Message, part_id: str) -> dict[str, Any]:
    """One node of the payload tree."""
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": _header_list(_safe_items(part)),
    }
    if part.get_content_type() == "message/delivery-status":
        # Python parses the status blocks as sub-messages; Gmail serves them as one leaf
        # whose body.data is the status text (Reporting-MTA, Final-Recipient, Status, ...)
        data = _raw_body(part)
        node["body"] = {"size": len(data)}
        if data:
            node["body"]["data"] = b64url_encode(data)
    elif part.is_multipart():
        node["body"] = {"size": 0}
        children = part.get_payload()
        assert isinstance(children, list)
        prefix = f"{part_id}." if part_id else ""
        node["parts"] = [_part(child, f"{prefix}{i}") for i, child in enumerate(children)]
    else:
        data = part.get_payload(decode=True) or b""
        node["body"] = {"size": len(data)}
        if data:
            node["body"]["data"] = b64url_encode(data)
    return node


def _raw_body(part: Message) -> bytes:
    """The bytes after a part's header block."""
    whole = part.as_bytes(policy=policy.compat32)
    ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := whole.find(sep)) >= 0]
    if not ends:
        return b""
    at, width = min(ends)
    return whole[at + width :]


def set_headers(raw: bytes, values: dict[str, str], *, drop_custom: bool = False) -> bytes:
    """Replace (or add, at the top) the named headers, leaving the rest of the bytes untouched.

    drop_custom: also remove every X- header (X-Followup-Key and the like).
    """
    sep = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
    split_at = raw.find(sep + sep)
    head, body = (raw, b"") if split_at < 0 else (raw[:split_at], raw[split_at:])
    lowered = {k.lower() for k in values}
    kept: list[bytes] = []
    skipping = False
    for line in head.split(sep):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().decode("ascii", "replace").lower()
        skipping = name in lowered or (drop_custom and name.startswith("x-"))
        if not skipping:
            kept.append(line)
    added = [f"{k}: {v}".encode() for k, v in values.items()]
    return sep.join(added + kept) + body
