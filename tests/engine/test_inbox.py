"""engine.inbox: the cursor moves only past changes that were applied."""

from __future__ import annotations

from agent.core.model import StepName, StepState
from agent.store import kv, sequences
from tests.engine.harness import Engine, at
from tests.engine.memory import interview_event, reply


def test_an_empty_page_never_moves_the_cursor_past_unread_mail(engine: Engine) -> None:
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(19, 5))
    (row,) = sequences.list_interviews(engine.store.conn)
    for i in range(3):
        engine.mailbox.deliver(reply(f"news{i}@lists.example.org", f"News {i}"), at=at(19, 10))
    own = reply("Casey <candidate@example.com>", "Thank you")
    own.replace_header("To", "Jane Doe <jane@acme.com>")
    sent = engine.mailbox.deliver(own, at=at(19, 20), labels=("SENT",))  # after an empty page
    engine.mailbox.page_size, engine.mailbox.empty_pages = 2, True
    reads = engine.mailbox.calls
    engine.mailbox.budget = reads["message"] + reads["thread"] + reads["draft"]  # no more reads
    engine.tick(at(19, 30))
    ids = [h[0] for h in engine.mailbox.history]
    before_sent = ids[ids.index(next(h[0] for h in engine.mailbox.history if h[2] == sent.id)) - 1]
    assert kv.inbox_cursor(engine.store.conn) == str(before_sent)  # the last page applied
    engine.mailbox.budget = None
    engine.tick(at(19, 35))
    steps = {s.step: s for s in sequences.get_steps(engine.store.conn, row.interview.key)}
    assert steps[StepName.THANK_YOU].state == StepState.SENT_BY_USER
    assert kv.inbox_cursor(engine.store.conn) == engine.mailbox.cursor()


def test_an_expired_cursor_searches_per_interview_and_finds_the_reply(engine: Engine) -> None:
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(19, 5))
    (row,) = sequences.list_interviews(engine.store.conn)
    engine.mailbox.deliver(reply("Jane Doe <jane@acme.com>", "Next steps"), at=at(20))
    engine.mailbox.expired_before = 10**9
    engine.tick(at(20, 5))
    after = sequences.get_interview(engine.store.conn, row.interview.key)
    assert after is not None and after.status.value == "replied"
    assert kv.full_sync(engine.store.conn) is None
