"""engine.sequence: rows follow the plan; an idle pass plans only what changed or came due."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from agent.cli.note import replan
from agent.core.model import InterviewStatus, StepName, StepState
from agent.engine import sequence
from agent.engine.work import plan_inputs
from agent.store import sequences
from tests.engine.harness import NY, Engine, at
from tests.engine.memory import interview_event

WEDNESDAY = datetime(2026, 12, 2, 14, tzinfo=NY)


def three_interviews(engine: Engine) -> list[str]:
    """Three interviews on Wednesday (nothing due before then), each with its own company."""
    for i in range(3):
        engine.calendar.put(interview_event(
            f"Interview with Company{i}", WEDNESDAY, event_id=f"e{i}",
            contacts=((f"Jane {i}", f"jane@company{i}.com"),),
        ))
    return [f"primary/e{i}" for i in range(3)]


def test_rows_match_the_plan_and_an_idle_sync_writes_nothing(engine: Engine) -> None:
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    run = engine.tick(at(9))
    assert any(a.kind == "found" for a in run.actions)
    (row,) = sequences.list_interviews(engine.store.conn)
    steps = {s.step: s for s in sequences.get_steps(engine.store.conn, row.interview.key)}
    assert steps[StepName.THANK_YOU].due == at(19)
    assert all(s.state == StepState.PLANNED for s in steps.values())
    before = engine.store.conn.total_changes
    seq = engine.offline(at(9, 5)).sequence(row.interview.key)
    assert seq is not None
    sequence.sync_rows(seq)
    assert engine.store.conn.total_changes == before


def test_an_idle_pass_plans_no_interview(engine: Engine) -> None:
    three_interviews(engine)
    assert engine.tick(at(9)).plans == 3
    for hour in (10, 12, 17):
        run = engine.tick(at(hour))
        assert run.plans == 0, hour
        assert run.next_due is not None  # the daemon still learns the earliest wake-up
    assert engine.tick(at(9, day=31)).plans == 0


def test_each_kind_of_change_makes_only_that_interview_plan_again(engine: Engine) -> None:
    keys = three_interviews(engine)
    engine.tick(at(9))
    assert engine.tick(at(10)).plans == 0
    with engine.store.write():
        sequences.set_note(engine.store.conn, keys[1], "fit", "they ship small changes")
    replan(engine.offline(at(10, 1)), keys[1])
    assert engine.tick(at(10, 5)).plans == 1
    assert engine.tick(at(10, 10)).plans == 0
    p = engine.offline(at(10, 11))
    seq = p.sequence(keys[2])
    assert seq is not None
    sequence.stop(seq, InterviewStatus.STOPPED, "stopped by you", remove_drafts=True)
    sequence.resume(seq)
    assert engine.tick(at(10, 15)).plans == 1
    engine.calendar.put(interview_event(
        "Interview with Company0", WEDNESDAY + timedelta(hours=1), event_id="e0",
        contacts=(("Jane 0", "jane@company0.com"),),
    ))
    assert engine.tick(at(10, 20)).plans == 1
    assert engine.tick(at(10, 25)).plans == 0


def test_new_settings_or_zone_plan_every_interview_again(engine: Engine) -> None:
    settings = engine.session.settings
    days = settings.schedule.check_in_default_business_days
    changed = replace(settings, schedule=replace(
        settings.schedule, check_in_default_business_days=days + 1
    ))
    assert plan_inputs(settings, "America/New_York") == plan_inputs(settings, "America/New_York")
    assert plan_inputs(settings, "America/New_York") != plan_inputs(settings, "Europe/Paris")
    assert plan_inputs(settings, "America/New_York") != plan_inputs(changed, "America/New_York")
    three_interviews(engine)
    engine.tick(at(9))
    engine.session = replace(engine.session, settings=changed)
    assert engine.tick(at(10)).plans == 3
    assert engine.tick(at(11)).plans == 0


def test_each_step_comes_due_at_its_wake_up_with_no_change_in_between(engine: Engine) -> None:
    engine.calendar.put(interview_event("Interview with Acme", at(10)))
    run = engine.tick(at(9))
    kinds: list[str] = []
    for _ in range(2):  # the ask cue before the interview ends, then the thank-you
        due = run.next_due
        assert due is not None
        quiet = engine.tick(due - timedelta(minutes=1))
        assert quiet.plans == 0 and not quiet.actions
        run = engine.tick(due)
        assert run.plans == 1 and run.actions
        kinds += [a.kind for a in run.actions]
        after = engine.tick(due + timedelta(minutes=1))  # plans once more, then sleeps
        assert after.plans == 1 and not after.actions
        run = after
    assert "ask" in kinds and "drafted" in kinds
    assert len(engine.mailbox.drafts) == 1
