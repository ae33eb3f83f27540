"""engine.work: one unit of work per interview; one bad item never stops a pass."""

from __future__ import annotations

import sqlite3

import pytest

from agent.core.errors import GoogleUnavailable
from agent.core.model import InterviewStatus, StepName, StepState
from agent.engine.work import guarded, item_fault
from agent.store import sequences, set_aside
from tests.engine.harness import Engine, at
from tests.engine.memory import interview_event


def broken() -> None:
    raise KeyError("organizer")


def test_an_item_fault_is_set_aside_and_reported(engine: Engine) -> None:
    p = engine.offline(at(9))
    assert not guarded(p, "event", "primary/e1", "Interview \ud800 x", broken)
    [item] = set_aside.listed(engine.store.conn)
    assert (item.kind, item.item_id, item.title) == ("event", "primary/e1", "Interview x")
    assert item.reason == "could not be processed: KeyError: 'organizer'"
    assert [a.kind for a in p.actions] == ["set-aside"]
    assert guarded(p, "event", "primary/e2", "fine", lambda: None)


@pytest.mark.parametrize("error", [
    GoogleUnavailable("no network"),
    sqlite3.OperationalError("database or disk is full"),
    sqlite3.DatabaseError("database disk image is malformed"),
])
def test_a_failure_of_the_run_is_not_an_items(engine: Engine, error: Exception) -> None:
    def failing() -> None:
        raise error

    assert not item_fault(error)
    with pytest.raises(type(error)):
        guarded(engine.offline(at(9)), "message", "m1", "subject", failing)
    assert set_aside.listed(engine.store.conn) == []


def test_item_faults() -> None:
    assert item_fault(ValueError("bad date"))
    assert item_fault(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    assert item_fault(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not item_fault(KeyboardInterrupt())


def test_moving_a_step_writes_row_story_and_note_together_or_not_at_all(engine: Engine) -> None:
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(9))
    p = engine.offline(at(10))
    (key,) = sequences.keys_with_status(engine.store.conn, [InterviewStatus.ACTIVE])
    seq = p.sequence(key)
    assert seq is not None and p.sequence(key) is seq  # loaded once per pass
    row = seq.rows(StepName.THANK_YOU)[0]
    with pytest.raises(RuntimeError), p.write():
        seq.move(row, StepState.SKIPPED, "test", tell=("skipped", "thank_you: test"))
        raise RuntimeError("the disk filled up")
    assert sequences.get_steps(engine.store.conn, key)[1].state == StepState.PLANNED
    assert not any(e.kind == "skipped" for e in sequences.read_journal(engine.store.conn, key))
    assert p.actions == []
    seq = p.sequence(key)
    assert seq is not None
    seq.move(seq.rows(StepName.THANK_YOU)[0], StepState.SKIPPED, "test",
             tell=("skipped", "thank_you: test"))
    assert sequences.get_steps(engine.store.conn, key)[1].state == StepState.SKIPPED
    assert [a.kind for a in p.actions] == ["skipped"]


def test_an_idle_pass_reads_no_interview(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing new and nothing due: the pass costs the same with 1 or 100 interviews."""
    for hour in (14, 15, 16):
        engine.calendar.put(interview_event(f"Interview at Company{hour}", at(hour, day=32)))
    engine.tick(at(9))
    engine.tick(at(10))
    read: list[str] = []
    real = sequences.get_interview
    monkeypatch.setattr(sequences, "get_interview", lambda c, key: read.append(key) or real(c, key))
    p = engine.tick(at(10, 5))
    assert (read, p.plans, p.actions) == ([], 0, [])
