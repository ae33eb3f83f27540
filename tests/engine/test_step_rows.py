"""engine.step_rows: step rows follow the plan, and nothing is written when they already match."""

from __future__ import annotations

from agent.core.model import StepName, StepState
from agent.engine.step_rows import plan_for, sync_rows
from agent.store import sequences
from tests.engine.conftest import Engine, at


def test_rows_match_the_plan_and_an_idle_sync_writes_nothing(engine: Engine) -> None:
    engine.world.add_interview(summary="Interview: Backend Engineer at Acme", start=at(14))
    run = engine.tick(at(9))
    assert any(a.kind == "found" for a in run.actions)
    (row,) = sequences.list_interviews(engine.store.conn)
    steps = {s.step: s for s in sequences.get_steps(engine.store.conn, row.interview.key)}
    assert steps[StepName.THANK_YOU].due == at(19)
    assert all(s.state == StepState.PLANNED for s in steps.values())
    before = engine.store.conn.total_changes
    ctx_plan = plan_for(_context(engine), row)
    sync_rows(_context(engine), row, ctx_plan, at(9, 5))
    assert engine.store.conn.total_changes == before


def _context(engine: Engine):
    """An offline context over the engine's store (step rows need no API call)."""
    from agent.cli.offline import offline_context

    return offline_context(engine.session.settings, engine.store, engine.session.templates)
