"""engine.apply_message: what one incoming message does to the sequences it concerns."""

from __future__ import annotations

from agent.core.model import InterviewStatus, StepName, StepState
from agent.store import sequences
from tests.engine.conftest import Engine, at


def _drafted(engine: Engine) -> sequences.InterviewRow:
    engine.world.add_interview(summary="Interview: Backend Engineer at Acme", start=at(14))
    engine.tick(at(19, 5))
    (row,) = sequences.list_interviews(engine.store.conn)
    return row


def test_the_employers_reply_stops_the_sequence_and_removes_the_unsent_draft(
    engine: Engine,
) -> None:
    row = _drafted(engine)
    assert len(engine.world.drafts()) == 1
    engine.world.reply(sender="Jane Doe <jane@acme.com>", subject="Next steps", when=at(20))
    engine.tick(at(20, 5))
    after = sequences.get_interview(engine.store.conn, row.interview.key)
    assert after is not None and after.status == InterviewStatus.REPLIED
    assert engine.world.drafts() == []


def test_an_out_of_office_reply_does_not_stop_the_sequence(engine: Engine) -> None:
    row = _drafted(engine)
    engine.world.reply(
        sender="Jane Doe <jane@acme.com>",
        subject="Automatic reply: Thank you",
        body="I am out of the office until Monday, December 7.",
        headers={"Auto-Submitted": "auto-replied"},
        when=at(20),
    )
    engine.tick(at(20, 5))
    after = sequences.get_interview(engine.store.conn, row.interview.key)
    assert after is not None and after.status == InterviewStatus.ACTIVE
    assert len(engine.world.drafts()) == 1


def test_the_candidate_sending_our_draft_marks_the_step_sent(engine: Engine) -> None:
    row = _drafted(engine)
    (draft,) = engine.world.drafts()
    engine.world.sandbox.user_send_draft(draft["id"])
    engine.tick(at(21))
    steps = sequences.get_steps(engine.store.conn, row.interview.key)
    thank_you = next(s for s in steps if s.step == StepName.THANK_YOU)
    assert thank_you.state == StepState.SENT
