"""One settings value at a time: TOML value -> typed value, or InvalidValue saying what to write."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.core import holiday_package

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {name: i % 7 for i, name in enumerate((*WEEKDAYS, *_FULL_DAYS))}


class InvalidValue(ValueError):
    """A value is wrong: `problem` says what, `fix` what to write instead ({default}: the key's)."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def show(value: object) -> str:
    """A value as the user would write it in TOML, shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _what(value: object) -> str:
    """The TOML kind of a value, in words."""
    kinds = {bool: "true/false", int: "a whole number", float: "a number", str: "text",
             list: "a list", dict: "a table", datetime: "a date-time", date: "a date",
             time: "a time"}
    return kinds.get(type(value), type(value).__name__)


def _wrong(expected: str, value: object) -> InvalidValue:
    """A type mismatch."""
    return InvalidValue(f"expected {expected}, got {show(value)} ({_what(value)})")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _wrong("text in quotes", value)
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _wrong("true or false (no quotes)", value)
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong("a whole number (no quotes)", value)
    return value


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong("a number (no quotes)", value)
    if not math.isfinite(value):
        raise InvalidValue(f"{show(value)} is not a finite number")
    return float(value)


def _time_of_day(value: object) -> time:
    if isinstance(value, time) and value.tzinfo is None and not value.second | value.microsecond:
        return value
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    raise InvalidValue(f"{show(value)} is not a time of day", "use HH:MM, e.g. {default}")


def _text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong("a list of quoted texts", value)
    return tuple(value)


def _date_list(value: object) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise _wrong("a list of dates", value)
    days: set[date] = set()
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)
            continue
        try:
            if not isinstance(item, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                raise ValueError(item)
            days.add(date.fromisoformat(item))
        except ValueError:
            fix = "use YYYY-MM-DD, e.g. 2026-12-24"
            raise InvalidValue(f"{show(item)} is not a date", fix) from None
    return tuple(sorted(days))


def _weekdays(value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong("a list of weekday names", value)
    days: set[int] = set()
    for item in value:
        day = _WEEKDAY_NAMES.get(item.strip().lower())
        if day is None:
            import difflib  # only to suggest a fix

            close = difflib.get_close_matches(item.strip().lower(), list(_WEEKDAY_NAMES), n=1)
            hint = f'did you mean "{WEEKDAYS[_WEEKDAY_NAMES[close[0]]]}"? ' if close else ""
            raise InvalidValue(f"{show(item)} is not a weekday", f"{hint}use mon, tue, ... sun")
        days.add(day)
    if not days:
        raise InvalidValue("no working days", 'list at least one, e.g. ["mon", "tue"]')
    return tuple(sorted(days))


# a settings field's annotation, as written in settings.py -> its parser. The annotations are
# text there (`from __future__ import annotations`), so a load resolves no type hints.
KIND_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": _text, "bool": _bool, "int": _int, "float": _float, "time": _time_of_day,
    "tuple[str, ...]": _text_list, "tuple[date, ...]": _date_list, "tuple[int, ...]": _weekdays,
}


def _email(value: str) -> str:
    address = r"[^@\s\"<>(),;:\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
    if value and not re.fullmatch(address, value):
        raise InvalidValue(f"{show(value)} is not an email address", 'e.g. "you@example.com"')
    return value


def _zone(value: str) -> str:
    if value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(
                f"{show(value)} is not an IANA time zone",
                'e.g. "America/New_York", or "" for the calendar\'s zone',
            ) from None
    return value


def _country(value: str) -> str:
    if not value:
        return value
    known = holiday_package.country_codes()
    code = value if value in known else value.strip().upper()
    if code not in known:
        raise InvalidValue(
            f"{show(value)} is not a country the holidays package knows",
            'use an ISO code such as "US", "GB", "DE", or "" for no public holidays',
        )
    return code


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        problem = f"{show(value)} is not a valid regex: {exc}"
        fix = "fix the pattern; inside '...' quotes a backslash is literal"
        raise InvalidValue(problem, fix) from None
    return value


def _nonempty_regex(value: str) -> str:
    if not value:
        raise InvalidValue("empty pattern would match every event", "e.g. '\\binterview\\b'")
    return _regex(value)


def _calendars(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value or not all(v.strip() for v in value):
        raise InvalidValue(f"{show(list(value))} names no calendar", 'e.g. ["primary"]')
    return value


def _nonempty(value: str) -> str:
    if not value.strip():
        raise InvalidValue("must not be empty", 'e.g. "primary"')
    return value


def check_url(value: str) -> str:
    """An http(s) URL with a host, or empty (Google's own endpoints)."""
    if not value:
        return value
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        ok = False
    if not ok or any(ch.isspace() for ch in value):
        raise InvalidValue(
            f"{show(value)} is not an http(s) URL",
            'e.g. "http://127.0.0.1:8080", or "" for Google',
        )
    return value


def _at_least(low: float, high: float = math.inf, above: bool = False) -> Callable[[Any], Any]:
    def check(value: float) -> float:
        if value < low or value > high or (above and value == low):
            span = f"between {low:g} and {high:g}" if high < math.inf else f"at least {low:g}"
            span = f"more than {low:g}" if above else span
            raise InvalidValue(f"{show(value)} is out of range", f"use a number {span}")
        return value

    return check


_positive = _at_least(0, above=True)


KEY_CHECKS: dict[str, Callable[[Any], Any]] = {
    "user.email": _email,
    "user.timezone": _zone,
    "user.country": _country,
    "calendar.watched": _calendars,
    "calendar.interview_pattern": _nonempty_regex,
    "calendar.exclude_pattern": _regex,
    "schedule.ask_minutes_before_end": _at_least(0),
    "schedule.thank_you_min_minutes_after_end": _at_least(0),
    "schedule.check_in_default_business_days": _at_least(1),
    "schedule.reminder_business_days": _at_least(1),
    "schedule.closed_business_days": _at_least(1),
    "schedule.unsent_close_business_days": _at_least(1),
    "reminders.calendar": _nonempty,
    "reminders.popup_minutes": _at_least(0, 40320),
    "google.endpoint": check_url,
    "google.timeout_seconds": _positive,
    "google.max_retries": _at_least(0),
    "google.retry_base_seconds": _at_least(0),
    "google.unit_budget": _at_least(100, 6000),
    "daemon.interval_minutes": _positive,
    "daemon.misfire_grace_minutes": _positive,
}


def check_subdivision(country: str, value: str) -> str:
    """A region of `country` the holidays package knows, in its spelling (an alias: the code)."""
    if not value:
        return value
    if not country:
        raise InvalidValue("a subdivision needs user.country", 'set user.country, e.g. "US"')
    regions = holiday_package.subdivisions(country)
    spelled = regions.spelling(value)
    if spelled is None:
        names = regions.codes or regions.others
        sample = ", ".join(f'"{k}"' for k in names[:4])
        fix = f"use one of {sample} ..." if names else f'{country} has none; use ""'
        raise InvalidValue(f"{show(value)} is not a subdivision of {country}", fix)
    return spelled
