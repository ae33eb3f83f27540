"""How dates and times read in the agent's output: one function per format."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def moment(at: datetime, zone: ZoneInfo) -> str:
    """A moment in the user's zone, for logs, status and previews: 'Tue 2026-12-01 15:00'."""
    return f"{at.astimezone(zone):%a %Y-%m-%d %H:%M}"


def clock(at: datetime, zone: ZoneInfo) -> str:
    """The time of day in the user's zone: '15:00'."""
    return f"{at.astimezone(zone):%H:%M}"


def short_day(day: date) -> str:
    """A day in warnings and journal lines: 'Tue 2026-12-01'."""
    return f"{day:%a %Y-%m-%d}"


def day_name(day: date) -> str:
    """A day as emails and voicemails say it: 'Tuesday, December 1'."""
    return f"{day:%A}, {day:%B} {day.day}"


def day_heading(day: date) -> str:
    """A day as the agenda's headings show it, after 'Today, ': 'Tuesday December 1'."""
    return f"{day:%A} {day:%B} {day.day}"
