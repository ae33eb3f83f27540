"""engine.calendar_sync: which events become interviews, and why the others do not."""

from __future__ import annotations

from agent.store import calendar_side, sequences
from tests.engine.conftest import Engine, at


def test_mock_interviews_and_unanswered_invitations_are_set_aside_with_a_reason(
    engine: Engine,
) -> None:
    engine.world.add_interview(summary="Interview: Backend Engineer at Acme", start=at(14))
    engine.world.add_interview(summary="Mock interview practice", start=at(16))
    engine.world.add_interview(
        summary="Interview: SRE at Initech",
        start=at(10, day=31),
        interviewers=(("Bob", "bob@initech.example"),),
        response="needsAction",
    )
    engine.tick(at(9))
    titles = [r.interview.title for r in sequences.list_interviews(engine.store.conn)]
    assert titles == ["Interview: Backend Engineer at Acme"]
    reasons = {r.title: r.reason for r, _ in calendar_side.list_rejections(engine.store.conn)}
    assert set(reasons) == {"Mock interview practice", "Interview: SRE at Initech"}
    assert all(reasons.values())


def test_a_second_pass_with_nothing_new_makes_one_calendar_request(engine: Engine) -> None:
    engine.world.add_interview(summary="Interview: Backend Engineer at Acme", start=at(14))
    engine.tick(at(9))
    engine.world.sandbox.clear_log()
    engine.tick(at(9, 5))
    assert engine.calls("calendar.events.list") == 1
