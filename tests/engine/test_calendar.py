"""engine.calendar_sync: which events become interviews, and what is kept of the others."""

from __future__ import annotations

from agent.store import events, sequences
from tests.engine.harness import Engine, at
from tests.engine.memory import interview_event


def test_mock_interviews_and_unanswered_invitations_are_set_aside_with_a_reason(
    engine: Engine,
) -> None:
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.calendar.put(interview_event("Mock interview practice", at(16)))
    engine.calendar.put(interview_event(
        "Interview: SRE at Initech", at(10, day=31), response="needsAction",
        contacts=(("Bob", "bob@initech.example"),),
    ))
    engine.tick(at(9))
    titles = [r.interview.title for r in sequences.list_interviews(engine.store.conn)]
    assert titles == ["Interview: Backend Engineer at Acme"]
    reasons = {r.title: r.reason for r, _ in events.list_rejections(engine.store.conn)}
    assert set(reasons) == {"Mock interview practice", "Interview: SRE at Initech"}
    assert all(reasons.values())


def test_a_private_event_leaves_no_trace_in_state_db(engine: Engine) -> None:
    engine.calendar.put(interview_event(
        "Therapy - Dr. Smith", at(11), description="Talk about the divorce",
        contacts=(("Dr. Smith", "smith@clinic.example"),),
    ))
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(9))
    dump = "\n".join(engine.store.conn.iterdump())
    assert "Therapy" not in dump and "divorce" not in dump and "smith@clinic" not in dump
    assert "Backend Engineer" in dump


def test_a_cancelled_interview_stops_its_sequence(engine: Engine) -> None:
    event = engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(9))
    engine.calendar.cancel(event)
    run = engine.tick(at(10))
    assert [a.kind for a in run.actions] == ["cancelled"]
    (row,) = sequences.list_interviews(engine.store.conn)
    assert row.status.value == "cancelled"
