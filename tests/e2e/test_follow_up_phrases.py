"""Follow-up dates as interviewers say them, through `followup note` and event descriptions."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.helpers import at
from tests.e2e.world import NY, World

END = datetime(2026, 11, 30, 15, tzinfo=NY)  # the interview ends on a Monday
PHRASES = [
    ("early January", datetime(2027, 1, 5, 10, tzinfo=NY)),
    ("mid-December", datetime(2026, 12, 15, 10, tzinfo=NY)),
    ("late December", datetime(2026, 12, 28, 10, tzinfo=NY)),
    ("in a fortnight", datetime(2026, 12, 14, 10, tzinfo=NY)),
    ("after the holidays", datetime(2027, 1, 4, 10, tzinfo=NY)),
    ("first week of January", datetime(2027, 1, 4, 10, tzinfo=NY)),
    ("second week of January", datetime(2027, 1, 11, 10, tzinfo=NY)),
    ("within a week", datetime(2026, 12, 7, 10, tzinfo=NY)),
    ("end of next week", datetime(2026, 12, 11, 10, tzinfo=NY)),
    ("end of the month", None),  # Nov 30 is the interview day itself: the default is kept
    ("end of next month", datetime(2026, 12, 31, 10, tzinfo=NY)),
    ("after Christmas", datetime(2026, 12, 28, 10, tzinfo=NY)),
    ("after Thanksgiving", datetime(2027, 11, 26, 10, tzinfo=NY)),
    ("early January at 2pm", datetime(2027, 1, 5, 14, tzinfo=NY)),
]
DEFAULT = datetime(2026, 12, 1, 16, 30, tzinfo=NY)


def check_in_due(world: World) -> str:
    """The check-in's planned time from `status --json`."""
    item = world.interview("Acme")
    return next(s["due"] for s in item["steps"] if s["step"] == "check_in")


def test_each_phrase_names_its_day_through_followup_note(world: World) -> None:
    assert at(30, 15) == END
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14))
    world.tick(at(30, 9))
    ident = world.interview("Acme")["id"]
    for phrase, due in PHRASES:
        world.cli("note", ident, "follow-up", phrase)
        assert check_in_due(world) == (due or DEFAULT).isoformat(), phrase


def test_an_unreadable_phrase_is_refused_and_changes_nothing(world: World) -> None:
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14))
    world.tick(at(30, 9))
    ident = world.interview("Acme")["id"]
    world.cli("note", ident, "follow-up", "mid-December")
    before = world.status_json()
    result = world.cli("note", ident, "follow-up", "once the merger closes", expect=3)
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    assert "'once the merger closes'" in message and "nothing was changed" in message
    assert "early January" in message and "after Thanksgiving" in message
    assert world.status_json() == before


def test_an_unreadable_description_date_is_told_once_and_shown_with_its_default(
    world: World,
) -> None:
    world.add_interview(
        summary="Interview with Acme - Backend Engineer", start=at(30, 14),
        description="Follow-up: once the merger closes",
    )
    first = world.tick(at(30, 9)).output
    told = [x for x in first.splitlines() if x.startswith("warning:")]
    assert len(told) == 1, first
    assert '"once the merger closes"' in told[0] and "next business day" in told[0]
    assert "warning:" not in world.tick(at(30, 10)).output, "said once"
    assert check_in_due(world) == DEFAULT.isoformat()
    record = world.interview("Acme")
    assert any("once the merger closes" in w for w in record["warnings"])
    status = world.cli("status").output
    assert 'warning:  could not read follow-up date "once the merger closes"' in status
