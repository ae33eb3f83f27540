"""The per-tick index picks the interviews a message can concern, without scanning them all."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.core.messages import MessageMeta
from agent.engine.mail_index import MailIndex

WHEN = datetime(2026, 11, 30, 20, tzinfo=UTC)


def index() -> MailIndex:
    """Two interviews: Acme (jane@acme.com, a follow-up thread) and Globex (a gmail contact)."""
    idx = MailIndex(
        order={"acme": 0, "globex": 1},
        companies={"acme": "Acme Corp", "globex": "Globex"},
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
    assert index().candidates(meta("news@lists.example.org"), "me@example.com") == []


def test_a_contact_a_subdomain_and_a_thread_lead_to_their_interview() -> None:
    idx = index()
    assert idx.candidates(meta("Jane <jane@acme.com>"), "me@example.com") == ["acme"]
    assert idx.candidates(meta("hr@talent.acme.com"), "me@example.com") == ["acme"]
    assert idx.candidates(meta("x@other.org", thread="thread-1"), "me@example.com") == ["acme"]
    answering = meta("x@other.org", In_Reply_To="<sent-1@mail.gmail.com>")
    assert idx.candidates(answering, "me@example.com") == ["acme"]
    assert idx.candidates(meta("gus.globex@gmail.com"), "me@example.com") == ["globex"]
    assert idx.candidates(meta("someone@gmail.com"), "me@example.com") == []


def test_ats_mail_naming_the_company_and_bounces_naming_a_contact() -> None:
    idx = index()
    ats = meta("no-reply@greenhouse.io", "Your interview with Globex: next steps")
    assert idx.candidates(ats, "me@example.com") == ["globex"]
    other = meta("no-reply@greenhouse.io", "Your application at Initech")
    assert idx.candidates(other, "me@example.com") == []
    bounce = meta("mailer-daemon@googlemail.com", "Delivery Status Notification (Failure)",
                  snippet="Your message to jane@acme.com couldn't be delivered.")
    assert idx.candidates(bounce, "me@example.com") == ["acme"]
    reported = meta("postmaster@mx.example.net", "Undeliverable")
    assert idx.candidates(reported, "me@example.com", ("gus.globex@gmail.com",)) == ["globex"]


def test_own_mail_concerns_the_interviews_of_its_recipients() -> None:
    own = meta("me@example.com", "Thanks", To="Jane <jane@acme.com>, gus.globex@gmail.com")
    assert index().candidates(own, "me@example.com") == ["acme", "globex"]
