"""Each vague follow-up phrasing has one defined meaning (agent/core/date_phrases.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agent.core.business import BusinessCalendar
from agent.core.dates import parse_follow_up

NY = ZoneInfo("America/New_York")
US = BusinessCalendar(country="US")
END = datetime(2026, 11, 30, 15, tzinfo=NY)  # a Monday interview


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("early January", date(2027, 1, 5)),
        ("Early Jan.", date(2027, 1, 5)),
        ("mid-December", date(2026, 12, 15)),
        ("mid December", date(2026, 12, 15)),
        ("middle of December", date(2026, 12, 15)),
        ("late December", date(2026, 12, 28)),  # the 25th is Christmas, the 26th/27th a weekend
        ("in late January", date(2027, 1, 25)),
        ("beginning of February", date(2027, 2, 1)),
        ("start of January", date(2027, 1, 4)),  # New Year's Day, then a weekend
        ("end of December", date(2026, 12, 31)),
        ("end of the month", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("mid next month", date(2026, 12, 15)),
        ("first week of January", date(2027, 1, 4)),
        ("the second week of January", date(2027, 1, 11)),
        ("third week of December", date(2026, 12, 21)),
        ("in a fortnight", date(2026, 12, 14)),
        ("a fortnight", date(2026, 12, 14)),
        ("within a week", date(2026, 12, 7)),
        ("within 3 days", date(2026, 12, 3)),
        ("within two weeks", date(2026, 12, 14)),
        ("end of next week", date(2026, 12, 11)),
        ("end of the week", date(2026, 12, 4)),
        ("end of week", date(2026, 12, 4)),
        ("after the holidays", date(2027, 1, 4)),
        ("after New Year", date(2027, 1, 4)),
        ("after Christmas", date(2026, 12, 28)),
        ("after Thanksgiving", date(2027, 11, 26)),  # the next one after this interview
        ("right after Independence Day", date(2027, 7, 6)),
        ("mid-March 2027", date(2027, 3, 15)),
    ],
)
def test_phrase(text: str, day: date) -> None:
    found = parse_follow_up(text, END, NY, US)
    assert found is not None, text
    assert found.day == day, text


def test_a_phrase_keeps_its_time() -> None:
    found = parse_follow_up("early January at 2pm", END, NY, US)
    assert found is not None and (found.day, found.at) == (date(2027, 1, 5), time(14, 0))


@pytest.mark.parametrize(
    "text",
    ["after the holidays in spring", "after Groundhog Festival", "sometime soon", "mid-Smarch",
     "fifth week of January"],
)
def test_still_unreadable(text: str) -> None:
    assert parse_follow_up(text, END, NY, US) is None


def test_after_a_holiday_needs_the_calendar_but_the_holidays_do_not() -> None:
    assert parse_follow_up("after Thanksgiving", END, NY) is None
    found = parse_follow_up("after the holidays", END, NY)
    assert found is not None and found.day == date(2027, 1, 4)
