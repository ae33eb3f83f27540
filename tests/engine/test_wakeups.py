"""An idle tick plans only what changed or came due (store/wakeups.py), and misses nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from agent.core.model import StepName
from agent.engine.tick import plan_inputs
from tests.e2e.world import NY
from tests.engine.conftest import Engine, at

WEDNESDAY = datetime(2026, 12, 2, 14, tzinfo=NY)


def three_interviews(engine: Engine) -> list[dict]:
    """Three interviews on Wednesday (nothing due before then), each with its own company."""
    return [
        engine.world.add_interview(
            summary=f"Interview with Company{i}",
            start=WEDNESDAY,
            interviewers=((f"Jane {i}", f"jane@company{i}.com"),),
        )
        for i in range(3)
    ]


def ident(engine: Engine, company: str) -> str:
    """The id `followup status` shows for one interview."""
    return engine.world.interview(company)["id"]


def test_an_idle_tick_plans_no_interview(engine: Engine) -> None:
    three_interviews(engine)
    assert engine.tick(at(9)).plans == 3
    for hour in (10, 12, 17):
        run = engine.tick(at(hour))
        assert run.plans == 0, hour
        assert run.next_due is not None  # the daemon still learns the earliest wake-up
    assert engine.tick(at(9, day=31)).plans == 0


def test_each_kind_of_change_makes_only_that_interview_plan_again(engine: Engine) -> None:
    events = three_interviews(engine)
    engine.tick(at(9))
    assert engine.tick(at(10)).plans == 0
    engine.world.cli("note", ident(engine, "Company1"), "fit", "they ship small changes")
    assert engine.tick(at(10, 5)).plans == 1
    assert engine.tick(at(10, 10)).plans == 0
    engine.world.cli("stop", ident(engine, "Company2"))
    engine.world.cli("resume", ident(engine, "Company2"))
    assert engine.tick(at(10, 15)).plans == 1
    engine.world.sandbox.move_event(
        "primary", events[0]["id"], WEDNESDAY + timedelta(hours=1), WEDNESDAY + timedelta(hours=2)
    )
    assert engine.tick(at(10, 20)).plans == 1
    assert engine.tick(at(10, 25)).plans == 0


def test_new_settings_or_zone_plan_every_interview_again(engine: Engine) -> None:
    settings = engine.session.settings
    days = settings.schedule.check_in_default_business_days
    later = replace(settings.schedule, check_in_default_business_days=days + 1)
    assert plan_inputs(settings, "America/New_York") == plan_inputs(settings, "America/New_York")
    assert plan_inputs(settings, "America/New_York") != plan_inputs(settings, "Europe/Paris")
    changed = replace(settings, schedule=later)
    assert plan_inputs(settings, "America/New_York") != plan_inputs(changed, "America/New_York")
    three_interviews(engine)
    engine.tick(at(9))
    engine.session = replace(engine.session, settings=changed)
    assert engine.tick(at(10)).plans == 3
    assert engine.tick(at(11)).plans == 0


def test_each_step_comes_due_at_its_wake_up_with_no_change_in_between(engine: Engine) -> None:
    engine.world.add_interview(summary="Interview with Acme", start=at(10))
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
    assert "ask" in kinds
    drafts = engine.world.drafts()
    assert [engine.world.step_of(d) for d in drafts] == [StepName.THANK_YOU.value]
