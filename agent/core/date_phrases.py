"""The vaguer ways an interviewer names a follow-up time, each with one defined meaning.

| phrase | means |
|---|---|
| `early <month>` / `mid <month>` (`middle of`) / `late <month>` | the 5th / 15th / 25th |
| `start of <month>` (`beginning of`) / `end of <month>` | the 1st / the last business day |
| `first` / `second` / `third week of <month>` | that month's first / second / third Monday |
| `end of the month` / `end of next month` | the last business day of this / next month |
| `early` / `mid` / `late next month` | the 5th / 15th / 25th of next month |
| `a fortnight`, `in a fortnight` | 14 days after the interview |
| `within a week`, `within 3 days` | as `in a week`, `in 3 days` (read by dates.py) |
| `after the holidays` (said in Nov or Dec), `after New Year` | 1st business day after Jan 1 |
| `after <holiday>` (`after Thanksgiving`) | 1st business day after that holiday (your country) |

A <month> without a year is the next such month that has not ended before the interview.
A day that is not a business day moves to the next business day (with the user's calendar;
without one, a Saturday or Sunday moves to Monday).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from agent.core.business import BusinessCalendar

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MO = "|".join(sorted(_MONTHS, key=len, reverse=True))
_PART_DAY = {"early": 5, "mid": 15, "middle of": 15, "late": 25, "start of": 1, "beginning of": 1}
_PART = r"early|mid|middle of|late|start of|beginning of|end of"
_LEAD = r"(?:(?:in|by|around|about|on|at|during) )?(?:the )?"
_MONTH_PART = re.compile(
    rf"{_LEAD}(?P<part>{_PART}) (?:the )?(?P<mon>{_MO}|this month|the month|month|next month)"
    r"(?: (?P<year>\d{4}))?"
)
_WEEK_OF = re.compile(
    rf"{_LEAD}(?P<nth>first|1st|second|2nd|third|3rd) week (?:of|in) (?P<mon>{_MO}|next month)"
    r"(?: (?P<year>\d{4}))?"
)
_FORTNIGHT = re.compile(r"(?:in |within |about |around )?(?:a |one )?fortnight(?:'s time)?")
_AFTER = re.compile(r"(?:right |just |sometime |some time )?after (?:the )?(?P<what>[a-z' .]+)")
_NTH = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
HORIZON_DAYS = 400


def vague_day(phrase: str, ref: date, calendar: BusinessCalendar | None) -> date | None:
    """The day a vague phrase names, seen from the interview day `ref`; None if it is not one."""
    phrase = " ".join(phrase.split())
    if _FORTNIGHT.fullmatch(phrase):
        return ref + timedelta(days=14)
    if m := _MONTH_PART.fullmatch(phrase):
        first = _month(m.group("mon"), m.group("year"), ref)
        if m.group("part") == "end of":
            nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            return _last_working(nxt - timedelta(days=1), calendar)
        return _working(first.replace(day=_PART_DAY[m.group("part")]), calendar)
    if m := _WEEK_OF.fullmatch(phrase):
        first = _month(m.group("mon"), m.group("year"), ref)
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        return _working(monday + timedelta(weeks=_NTH[m.group("nth")]), calendar)
    if m := _AFTER.fullmatch(phrase):
        return _after(m.group("what").strip(" ."), ref, calendar)
    return None


def _month(name: str, year: str | None, ref: date) -> date:
    """The first day of the named month: this/next month, or the next one not yet over."""
    this = ref.replace(day=1)
    if name in ("this month", "the month", "month"):
        return this
    if name == "next month":
        return (this + timedelta(days=32)).replace(day=1)
    month = _MONTHS[name]
    if year:
        return date(int(year), month, 1)
    return date(ref.year + (month < ref.month), month, 1)


def _working(day: date, calendar: BusinessCalendar | None) -> date:
    """`day`, or the next business day when it is not one."""
    if calendar is None:
        return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
    return day if calendar.is_business_day(day) else calendar.next_business_day(day)


def _last_working(day: date, calendar: BusinessCalendar | None) -> date:
    """`day`, or the last business day before it when it is not one."""
    for _ in range(14):
        working = calendar.is_business_day(day) if calendar else day.weekday() < 5
        if working:
            return day
        day -= timedelta(days=1)
    return day


def _words(name: str) -> set[str]:
    """A holiday name as comparable words ("New Year's Day" -> {"new", "year"})."""
    cleaned = re.sub(r"'s\b|[^a-z ]", " ", name.casefold().replace("’", "'"))
    return {w.removesuffix("s") for w in cleaned.split()} - {"day", "the", "of", "observed"}


def _after(what: str, ref: date, calendar: BusinessCalendar | None) -> date | None:
    """'after the holidays' or 'after <a holiday of the user's country>'."""
    if what in ("holidays", "holiday", "holiday season", "new year", "new years", "new year's"):
        if what.startswith("holiday") and ref.month not in (11, 12):
            return None
        new_year = date(ref.year + 1, 1, 1) if ref.month >= 2 or ref.day > 1 else ref
        return _working(new_year + timedelta(days=1), calendar)
    if calendar is None:
        return None
    wanted = _words(what)
    if not wanted:
        return None
    named = [
        (day, _words(name))
        for day in (ref + timedelta(days=n) for n in range(1, HORIZON_DAYS))
        if (name := calendar.holiday_name(day))
    ]
    # the name as said first ("Independence Day"), else a longer one holding it ("Thanksgiving")
    for fits in (wanted.__eq__, wanted.__le__):
        for day, words in named:
            if fits(words):
                return calendar.next_business_day(day)
    return None
