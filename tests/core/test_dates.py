"""Reading the follow-up date an interviewer named, the vague phrasings each with one meaning."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agent.core.business import BusinessCalendar
from agent.core.dates import FollowUp, parse_follow_up

NY = ZoneInfo("America/New_York")
MONDAY_END = datetime(2026, 11, 30, 11, 0, tzinfo=NY)  # interview ends Monday 2026-11-30
US = BusinessCalendar(country="US")
END = datetime(2026, 11, 30, 15, tzinfo=NY)  # a Monday interview


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        # ISO dates and datetimes
        ("2026-12-03", date(2026, 12, 3), None),
        ("2026-12-03 14:00", date(2026, 12, 3), time(14, 0)),
        ("2026-12-03T14:00", date(2026, 12, 3), time(14, 0)),
        ("2026-12-03T14:00:30", date(2026, 12, 3), time(14, 0)),
        ("2026-12-03T19:00Z", date(2026, 12, 3), time(14, 0)),
        ("2026-12-03T20:00+01:00", date(2026, 12, 3), time(14, 0)),
        ("2026/12/03", date(2026, 12, 3), None),
        # weekdays: the first such day strictly after the interview day
        ("Thursday", date(2026, 12, 3), None),
        ("thu", date(2026, 12, 3), None),
        ("Thurs.", date(2026, 12, 3), None),
        ("this Thursday", date(2026, 12, 3), None),
        ("next Thursday", date(2026, 12, 3), None),
        ("on Thursday", date(2026, 12, 3), None),
        ("by Friday", date(2026, 12, 4), None),
        ("Monday", date(2026, 12, 7), None),
        ("next Monday", date(2026, 12, 7), None),
        ("Thursday next week", date(2026, 12, 10), None),
        ("next week Thursday", date(2026, 12, 10), None),
        ("Sunday", date(2026, 12, 6), None),
        # relative days
        ("tomorrow", date(2026, 12, 1), None),
        ("Tomorrow.", date(2026, 12, 1), None),
        ("today", date(2026, 11, 30), None),
        ("day after tomorrow", date(2026, 12, 2), None),
        ("in 3 days", date(2026, 12, 3), None),
        ("in three days", date(2026, 12, 3), None),
        ("in a week", date(2026, 12, 7), None),
        ("in 2 weeks", date(2026, 12, 14), None),
        ("in 2 business days", date(2026, 12, 2), None),
        ("next week", date(2026, 12, 7), None),
        ("end of the week", date(2026, 12, 4), None),
        ("end of next week", date(2026, 12, 11), None),
        # month and day
        ("Dec 3", date(2026, 12, 3), None),
        ("Dec. 3", date(2026, 12, 3), None),
        ("December 3rd", date(2026, 12, 3), None),
        ("3 December", date(2026, 12, 3), None),
        ("3rd of December", date(2026, 12, 3), None),
        ("December 3, 2027", date(2027, 12, 3), None),
        ("12/3", date(2026, 12, 3), None),
        ("12/03/2026", date(2026, 12, 3), None),
        ("12/3/27", date(2027, 12, 3), None),
        ("the 15th", date(2026, 12, 15), None),
        ("Thu, Dec 3", date(2026, 12, 3), None),
        ("Thursday 2026-12-03", date(2026, 12, 3), None),
        # with a time of day
        ("Thursday at 2pm", date(2026, 12, 3), time(14, 0)),
        ("Thursday 2:30 pm", date(2026, 12, 3), time(14, 30)),
        ("Thursday 2:30 P.M.", date(2026, 12, 3), time(14, 30)),
        ("thu 14:00", date(2026, 12, 3), time(14, 0)),
        ("Thursday at noon", date(2026, 12, 3), time(12, 0)),
        ("tomorrow at 9am", date(2026, 12, 1), time(9, 0)),
        ("tomorrow at 12am", date(2026, 12, 1), time(0, 0)),
        ("tomorrow at 12pm", date(2026, 12, 1), time(12, 0)),
        ("at 2 on Friday", date(2026, 12, 4), time(14, 0)),
        ("Friday at 9", date(2026, 12, 4), time(9, 0)),
        ("Dec 3 at 4:15pm", date(2026, 12, 3), time(16, 15)),
        ("3 Dec 14h30", date(2026, 12, 3), time(14, 30)),
        ("Thursday afternoon", date(2026, 12, 3), time(14, 0)),
        ("Thursday morning", date(2026, 12, 3), None),
        ("Thursday mid-morning", date(2026, 12, 3), None),
    ],
)
def test_forms(text: str, day: date, at: time | None) -> None:
    assert parse_follow_up(text, MONDAY_END, NY) == FollowUp(day, at)


@pytest.mark.parametrize(
    ("interview_end", "text", "day"),
    [
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "Jan 2", date(2027, 1, 2)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "1/2", date(2027, 1, 2)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "2 January", date(2027, 1, 2)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "Dec 31", date(2026, 12, 31)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "Monday", date(2027, 1, 4)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "next week", date(2027, 1, 4)),
        (datetime(2026, 12, 30, 15, 0, tzinfo=NY), "the 2nd", date(2027, 1, 2)),
        # a date just before the interview is kept (the caller reports it), not pushed a year
        (datetime(2026, 12, 3, 15, 0, tzinfo=NY), "Dec 2", date(2026, 12, 2)),
        (datetime(2027, 1, 5, 15, 0, tzinfo=NY), "Dec 30", date(2026, 12, 30)),
        # a date well before it is next year's
        (datetime(2026, 12, 3, 15, 0, tzinfo=NY), "Nov 1", date(2027, 11, 1)),
        # Friday interview: "Monday" is three days on
        (datetime(2026, 10, 30, 11, 0, tzinfo=NY), "Monday", date(2026, 11, 2)),
        (datetime(2026, 10, 30, 11, 0, tzinfo=NY), "Friday", date(2026, 11, 6)),
        (datetime(2026, 10, 30, 11, 0, tzinfo=NY), "in 2 business days", date(2026, 11, 3)),
        # leap day
        (datetime(2028, 2, 20, 11, 0, tzinfo=NY), "Feb 29", date(2028, 2, 29)),
    ],
)
def test_relative_to_the_interview(interview_end: datetime, text: str, day: date) -> None:
    result = parse_follow_up(text, interview_end, NY)
    assert result is not None
    assert result.day == day


def test_interview_day_is_taken_in_the_users_zone() -> None:
    # 02:00 UTC on Tuesday is still Monday evening in New York
    end = datetime(2026, 12, 1, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert parse_follow_up("tomorrow", end, NY) == FollowUp(date(2026, 12, 1))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "blah",
        "soon",
        "2pm",
        "Wed, Dec 3",  # Dec 3 2026 is a Thursday
        "Feb 30",
        "13/45",
        "2026-13-45",
        "25:00 tomorrow",
        "tomorrow at 13pm",
        "Thursday 2pm 3pm",
        "in 0 days",
        "in -3 days",
        "in 99999999999 days",
        "in 3 fortnights",
        "in 2 business days or so",
        "\x00\x01\x02",
        "\u202eyadsruht",
        "Thursday" * 40,
        "A" * 100_000,
        "<script>alert(1)</script>",
        "Dec 3; DROP TABLE interviews",
        "🙂 Thursday 🙂",
        "9999-12-31T23:59-14:00",
        "12/31/99999",
        "((((((((((",
        "at at at at",
        "next next Thursday",
        "Follow-up: Thursday",
        "١٢/٣٤",
    ],
)
def test_unreadable_text_returns_none_and_never_raises(text: str) -> None:
    assert parse_follow_up(text, MONDAY_END, NY) is None


def test_never_raises_near_the_end_of_time() -> None:
    end = datetime(9999, 12, 30, 12, 0, tzinfo=NY)
    for text in ("Jan 2", "next week", "in 5 days", "Monday", "the 2nd", "12/31"):
        result = parse_follow_up(text, end, NY)
        assert result is None or result.day.year == 9999


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
