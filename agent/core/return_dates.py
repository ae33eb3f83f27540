"""Pure: the return date an out-of-office reply mentions, read relative to its own Date.

"back on December 3", "returning 12/03/2026", "bis zum 03.12.2026", "de retour le 3 décembre",
"hasta el 3 de diciembre": a date right after a return word wins, else the latest date. A date
without a year is the next such day from the message's day on, unless it lies less than two
months before it (a stale auto-reply: that year, already past, so it moves nothing).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from agent.core.dates import MONTH_NAMES, MONTHS
from agent.core.messages import MessageMeta
from agent.core.robot_mail import MAX_HEADER_CHARS, MAX_SNIPPET_CHARS

_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
_PATTERNS = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("num", re.compile(r"(?<![\d./])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/])(\.?)")),
    ("dmy", re.compile(
        rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:de\s+|of\s+)?({MONTH_NAMES})\.?(?![^\W\d_])"
        rf"(?:,?\s+(?:de\s+)?(\d{{4}}))?",
        re.IGNORECASE,
    )),
    ("mdy", re.compile(
        rf"(?<![^\W\d_])({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        rf"(?:,?\s+(\d{{4}}))?",
        re.IGNORECASE,
    )),
)
_RETURN_WORDS = re.compile(
    r"\b(?:back|return|returns|returning|until|till|til|through|thru"
    r"|bis|zurück|zurueck|wieder|ab dem"
    r"|retour|jusqu['’]?au|jusqu['’]à|reviens|rentre"
    r"|hasta|regreso|regresaré|regresare|vuelta|volveré|volvere|vuelvo)\b",
    re.IGNORECASE,
)
_WINDOW = 40
STALE = timedelta(days=60)
AHEAD = timedelta(days=400)
PLAUSIBLE = timedelta(days=60)  # a return more than this after the message is not believed


def _year(text: str | None) -> int | None:
    """A two- or four-digit year as a four-digit one."""
    return None if not text else int(text) + (2000 if int(text) < 100 else 0)


def _parts(kind: str, m: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of one match; None when it cannot be a date."""
    year: int | None
    if kind == "ymd":
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif kind == "num":
        if m[2] == "." and not m[4] and not m[5]:
            return None  # "10.30" is more likely a time than a date
        first, second = int(m[1]), int(m[3])
        us = m[2] == "/" and first <= 12  # 12/03/2026 is December 3; 03.12.2026, 25/12/2026 not
        month, day = (first, second) if us else (second, first)
        year = _year(m[4])
    elif kind == "dmy":
        day, month, year = int(m[1]), MONTHS[m[2].casefold()], _year(m[3])
    else:
        month, day, year = MONTHS[m[1].casefold()], int(m[2]), _year(m[3])
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _resolve(parts: tuple[int | None, int, int], reference: date) -> date | None:
    """The calendar date of a mention, a missing year inferred from `reference`."""
    year, month, day = parts
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(reference.year, month, day)
        return candidate if candidate >= reference - STALE else date(reference.year + 1, month, day)
    except ValueError:
        return None


def return_date(text: str, reference: date) -> date | None:
    """The day an out-of-office sender is back (or away until), read in a subject and snippet."""
    text = text[: MAX_HEADER_CHARS + MAX_SNIPPET_CHARS]
    found = [
        (m, parts)
        for kind, pattern in _PATTERNS
        for m in pattern.finditer(text)
        if (parts := _parts(kind, m)) is not None
    ]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    dates: list[tuple[bool, date]] = []
    last_end = 0
    for m, parts in found:
        if m.start() < last_end:
            continue  # overlaps the mention before it
        window = text[max(last_end, m.start() - _WINDOW) : m.start()]
        last_end = m.end()
        day = _resolve(parts, reference)
        if day is not None and reference - STALE <= day <= reference + AHEAD:
            dates.append((bool(_RETURN_WORDS.search(window)), day))
    anchored = [day for flagged, day in dates if flagged]
    return anchored[0] if anchored else max((day for _, day in dates), default=None)


def message_date(msg: MessageMeta) -> date:
    """The day of the message's own Date (its writer's calendar), else (or if later) its arrival."""
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
