"""engine.drafts: one draft per step and person, whatever interrupts its making."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.core.errors import OutcomeUnknown
from agent.core.model import StepName, StepState
from agent.core.ports import Draft
from agent.store import sequences
from tests.engine.harness import Engine, at
from tests.engine.memory import MemoryMailbox, interview_event, reply


def interview(engine: Engine) -> str:
    """An interview today at 14:00 with Jane at Acme, found by a pass at 9:00."""
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(9))
    (row,) = sequences.list_interviews(engine.store.conn)
    return row.interview.key


def thank_you(engine: Engine, key: str) -> sequences.StepRow:
    """The thank-you row as state.db has it."""
    return next(r for r in sequences.get_steps(engine.store.conn, key)
                if r.step == StepName.THANK_YOU)


def test_the_due_thank_you_is_drafted_once(engine: Engine) -> None:
    key = interview(engine)
    run = engine.tick(at(19, 5))
    assert [a.kind for a in run.actions].count("drafted") == 1
    assert thank_you(engine, key).state == StepState.DRAFTED
    assert not [a for a in engine.tick(at(19, 10)).actions if a.kind == "drafted"]
    assert engine.mailbox.calls["create_draft"] == 1 and len(engine.mailbox.drafts) == 1


def test_an_intent_whose_draft_exists_is_taken_over_not_made_again(engine: Engine) -> None:
    key = interview(engine)
    engine.tick(at(19, 5))
    made = thank_you(engine, key)
    with engine.store.write():  # as if the pass died after drafts.create, before the id
        intent = replace(made, state=StepState.INTENT, draft_id=None, draft_message_id=None)
        sequences.put_step(engine.store.conn, intent)
    engine.tick(at(19, 10))
    assert engine.mailbox.calls["create_draft"] == 1
    assert thank_you(engine, key).draft_id == made.draft_id
    assert len(engine.mailbox.drafts) == 1


class LosesTheAnswer(MemoryMailbox):
    """A mailbox whose next create is done but whose answer never arrives."""

    def create_draft(self, raw: bytes, thread_id: str | None) -> Draft:
        """Make the draft, then lose the answer."""
        super().create_draft(raw, thread_id)
        raise OutcomeUnknown("no answer after sending")


def test_a_create_whose_answer_is_lost_is_found_in_the_same_pass(engine: Engine) -> None:
    lossy = LosesTheAnswer(now=at(9))
    engine = replace(engine, mailbox=lossy, session=replace(engine.session, mailbox=lossy))
    key = interview(engine)
    run = engine.tick(at(19, 5))
    assert "drafted" in [a.kind for a in run.actions]
    assert thank_you(engine, key).state == StepState.DRAFTED
    assert len(lossy.drafts) == 1


def test_a_state_db_lost_adopts_the_drafts_gmail_holds(engine: Engine) -> None:
    interview(engine)
    engine.tick(at(19, 5))
    engine.store.conn.execute("DELETE FROM interviews")
    engine.store.conn.execute("DELETE FROM kv WHERE key LIKE 'calendar%'")
    run = engine.tick(at(19, 30))
    assert "drafted" in [a.kind for a in run.actions]  # adopted: "found after an interrupted run"
    assert engine.mailbox.calls["create_draft"] == 1
    assert len(engine.mailbox.drafts) == 1


def test_looking_for_our_drafts_reads_only_drafts_to_the_contacts(engine: Engine) -> None:
    for i in range(300):  # the candidate's own drafts to other people
        engine.mailbox.create_draft(reply(f"x{i}@else.org", f"draft {i}").as_bytes(), None)
    before = engine.mailbox.calls["draft"]
    interview(engine)
    engine.tick(at(19, 5))
    assert engine.mailbox.calls["draft"] - before <= 2
    assert len(engine.mailbox.drafts) == 301


@pytest.mark.parametrize("drop_key", [False, True])
def test_a_draft_edited_under_a_new_id_is_taken_over(engine: Engine, drop_key: bool) -> None:
    key = interview(engine)
    engine.tick(at(19, 5))
    old = thank_you(engine, key).draft_id or ""
    new = engine.mailbox.edit_draft(old, new_id=True, drop_key=drop_key)
    run = engine.tick(at(20))
    row = thank_you(engine, key)
    assert (row.state, row.draft_id) == (StepState.DRAFTED, new)
    assert "dismissed" not in [a.kind for a in run.actions]
    engine.tick(at(16, 35, day=31))  # the check-in waits for the thank-you, still unsent
    assert len(engine.mailbox.drafts) == 1


def test_a_sent_copy_without_the_key_is_matched_by_thread_and_recipient(engine: Engine) -> None:
    key = interview(engine)
    engine.tick(at(19, 5))
    engine.mailbox.send_draft(thank_you(engine, key).draft_id or "", at=at(20), drop_key=True)
    engine.tick(at(20, 5))
    assert thank_you(engine, key).state == StepState.SENT


def test_a_deleted_draft_dismisses_its_step_and_is_not_made_again(engine: Engine) -> None:
    key = interview(engine)
    engine.tick(at(19, 5))
    engine.mailbox.discard_draft(thank_you(engine, key).draft_id or "")
    engine.tick(at(20))
    assert thank_you(engine, key).state == StepState.DISMISSED
    engine.tick(at(21))
    assert engine.mailbox.calls["create_draft"] == 1
