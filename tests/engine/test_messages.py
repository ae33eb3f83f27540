"""engine.messages: what one message does to the sequences it concerns."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.core.messages import MessageMeta
from agent.core.model import InterviewStatus, StepName, StepState
from agent.engine.messages import MailIndex
from agent.store import sequences
from tests.engine.harness import Engine, at
from tests.engine.memory import interview_event, reply


def drafted(engine: Engine) -> str:
    """An interview at 14:00 whose thank-you is drafted at 19:05."""
    engine.calendar.put(interview_event("Interview: Backend Engineer at Acme", at(14)))
    engine.tick(at(19, 5))
    (row,) = sequences.list_interviews(engine.store.conn)
    return row.interview.key


def status(engine: Engine, key: str) -> InterviewStatus:
    """Where the sequence stands in state.db."""
    row = sequences.get_interview(engine.store.conn, key)
    assert row is not None
    return row.status


def test_the_employers_reply_stops_the_sequence_and_removes_the_unsent_draft(
    engine: Engine,
) -> None:
    key = drafted(engine)
    engine.mailbox.deliver(reply("Jane Doe <jane@acme.com>", "Next steps"), at=at(20))
    engine.tick(at(20, 5))
    assert status(engine, key) == InterviewStatus.REPLIED
    assert engine.mailbox.drafts == {}


def test_an_out_of_office_reply_does_not_stop_the_sequence(engine: Engine) -> None:
    key = drafted(engine)
    engine.mailbox.deliver(reply(
        "Jane Doe <jane@acme.com>", "Automatic reply: Thank you",
        "I am out of the office until Monday, December 7.", Auto_Submitted="auto-replied",
    ), at=at(20))
    engine.tick(at(20, 5))
    assert status(engine, key) == InterviewStatus.ACTIVE
    assert len(engine.mailbox.drafts) == 1


def test_the_candidate_sending_our_draft_marks_the_step_sent(engine: Engine) -> None:
    key = drafted(engine)
    (draft_id,) = engine.mailbox.drafts
    engine.mailbox.send_draft(draft_id, at=at(20))
    engine.tick(at(21))
    steps = {s.step: s for s in sequences.get_steps(engine.store.conn, key)}
    assert steps[StepName.THANK_YOU].state == StepState.SENT
    assert steps[StepName.CHECK_IN].due == at(16, 30, day=31)


def test_mail_from_a_send_as_alias_is_the_candidates_own(engine: Engine) -> None:
    engine.mailbox.send_as = (
        ("candidate@example.com", "Casey", "", False), ("casey@casey.dev", "Casey C.", "", True)
    )
    key = drafted(engine)
    own = reply("Casey <casey@casey.dev>", "Thank you, Jane")
    own.replace_header("To", "Jane Doe <jane@acme.com>")
    engine.mailbox.deliver(own, at=at(19, 30), labels=("SENT",))
    engine.mailbox.discard_draft(next(iter(engine.mailbox.drafts)))
    engine.tick(at(20))
    assert status(engine, key) == InterviewStatus.ACTIVE
    steps = {s.step: s for s in sequences.get_steps(engine.store.conn, key)}
    assert steps[StepName.THANK_YOU].state in (StepState.SENT_BY_USER, StepState.DISMISSED)


WHEN = datetime(2026, 11, 30, 20, tzinfo=UTC)
OWN = frozenset({"me@example.com"})


def index() -> MailIndex:
    """Two interviews: Acme (jane@acme.com, a follow-up thread) and Globex (a gmail contact)."""
    idx = MailIndex(
        order={"acme": 0, "globex": 1},
        by_address={"jane@acme.com": {"acme"}, "gus.globex@gmail.com": {"globex"}},
        by_domain={"acme.com": {"acme"}},
        by_company_word={"acme": {"acme"}, "globex": {"globex"}},
    )
    idx.link("acme", "thread-1", "<sent-1@mail.gmail.com>")
    return idx


def meta(frm: str, subject: str = "Hi", **extra: str) -> MessageMeta:
    """A message with a From, a Subject and more headers (In_Reply_To -> In-Reply-To)."""
    headers = [("From", frm), ("Subject", subject)]
    more = {k: v for k, v in extra.items() if k not in ("thread", "snippet")}
    headers += [(k.replace("_", "-"), v) for k, v in more.items()]
    return MessageMeta(
        "m1", extra.get("thread", "t9"), WHEN, ("INBOX",), tuple(headers), extra.get("snippet", "")
    )


def test_unrelated_mail_concerns_no_interview() -> None:
    assert index().candidates(meta("news@lists.example.org"), OWN) == []


def test_a_contact_a_subdomain_and_a_thread_lead_to_their_interview() -> None:
    idx = index()
    assert idx.candidates(meta("Jane <jane@acme.com>"), OWN) == ["acme"]
    assert idx.candidates(meta("hr@talent.acme.com"), OWN) == ["acme"]
    assert idx.candidates(meta("x@other.org", thread="thread-1"), OWN) == ["acme"]
    answering = meta("x@other.org", In_Reply_To="<sent-1@mail.gmail.com>")
    assert idx.candidates(answering, OWN) == ["acme"]
    assert idx.candidates(meta("gus.globex@gmail.com"), OWN) == ["globex"]
    assert idx.candidates(meta("someone@gmail.com"), OWN) == []


def test_ats_mail_naming_the_company_and_notices_naming_a_contact() -> None:
    idx = index()
    ats = meta("no-reply@greenhouse.io", "Your interview with Globex: next steps")
    assert idx.candidates(ats, OWN) == ["globex"]
    assert idx.candidates(meta("no-reply@greenhouse.io", "Your application at Initech"), OWN) == []
    bounce = meta("mailer-daemon@googlemail.com", "Delivery Status Notification (Failure)",
                  snippet="Your message to jane@acme.com couldn't be delivered.")
    assert idx.candidates(bounce, OWN) == ["acme"]


def test_own_mail_concerns_the_interviews_of_its_recipients() -> None:
    own = meta("me@example.com", "Thanks", To="Jane <jane@acme.com>, gus.globex@gmail.com")
    assert index().candidates(own, OWN) == ["acme", "globex"]
