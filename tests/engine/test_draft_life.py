"""engine.draft_life: a due step becomes one draft; an intent is recovered, not redone."""

from __future__ import annotations

from agent.core.model import StepName, StepState
from agent.store import sequences
from tests.engine.conftest import Engine, at

CREATE = "gmail.users.drafts.create"


def _interview(engine: Engine) -> str:
    engine.world.add_interview(summary="Interview: Backend Engineer at Acme", start=at(14))
    engine.tick(at(9))
    (row,) = sequences.list_interviews(engine.store.conn)
    return row.interview.key


def _thank_you(engine: Engine, key: str) -> sequences.StepRow:
    rows = sequences.get_steps(engine.store.conn, key)
    return next(r for r in rows if r.step == StepName.THANK_YOU)


def test_the_due_thank_you_is_drafted_once(engine: Engine) -> None:
    key = _interview(engine)
    run = engine.tick(at(19, 5))
    assert [a.kind for a in run.actions].count("drafted") == 1
    assert engine.calls(CREATE) == 1
    assert _thank_you(engine, key).state == StepState.DRAFTED
    engine.world.sandbox.clear_log()
    assert not [a for a in engine.tick(at(19, 10)).actions if a.kind == "drafted"]
    assert engine.calls(CREATE) == 0
    assert len(engine.world.drafts()) == 1


def test_an_intent_whose_draft_exists_is_recovered_without_a_second_create(
    engine: Engine,
) -> None:
    key = _interview(engine)
    engine.tick(at(19, 5))
    drafted = _thank_you(engine, key)
    with engine.store.write():  # as if the run died after drafts.create, before storing the id
        sequences.update_step(
            engine.store.conn,
            drafted,
            at(19, 5),
            state=StepState.INTENT,
            draft_id=None,
            draft_message_id=None,
        )
    engine.world.sandbox.clear_log()
    engine.tick(at(19, 10))
    assert engine.calls(CREATE) == 0
    recovered = _thank_you(engine, key)
    assert recovered.state == StepState.DRAFTED
    assert recovered.draft_id == drafted.draft_id
    assert len(engine.world.drafts()) == 1
