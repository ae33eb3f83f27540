"""Recurring events: expand RRULE/RDATE/EXDATE lines into instance start times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr

from agent.sandbox.wire import ApiError

MAX_INSTANCES = 1000


def _ical_lines(recurrence: Sequence[str]) -> list[str]:
    """Keep the lines dateutil understands (RRULE, EXRULE, RDATE, EXDATE)."""
    keep = ("RRULE", "EXRULE", "RDATE", "EXDATE")
    return [line.strip() for line in recurrence if line.strip().upper().startswith(keep)]


def _localize(value: datetime | date, zone: ZoneInfo, all_day: bool) -> datetime:
    """An rruleset item as an aware datetime in the event's zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    if all_day:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def build_set(recurrence: Sequence[str], dtstart: datetime, all_day: bool) -> rruleset:
    """The rruleset for an event; dtstart is aware (wall time in the event's zone)."""
    lines = _ical_lines(recurrence)
    if not lines:
        raise ApiError(400, "invalid", "Invalid recurrence rule.")
    # Floating (naive) dtstart for all-day series; aware otherwise so DST keeps wall time.
    start = dtstart.replace(tzinfo=None) if all_day else dtstart
    try:
        rules = rrulestr("\n".join(lines), dtstart=start, forceset=True, ignoretz=all_day)
    except (ValueError, TypeError) as exc:
        raise ApiError(400, "invalid", f"Invalid recurrence rule: {exc}") from exc
    assert isinstance(rules, rruleset)
    return rules


def starts(
    recurrence: Sequence[str],
    dtstart: datetime,
    zone: ZoneInfo,
    *,
    all_day: bool,
    window_start: datetime | None,
    window_end: datetime,
    duration: timedelta,
) -> list[datetime]:
    """Instance starts whose [start, start + duration) overlaps the window, oldest first."""
    rules = build_set(recurrence, dtstart.astimezone(zone), all_day)
    out: list[datetime] = []
    for raw in rules:
        if len(out) >= MAX_INSTANCES:
            break
        start = _localize(raw, zone, all_day)
        if start >= window_end:
            break
        if window_start is not None and start + duration <= window_start:
            continue
        out.append(start)
    return out


def instance_suffix(start: datetime, all_day: bool) -> str:
    """The instance id suffix: YYYYMMDDTHHMMSSZ (UTC), or YYYYMMDD for all-day."""
    if all_day:
        return start.strftime("%Y%m%d")
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_suffix(suffix: str, zone: ZoneInfo) -> tuple[datetime, bool] | None:
    """The original start named by an instance id suffix, and whether it is all-day."""
    try:
        if len(suffix) == 16 and suffix.endswith("Z"):
            return datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC), False
        if len(suffix) == 8 and suffix.isdigit():
            day = datetime.strptime(suffix, "%Y%m%d")
            return day.replace(tzinfo=zone), True
    except ValueError:
        return None
    return None
