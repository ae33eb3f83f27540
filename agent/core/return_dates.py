"""Pure: the return date an out-of-office reply mentions, read relative to its own Date.

"back on December 3", "returning 12/03/2026", "until 3 December 2026",
"bis zum 03.12.2026", "zurück am 3. Dezember", "de retour le 3 décembre",
"hasta el 3 de diciembre". A date right after a return word wins; otherwise the
latest date mentioned. A date without a year is the next such day on or after the
message's day, unless it lies less than two months before it (a stale auto-reply:
that year, so it is already past and moves nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from agent.core.dates import MONTH_NAMES, MONTHS
from agent.core.messages import MessageMeta
from agent.core.robot_mail import MAX_HEADER_CHARS, MAX_SNIPPET_CHARS

_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
_PATTERNS = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("num", re.compile(r"(?<![\d./])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/])(\.?)")),
    (
        "dmy",
        re.compile(
            rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:de\s+|of\s+)?({MONTH_NAMES})\.?(?![^\W\d_])"
            rf"(?:,?\s+(?:de\s+)?(\d{{4}}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"(?<![^\W\d_])({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{{4}}))?",
            re.IGNORECASE,
        ),
    ),
)
_RETURN_WORDS = re.compile(
    r"\b(?:back|return|returns|returning|return date|until|till|til|through|thru"
    r"|bis|zurück|zurueck|wieder|ab dem"
    r"|retour|jusqu['’]?au|jusqu['’]à|reviens|rentre"
    r"|hasta|regreso|regresaré|regresare|vuelta|volveré|volvere|vuelvo)\b",
    re.IGNORECASE,
)
_WINDOW = 40
STALE = timedelta(days=60)
AHEAD = timedelta(days=400)
PLAUSIBLE = timedelta(days=60)  # a return more than this after the message is not believed


@dataclass(frozen=True)
class _Mention:
    """A date found in the text and where it starts."""

    start: int
    end: int
    year: int | None
    month: int
    day: int


def _year(text: str | None) -> int | None:
    """A two- or four-digit year as a four-digit one."""
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _mentions(text: str) -> list[_Mention]:
    """Every date-like mention, leftmost first, overlapping ones dropped."""
    found: list[_Mention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            mention = _from_match(kind, m)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    result: list[_Mention] = []
    for mention in found:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return result


def _from_match(kind: str, m: re.Match[str]) -> _Mention | None:
    """One regex match as a mention (None when it cannot be a date)."""
    year: int | None
    if kind == "ymd":
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif kind == "num":
        first, sep, second, year_text, trailing_dot = m[1], m[2], m[3], m[4], m[5]
        if sep == "." and not year_text and not trailing_dot:
            return None  # "10.30" is more likely a time than a date
        a, b = int(first), int(second)
        if sep == "/" and a <= 12:
            month, day = a, b  # US style: 12/03/2026 is December 3
        else:
            day, month = a, b  # 03.12.2026, 25/12/2026
        year = _year(year_text)
    elif kind == "dmy":
        day, month, year = int(m[1]), MONTHS[m[2].casefold()], _year(m[3])
    else:
        month, day, year = MONTHS[m[1].casefold()], int(m[2]), _year(m[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _Mention(m.start(), m.end(), year, month, day)


def _resolve(mention: _Mention, reference: date) -> date | None:
    """The calendar date of a mention, inferring a missing year from `reference`."""
    try:
        if mention.year is not None:
            return date(mention.year, mention.month, mention.day)
        candidate = date(reference.year, mention.month, mention.day)
        if candidate < reference - STALE:
            candidate = date(reference.year + 1, mention.month, mention.day)
        return candidate
    except ValueError:
        return None


def return_date(text: str, reference: date) -> date | None:
    """The day an out-of-office sender says they are back (or away until), or None.

    `text` is a subject and snippet: what lies beyond their caps is not read.
    """
    text = text[: MAX_HEADER_CHARS + MAX_SNIPPET_CHARS]
    dates: list[tuple[bool, date]] = []
    previous_end = 0
    for mention in _mentions(text):
        resolved = _resolve(mention, reference)
        window = text[max(previous_end, mention.start - _WINDOW) : mention.start]
        previous_end = mention.end
        if resolved is None or not (reference - STALE <= resolved <= reference + AHEAD):
            continue
        dates.append((bool(_RETURN_WORDS.search(window)), resolved))
    anchored = [d for flagged, d in dates if flagged]
    if anchored:
        return anchored[0]
    return max((d for _, d in dates), default=None)


def message_date(msg: MessageMeta) -> date:
    """The day of the message's own Date header (its writer's calendar), else its arrival.

    A Date later than the arrival (a wrong clock) is not believed: the arrival day is used.
    """
    arrived = msg.internal_date
    try:
        written = parsedate_to_datetime(msg.header("Date")[:MAX_HEADER_CHARS].strip())
    except (TypeError, ValueError, IndexError):
        return arrived.date()
    if written.tzinfo is None or written > arrived + timedelta(days=1):
        return arrived.date()
    return written.date()


def judge_return(back: date | None, sent: date, now: datetime) -> tuple[date | None, str]:
    """(the return date to wait for, or None; why a date found is not believed, or '')."""
    if back is None:
        return None, ""
    if back > sent + PLAUSIBLE:
        days = PLAUSIBLE.days
        return None, f"return date {back} ignored: more than {days} days after the message"
    if back < sent or back < now.date():
        return None, f"return date {back} ignored: already past"
    return back, ""
