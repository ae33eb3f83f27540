"""Reading the follow-up date an interviewer named ("Thursday", "Dec 3 at 2pm", "early January").

Its choices where usage is ambiguous: docs/etiquette.md, "Dates the interviewer names".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.errors import SettingsError
from agent.core.text import one_line

MAX_TEXT_CHARS = 120
ROLLOVER_GRACE = timedelta(days=14)
MAX_OFFSET_DAYS = 400

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "weds": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
MONTHS = {  # month names and abbreviations in English, German, French and Spanish
    name: number
    for number, names in enumerate(
        (
            "january jan januar jänner jaenner janvier janv enero ene",
            "february feb februar février fevrier févr fevr febrero",
            "march mar märz maerz mär mars marzo",
            "april apr avril avr abril abr",
            "may mai mayo",
            "june jun juni juin junio",
            "july jul juli juillet juil julio",
            "august aug août aout agosto",
            "september sep sept septembre septiembre setiembre",
            "october oct oktober okt octobre octubre",
            "november nov noviembre novembre",
            "december dec dezember dez décembre decembre déc diciembre dic",
        ),
        start=1,
    )
    for name in names.split()
}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2,
}
_FILLER = frozenset({"on", "by", "around", "about", "approx", "approximately", "the", "this",
                     "coming", "of", "before", "until", "~", "-", "at", "morning", "mid"})

MONTH_NAMES = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))  # longest first
_ORD = r"(?:st|nd|rd|th)?"

_ISO_WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})")
_TIME = re.compile(
    r"(?:\bat\s+)?\b(?:"
    r"(?P<word>noon|midday)"
    r"|(?P<h1>\d{1,2})[:.](?P<m1>\d{2})(?::\d{2})?\s*(?P<ap1>am|pm)?"
    r"|(?P<h2>\d{1,2})\s*(?P<ap2>am|pm)"
    r"|(?P<h3>\d{1,2})h(?P<m3>\d{2})?"
    r")\b"
    r"|\bat\s+(?P<h4>\d{1,2})\b(?![/:.-]\d|\s*(?:st|nd|rd|th)\b)"
)
_IN_N = re.compile(
    r"in (?P<n>\d{1,3}|[a-z]+) (?P<unit>days?|weeks?|(?:business|working|work) days?)"
)
_YEAR = r"(?: (?P<year>\d{4}))?"
_MONTH_DAY = re.compile(rf"(?P<mon>{MONTH_NAMES}) (?P<day>\d{{1,2}}){_ORD}{_YEAR}")
_DAY_MONTH = re.compile(rf"(?P<day>\d{{1,2}}){_ORD} (?P<mon>{MONTH_NAMES}){_YEAR}")
_US_NUMERIC = re.compile(r"(?P<mon>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?")
_ISO_DATE = re.compile(r"(?P<year>\d{4})[-/](?P<mon>\d{1,2})[-/](?P<day>\d{1,2})")
_ORDINAL_DAY = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)")

_PART_DAY = {"early": 5, "mid": 15, "middle of": 15, "late": 25, "start of": 1, "beginning of": 1}
_PART = r"early|mid|middle of|late|start of|beginning of|end of"
_LEAD = r"(?:(?:in|by|around|about|on|at|during) )?(?:the )?"
_MONTH_PART = re.compile(
    rf"{_LEAD}(?P<part>{_PART}) (?:the )?"
    rf"(?P<mon>{MONTH_NAMES}|this month|the month|month|next month){_YEAR}"
)
_WEEK_OF = re.compile(
    rf"{_LEAD}(?P<nth>first|1st|second|2nd|third|3rd) week (?:of|in) "
    rf"(?P<mon>{MONTH_NAMES}|next month){_YEAR}"
)
_FORTNIGHT = re.compile(r"(?:in |about |around )?(?:a |one )?fortnight(?:'s time)?")
_AFTER = re.compile(r"(?:right |just |sometime |some time )?after (?:the )?(?P<what>[a-z' .]+)")
_DAYS_AFTER = {"today": 0, "tomorrow": 1, "tmrw": 1, "day after tomorrow": 2}
_DAYS_AFTER_MONDAY = {  # of the interview's week
    "next week": 7, "early next week": 7, "week after next": 14, "end week": 4, "end this week": 4,
    "eow": 4, "end next week": 11,
}
_NTH = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
HORIZON_DAYS = 400  # how far ahead a named holiday is looked for


@dataclass(frozen=True)
class FollowUp:
    """A follow-up day the interviewer named, with the time of day when one was said."""

    day: date
    at: time | None = None


def parse_follow_up(
    text: str, interview_end: datetime, zone: ZoneInfo, calendar: BusinessCalendar | None = None
) -> FollowUp | None:
    """The day (and time) `text` names after the interview, or None; holidays need `calendar`."""
    try:
        return _parse(text, interview_end.astimezone(zone), zone, calendar)
    except (ValueError, OverflowError):  # not a follow-up date this module understands
        return None


FORMS = (
    '"Dec 3", "2026-12-03", "12/3", "Thursday", "next Tuesday", "tomorrow", "in 3 days", '
    '"within a week", "a fortnight", "end of next week", "end of the month", "early January", '
    '"mid-December", "late January", "first week of January", "after the holidays", '
    '"after Thanksgiving", each optionally with a time ("at 2pm")'
)


def check_follow_up(
    text: str, interview_end: datetime, zone: ZoneInfo, calendar: BusinessCalendar | None = None
) -> FollowUp:
    """The follow-up `text` names; SettingsError saying what was unreadable and what works."""
    found = parse_follow_up(text, interview_end, zone, calendar)
    if found is None:
        raise SettingsError(
            f"could not read the follow-up date {one_line(text, 60)!r}; nothing was changed. "
            f"Forms that work: {FORMS}"
        )
    return found


def _parse(text: str, end: datetime, zone: ZoneInfo, calendar: BusinessCalendar | None) -> FollowUp:
    """Parse or raise ValueError / OverflowError."""
    s = one_line(text, MAX_TEXT_CHARS + 1).casefold()
    if not s or len(s) > MAX_TEXT_CHARS:
        raise ValueError(text)
    s = s.strip(" .!")
    if _ISO_WITH_OFFSET.fullmatch(s):
        moment = datetime.fromisoformat(s.upper()).astimezone(zone)
        return FollowUp(moment.date(), moment.time().replace(second=0, microsecond=0))
    s = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", s)
    s = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", s)
    s = re.sub(r"(?<=[a-z])\.", " ", s).replace(",", " ").replace("mid-", "mid ")
    at, s = _take_time(s)
    s = re.sub(r"^within ", "in ", s.strip())
    vague = vague_day(s, end.date(), calendar)
    if vague is not None:
        return FollowUp(vague, at)
    words = s.split()
    if "afternoon" in words:
        at = at or time(14, 0)
        words.remove("afternoon")
    rest = " ".join(w for w in words if w not in _FILLER)
    return FollowUp(_day(rest, end.date()), at)


def _take_time(s: str) -> tuple[time | None, str]:
    """The one time of day in `s` (if any) and the text without it."""
    matches = list(_TIME.finditer(s))
    if not matches:
        return None, s
    if len(matches) > 1:
        raise ValueError(s)
    m = matches[0]
    rest = f"{s[: m.start()]} {s[m.end():]}"
    if m.group("word"):
        return time(12, 0), rest
    if m.group("h1"):
        return _clock(int(m.group("h1")), int(m.group("m1")), m.group("ap1")), rest
    if m.group("h2"):
        return _clock(int(m.group("h2")), 0, m.group("ap2")), rest
    if m.group("h3"):
        return _clock(int(m.group("h3")), int(m.group("m3") or 0), None), rest
    hour = int(m.group("h4"))
    return _clock(hour + 12 if 1 <= hour <= 7 else hour, 0, None), rest


def _clock(hour: int, minute: int, meridiem: str | None) -> time:
    """A time from 12- or 24-hour parts; ValueError when out of range."""
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {meridiem}")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return time(hour, minute)


def _day(rest: str, ref: date) -> date:
    """The day named by `rest` (time already removed), relative to the interview day `ref`."""
    monday = ref - timedelta(days=ref.weekday())
    if rest in _DAYS_AFTER:
        return ref + timedelta(days=_DAYS_AFTER[rest])
    if rest in _DAYS_AFTER_MONDAY:
        return monday + timedelta(days=_DAYS_AFTER_MONDAY[rest])
    words = rest.split()
    if not words:
        raise ValueError(rest)
    if m := _IN_N.fullmatch(rest):
        return _in_n(m.group("n"), m.group("unit"), ref)
    if len(words) <= 4 and (words[0] in _WEEKDAYS or words[-1] in _WEEKDAYS):
        weekday = _weekday_form(words, ref, monday)
        if weekday is not None:
            return weekday
    return _calendar_date(rest, ref)


def _weekday_form(words: list[str], ref: date, monday: date) -> date | None:
    """Weekday forms; a weekday in front of a full date is checked against it."""
    if words[0] == "next" and len(words) == 2 and words[1] in _WEEKDAYS:
        words = words[1:]
    if len(words) == 1:
        ahead = (_WEEKDAYS[words[0]] - ref.weekday() - 1) % 7 + 1
        return ref + timedelta(days=ahead)
    if words[-2:] == ["next", "week"] and len(words) == 3:
        return monday + timedelta(days=7 + _WEEKDAYS[words[0]])
    if words[:2] == ["next", "week"] and len(words) == 3 and words[2] in _WEEKDAYS:
        return monday + timedelta(days=7 + _WEEKDAYS[words[2]])
    if words[0] in _WEEKDAYS:
        day = _calendar_date(" ".join(words[1:]), ref)
        if day.weekday() != _WEEKDAYS[words[0]]:
            raise ValueError(f"{words[0]} is not {day.isoformat()}")
        return day
    return None


def _in_n(count: str, unit: str, ref: date) -> date:
    """'in 3 days', 'in two weeks', 'in 2 business days' (Monday-Friday)."""
    n = int(count) if count.isdigit() else _NUMBER_WORDS.get(count)
    if n is None or not 0 < n <= MAX_OFFSET_DAYS:
        raise ValueError(count)
    if unit.startswith("week"):
        return ref + timedelta(weeks=n)
    if unit.startswith(("business", "work")):
        day = ref
        while n:
            day += timedelta(days=1)
            n -= day.weekday() < 5
        return day
    return ref + timedelta(days=n)


def _calendar_date(rest: str, ref: date) -> date:
    """Month-day forms, US numeric, ISO, or an ordinal day of the month."""
    for pattern in (_ISO_DATE, _MONTH_DAY, _DAY_MONTH, _US_NUMERIC):
        m = pattern.fullmatch(rest)
        if m is None:
            continue
        month_text = m.group("mon")
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text]
        day = int(m.group("day"))
        year = m.group("year")
        if year:
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            return date(full_year, month, day)
        return _without_year(month, day, ref)
    if m := _ORDINAL_DAY.fullmatch(rest):
        return _next_day_of_month(int(m.group("day")), ref)
    raise ValueError(rest)


def _without_year(month: int, day: int, ref: date) -> date:
    """The first valid (month, day) not more than ROLLOVER_GRACE before the interview day."""
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= ref - ROLLOVER_GRACE:
            return candidate
    raise ValueError(f"{month}/{day}")


def _next_day_of_month(day: int, ref: date) -> date:
    """The first date strictly after `ref` whose day of the month is `day`."""
    year, month = ref.year, ref.month
    for _ in range(14):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate > ref:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"the {day}th")


def vague_day(phrase: str, ref: date, calendar: BusinessCalendar | None) -> date | None:
    """The day a vague phrase names, seen from the interview day `ref`; None if it is not one."""
    phrase = " ".join(phrase.split())
    if _FORTNIGHT.fullmatch(phrase):
        return ref + timedelta(days=14)
    if m := _MONTH_PART.fullmatch(phrase):
        first = _month(m.group("mon"), m.group("year"), ref)
        if m.group("part") == "end of":
            nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            return _working(nxt - timedelta(days=1), calendar, -1)
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
    month = MONTHS[name]
    if year:
        return date(int(year), month, 1)
    return date(ref.year + (month < ref.month), month, 1)


def _working(day: date, calendar: BusinessCalendar | None, step: int = 1) -> date:
    """`day`, or the nearest business day after it (`step` -1: before it) when it is not one."""
    for _ in range(MAX_OFFSET_DAYS):
        if calendar.is_business_day(day) if calendar else day.weekday() < 5:
            return day
        day += timedelta(days=step)
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
                return calendar.add_business_days(day, 1)
    return None
