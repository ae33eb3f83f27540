"""Pure: mail as the parsers read it: the caps, addresses, and the text of reports and robots.

Everything read from a message is cut to a cap before any pattern runs (docs/limits.md), and
every pattern of the mail parsers runs in linear time on its input: no two quantifiers may
match the same run of characters, and a pattern that must scan forward stops at a bound or at
a character that ends what it looks for.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from agent.core.messages import MessageMeta

MAX_HEADERS = 100  # header lines of one message's metadata
MAX_HEADER_CHARS = 4096  # one header value (a From, a References of about 60 ids)
MAX_NAME_HEADER_CHARS = 512  # a From value handed to the stdlib's address parser
MAX_SNIPPET_CHARS = 1000  # Gmail's snippet of the body (about 200 characters in practice)
MAX_REPORT_BYTES = 64 * 1024  # the start of a delivery report read in full (and its text)
MAX_CONTAINERS = 8  # MIME containers (multipart/*, message/*) read in a report; real ones: 5
MAX_PARTS = 64  # MIME parts read in a report (real ones have up to 16)

_LOCAL = r"A-Za-z0-9.!#$%&'*+/=?^_`{|}~-"
# An address: a whole run of local-part characters (never a suffix of one), '@', a host name.
ADDRESS = re.compile(rf"(?<![{_LOCAL}])[{_LOCAL}]++@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")

CHALLENGE = re.compile(
    r"(?:confirm|verify|prove)\s+(?:that\s+)?you\s+are\s+(?:a\s+)?(?:human|real\s+person|not\s+a"
    r"\s+(?:ro)?bot|a\s+person)|challenge[- ]response|sender\s+verification"
    r"|(?:allowed|approved|guest|white|safe)[- ]?(?:senders?[- ]?)?list\b.{0,200}?\b(?:click|link)"
    r"|\b(?:click|link)\b.{0,200}?(?:allowed|approved|guest|white|safe)[- ]?(?:senders?[- ]?)?list"
    r"|\bwaitlisted\b|\bboxbe\b|\bbluebottle\b|\bspam\s?arrest\b|\bmailblocks\b|\bchoicemail\b"
    r"|protected by .{0,40}spam|verify your (?:e-?mail\s+)?(?:address|message|e-?mail)\b"
    r"|one[- ]time\s+(?:inconvenience|verification)"
    r"|(?:sender|e-?mail)\s+(?:verification|authentication)\s+(?:required|request)"
    r"|(?:have|get) your (?:message|e-?mail|address) (?:delivered|approved|added)",
    re.IGNORECASE | re.DOTALL,
)
DELAY_TEXT = re.compile(
    r"will\s+(?:retry|be\s+retried|keep\s+trying|continue\s+(?:to\s+try|trying|attempting))"
    r"|still\s+(?:being\s+)?(?:retried|trying)|warning\s+(?:message\s+)?only"
    r"|this\s+is\s+(?:only\s+)?a\s+warning|has\s+not\s+yet\s+been\s+delivered"
    r"|do(?:es)?\s+not\s+need\s+to\s+(?:re-?send|take\s+any\s+action)|delivery\s+incomplete"
    r"|delayed\s+(?:for\s+)?\d+\s+(?:hours|minutes|days)|message\s+delayed|delivery\s+delayed"
    r"|no\s+action\s+is\s+required|(?:attempts?|delivery)\s+will\s+continue|not\s+been\s+able\s+to\s+deliver.{0,60}yet"
    r"|wird\s+(?:weiterhin|erneut)\s+versucht|nouvelle\s+tentative|se\s+reintentar",
    re.IGNORECASE | re.DOTALL,
)
FAILURE_TEXT = re.compile(
    r"permanent(?:ly)?\s+(?:error|failure|fatal)|failed\s+permanently|could\s*n[o']t\s+be\s+"
    r"delivered|was\s*n[o']t\s+delivered|undeliverable|unable\s+to\s+deliver|delivery\s+(?:to\s+"
    r"the\s+following\s+recipients?\s+)?(?:has\s+)?failed|user\s+unknown|unknown\s+user|no\s+such"
    r"\s+(?:user|mailbox|address|recipient)|does\s*n[o']t\s+exist|mailbox\s+(?:unavailable|not\s+"
    r"found|full|is\s+full)|over\s+quota|quota\s+exceeded|address(?:es)?\s+failed|not\s+a\s+valid"
    r"|invalid\s+(?:recipient|address|mailbox)|wasn't\s+able\s+to\s+deliver|given\s+up"
    r"|fatal\s+errors?|could\s+not\s+be\s+reached|did\s+not\s+reach|not\s+delivered"
    r"|rejected|returned\s+to\s+sender|\b5\.\d{1,3}\.\d{1,3}\b|\b55[0-4]\b",
    re.IGNORECASE | re.DOTALL,
)
_COPY_MARKER = re.compile(
    r"^[ \t>]*+[-=_*]*+[ \t]*+(?:this\s+is\s+a\s+copy\s+of\s+(?:the|your)\s+message"
    r"|below\s+this\s+line\s+is\s+a\s+copy|original\s+message\s+(?:follows|headers?\b)"
    r"|(?:the\s+)?original\s+message\s+(?:was|is)\s+(?:included|attached|below|as\s+follows)"
    r"|returned\s+(?:mail|message)\s+follows|unsent\s+message\s+(?:below|follows)"
    r"|message\s+headers?\s+follows?|(?:the\s+)?header\s+of\s+the\s+original\s+message"
    r"|copy\s+of\s+(?:the\s+)?original\s+message|original\s+message\s*-+"
    r"|headers\s+of\s+(?:the\s+|your\s+)?(?:original|returned)\s+message)",
    re.IGNORECASE | re.MULTILINE,
)
_NOT_RECIPIENT = re.compile(
    r"^[ \t]*+(?:message-id|in-reply-to|references|from|sender|reply-to|return-path|received"
    r"|x-[\w-]+|mail\s+from|envelope-from|dkim-signature)\b.*$"
    r"|\bmail\s+from:?\s*<[^<>]*>|\bfrom\s*<[^<>]*>|envelope-from\s*<[^<>]*>|\bid\s+<[^<>]*>"
    r"|\bsender\s*(?:address)?:?\s*<?[^\s>]*>?",
    re.IGNORECASE | re.MULTILINE,
)
_RCPT = re.compile(r"rcpt\s+to:?\s*<?$|recipient:?\s*<?$", re.IGNORECASE)
_X400_PREFIX = re.compile(r"^(?:[a-z]+:)?(?:smtp|rfc822|internet)=")
_BARE_NAME = re.compile(
    r"(?:recipients?|following|address(?:es)?)(?:\(s\))?\b[^:\n]{0,160}:[ \t]*+\n\s*+"
    r"([A-Za-z0-9][A-Za-z0-9._+-]{1,63})(?=[ \t]*(?:\n|$)|[ \t]{2,})",
    re.IGNORECASE,
)
SYSTEM_LOCALS = frozenset(  # the local parts mail systems write reports from
    {
        "mailer-daemon",
        "postmaster",
        "post_master",
        "mail-daemon",
        "maildaemon",
        "mailerdaemon",
        "daemon",
        "mdaemon",
    }
)
NEAR = 600


def bounded(meta: MessageMeta) -> MessageMeta:
    """The message with at most MAX_HEADERS headers, each value and the snippet within caps."""
    if (
        len(meta.headers) <= MAX_HEADERS
        and len(meta.snippet) <= MAX_SNIPPET_CHARS
        and all(len(name) + len(value) <= MAX_HEADER_CHARS for name, value in meta.headers)
    ):
        return meta
    headers = tuple(
        (name[:MAX_HEADER_CHARS], value[:MAX_HEADER_CHARS])
        for name, value in meta.headers[:MAX_HEADERS]
    )
    return replace(meta, headers=headers, snippet=meta.snippet[:MAX_SNIPPET_CHARS])


def addresses_in(text: str) -> list[str]:
    """Every mail address in `text`, lowercased, in order; linear time on any input."""
    found = (m.group(0).lower().lstrip(".'") for m in ADDRESS.finditer(text))
    return [addr for addr in found if not addr.startswith("@")]


def cut_returned_copy(text: str) -> tuple[str, str]:
    """(notice, returned copy): the text before and after a "copy of the message" line."""
    text = text[:MAX_REPORT_BYTES]
    match = _COPY_MARKER.search(text)
    if match is None:
        return text, ""
    line_end = text.find("\n", match.end())
    return text[: match.start()], text[line_end + 1 :] if line_end >= 0 else ""


def notice_addresses(notice: str, own: set[str], domain: str = "") -> tuple[str, ...]:
    """Addresses a bounce notice names as failed, best first.

    An SMTP `RCPT TO:` first, then addresses near a failure phrase, then the others; the
    report's own parties (its To, the returned message's From) last. A bare name listed
    under "the following recipients:" (AOL screen names, directory names) is read as an
    address at the reporting server's `domain`.
    """
    text = _NOT_RECIPIENT.sub(" ", notice[:MAX_REPORT_BYTES])
    found = list(ADDRESS.finditer(text))
    failures = [m.end() for m in FAILURE_TEXT.finditer(text)] if found else []
    ranked: list[tuple[int, int, str]] = []
    for m in found:
        addr = m.group(0).lower().strip(".'")
        addr = _X400_PREFIX.sub("", addr) if "=" in addr else addr
        if addr.partition("@")[0] in SYSTEM_LOCALS or "." not in addr.partition("@")[2]:
            continue
        at = m.start()
        after = bisect_left(failures, at - NEAR)  # the first failure phrase ending near before
        if _RCPT.search(text[max(0, at - 12) : at]):
            rank = 0
        elif after < len(failures) and failures[after] <= at:
            rank = 1
        elif after < len(failures) and failures[after] <= at + NEAR:
            rank = 2
        else:
            rank = 3
        ranked.append((rank + (4 if addr in own else 0), at, addr))
    if domain:
        for m in _BARE_NAME.finditer(text):
            ranked.append((1, m.start(1), f"{m.group(1).lower()}@{domain}"))
    return tuple(dict.fromkeys(addr for _, _, addr in sorted(ranked)))
