"""Checking config.toml: parsed TOML -> validated Settings, or one line saying what to write.

The place ([user] country and subdivision) is checked in full against the holidays package by
`region_of`, at the first holiday lookup (core/business.py) and by `checked_place`.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from agent.core.errors import SettingsError
from agent.core.settings import KEYS, SECTIONS, WEEKDAYS, Paths, Settings, toml_literal
from agent.core.text import escaped

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {name: i % 7 for i, name in enumerate((*WEEKDAYS, *_FULL_DAYS))}
NO_COUNTRY = "is not a country the holidays package knows"
COUNTRY_FIX = 'use an ISO code such as "US", "GB", "DE", or "" for no public holidays'


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
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _wrong(expected: str, value: object) -> InvalidValue:
    """A type mismatch, naming the TOML kind of the value found."""
    kinds = {bool: "true/false", int: "a whole number", float: "a number", str: "text",
             list: "a list", dict: "a table", datetime: "a date-time", date: "a date",
             time: "a time"}
    what = kinds.get(type(value), type(value).__name__)
    return InvalidValue(f"expected {expected}, got {show(value)} ({what})")


def _suggest(name: str, known: list[str], shown: str = "{}") -> str:
    """'did you mean ...?' for a close name, else the known names."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"did you mean {shown.format(close[0])}?" if close else f"known: {', '.join(known)}"


def _exactly(kind: type, expected: str) -> Callable[[Any], Any]:
    """A parser taking TOML values of exactly that kind as they are (true is not a number)."""

    def parse(value: object) -> object:
        if type(value) is not kind:
            raise _wrong(expected, value)
        return value

    return parse


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
        if isinstance(item, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
            with contextlib.suppress(ValueError):
                item = date.fromisoformat(item)
        if not isinstance(item, date) or isinstance(item, datetime):
            raise InvalidValue(f"{show(item)} is not a date", "use YYYY-MM-DD, e.g. 2026-12-24")
        days.add(item)
    return tuple(sorted(days))


def _weekdays(value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong("a list of weekday names", value)
    days: set[int] = set()
    for item in value:
        day = _WEEKDAY_NAMES.get(item.strip().lower())
        if day is None:
            close = difflib.get_close_matches(item.strip().lower(), list(_WEEKDAY_NAMES), n=1)
            hint = f'did you mean "{WEEKDAYS[_WEEKDAY_NAMES[close[0]]]}"? ' if close else ""
            raise InvalidValue(f"{show(item)} is not a weekday", f"{hint}use mon, tue, ... sun")
        days.add(day)
    if not days:
        raise InvalidValue("no working days", 'list at least one, e.g. ["mon", "tue"]')
    return tuple(sorted(days))


# a settings field's annotation, as written in core/settings.py -> its parser
KIND_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": _exactly(str, "text in quotes"),
    "bool": _exactly(bool, "true or false (no quotes)"),
    "int": _exactly(int, "a whole number (no quotes)"),
    "float": _float, "time": _time_of_day,
    "tuple[str, ...]": _text_list, "tuple[date, ...]": _date_list, "tuple[int, ...]": _weekdays,
}


def _must(ok: Callable[[Any], object], problem: str, fix: str) -> Callable[[Any], Any]:
    """A check passing the value on when `ok(value)`, else InvalidValue ({} in `problem`: it)."""

    def check(value: Any) -> Any:
        if not ok(value):
            raise InvalidValue(problem.format(show(value)), fix)
        return value

    return check


def _zone(value: str) -> str:
    if value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            fix = 'e.g. "America/New_York", or "" for the calendar\'s zone'
            raise InvalidValue(f"{show(value)} is not an IANA time zone", fix) from None
    return value


def _country(value: str) -> str:
    """Cheap: a name of country-code shape the holidays package has (its per-country entity)."""
    code = value.strip().upper()
    if value and not (re.fullmatch("[A-Z]{2,3}", code) and hasattr(holidays, code)):
        raise InvalidValue(f"{show(value)} {NO_COUNTRY}", COUNTRY_FIX)
    return code


def _region(value: str) -> str:
    """Cheap: a region's shape (letters, digits, spaces, ' - . ,); the package checks the name."""
    value = value.strip()
    shape = all(ch.isalnum() or ch in " '-.," or unicodedata.combining(ch) for ch in value)
    if not shape or len(value) > 60:
        raise InvalidValue(f"{show(value)} is not a region name", 'e.g. "CA", or "" for none')
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        problem = f"{show(value)} is not a valid regex: {exc}"
        fix = "fix the pattern; inside '...' quotes a backslash is literal"
        raise InvalidValue(problem, fix) from None
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
        fix = 'e.g. "http://127.0.0.1:8080", or "" for Google'
        raise InvalidValue(f"{show(value)} is not an http(s) URL", fix)
    return value


def _at_least(low: float, high: float = math.inf) -> Callable[[Any], Any]:
    """A number from `low` to `high`."""
    span = f"between {low:g} and {high:g}" if high < math.inf else f"at least {low:g}"
    return _must(lambda v: low <= v <= high, "{} is out of range", f"use a number {span}")


_positive = _must(lambda v: v > 0, "{} is out of range", "use a number more than 0")
_nonempty_pattern = _must(bool, "empty pattern would match every event", "e.g. '\\binterview\\b'")
_EMAIL = r"[^@\s\"<>(),;:\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"

KEY_CHECKS: dict[str, Callable[[Any], Any]] = {
    "user.email": _must(lambda v: not v or re.fullmatch(_EMAIL, v), "{} is not an email address",
                        'e.g. "you@example.com"'),
    "user.timezone": _zone,
    "user.country": _country,
    "user.subdivision": _region,
    "calendar.watched": _must(lambda v: v and all(c.strip() for c in v), "{} names no calendar",
                              'e.g. ["primary"]'),
    "calendar.interview_pattern": lambda v: _regex(_nonempty_pattern(v)),
    "calendar.exclude_pattern": _regex,
    "schedule.ask_minutes_before_end": _at_least(0),
    "schedule.thank_you_min_minutes_after_end": _at_least(0),
    "schedule.check_in_default_business_days": _at_least(1),
    "schedule.reminder_business_days": _at_least(1),
    "schedule.closed_business_days": _at_least(1),
    "schedule.unsent_close_business_days": _at_least(1),
    "reminders.calendar": _must(str.strip, "must not be empty", 'e.g. "primary"'),
    "reminders.popup_minutes": _at_least(0, 40320),
    "google.endpoint": check_url,
    "google.timeout_seconds": _positive,
    "google.max_retries": _at_least(0),
    "google.retry_base_seconds": _at_least(0),
    "google.unit_budget": _at_least(100, 6000),
    "daemon.interval_minutes": _positive,
    "daemon.misfire_grace_minutes": _positive,
}


def region_of(country: str, subdivision: str, source: str) -> str:
    """The subdivision as the holidays package spells it; SettingsError naming `source` if none."""
    try:  # instantiating a country imports its module: the costly part
        entity = holidays.country_holidays(country)
    except (NotImplementedError, TypeError):  # holidays' answer to an unknown country code
        entity = None
    if not getattr(entity, "country", ""):  # a market has none
        raise _fail(source, "user.country", f"{show(country)} {NO_COUNTRY}", COUNTRY_FIX)
    if not subdivision:
        return ""
    aliases = entity.subdivisions_aliases
    parents = entity.parent_entity.subdivisions if entity.parent_entity else ()
    names = (*entity.subdivisions, *aliases, *parents)
    wanted = subdivision.upper()
    same = [n for n in names if n == subdivision] or [n for n in names if n.upper() == wanted]
    if same:
        return aliases.get(same[0], same[0])
    # an older name the package takes as written; it raises NotImplementedError for an unknown one
    with contextlib.suppress(NotImplementedError):
        if holidays.country_holidays(country, subdiv=subdivision).subdiv == subdivision:
            return subdivision
    sample = ", ".join(f'"{k}"' for k in (entity.subdivisions or parents)[:4])
    fix = f"use one of {sample} ..." if sample else f'{country} has none; use ""'
    problem = f"{show(subdivision)} is not a subdivision of {country}"
    raise _fail(source, "user.subdivision", problem, fix)


def checked_place(settings: Settings) -> Settings:
    """The settings with their place checked by the holidays package and spelled as it does."""
    user = settings.user
    if not user.country:
        return settings
    region = region_of(user.country, user.subdivision, str(settings.paths.config_file))
    return replace(settings, user=replace(user, subdivision=region))


def _fail(source: str, key: str, problem: str, fix: str = "") -> SettingsError:
    """The one-line error: where, which key, what is wrong, what to do."""
    return SettingsError(escaped(f"{source}: {key}: {problem}" + (f" ({fix})" if fix else "")))


def _home(leaf: str) -> str:
    """The table a key of that name belongs in, or ''."""
    return next((k.split(".")[0] for k in KEYS if k.endswith(f".{leaf}")), "")


def _check_tables(raw: Mapping[str, Any], source: str) -> None:
    """Unknown tables, keys outside tables, and tables that are not tables."""
    for name, value in raw.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                raise _fail(source, name, f"expected a table, got {show(value)}",
                            f"write [{name}] on its own line with the keys below it")
        elif isinstance(value, dict):
            raise _fail(source, name, "unknown table", _suggest(name, list(SECTIONS), "[{}]"))
        elif home := _home(name):
            raise _fail(source, name, "key outside any table", f"put it under [{home}]")
        else:
            raise _fail(source, name, "unknown key outside any table", _suggest(name, list(KEYS)))


def _build_section(name: str, table: Mapping[str, Any], source: str) -> Any:
    """One table -> its settings dataclass, every value parsed and checked."""
    values: dict[str, Any] = {}
    for leaf, value in table.items():
        key = f"{name}.{leaf}"
        if key not in KEYS:
            home = _home(leaf)
            fix = f"it belongs under [{home}]" if home else _suggest(
                key, [k for k in KEYS if k.startswith(f"{name}.")]
            )
            raise _fail(source, key, "unknown key", fix)
        try:
            parsed = KIND_PARSERS[str(KEYS[key].type)](value)
            values[leaf] = KEY_CHECKS.get(key, lambda v: v)(parsed)
        except InvalidValue as exc:
            default = toml_literal(key, KEYS[key].default)
            fix = exc.fix.replace("{default}", default) or f"e.g. {leaf} = {default}"
            raise _fail(source, key, exc.problem, fix) from None
    section = SECTIONS[name](**values)
    if name == "user" and section.subdivision and not section.country:
        raise _fail(source, "user.subdivision", "a subdivision needs user.country",
                    'set user.country, e.g. "US"')
    return section


def settings_from_toml(
    raw: Mapping[str, Any], paths: Paths, *, endpoint: str = "", endpoint_from: str = ""
) -> Settings:
    """Parsed TOML -> Settings (`endpoint`, from a variable, over the file's); SettingsError."""
    source = str(paths.config_file)
    _check_tables(raw, source)
    sections = {name: _build_section(name, raw.get(name, {}), source) for name in SECTIONS}
    if endpoint:
        try:
            check_url(endpoint)
        except InvalidValue as exc:
            fix = exc.fix.replace('or "" for Google', f"or unset {endpoint_from}")
            raise _fail(f"environment {endpoint_from}", "google.endpoint", exc.problem,
                        fix) from None
        sections["google"] = replace(sections["google"], endpoint=endpoint)
    return Settings(paths=paths, **sections)

