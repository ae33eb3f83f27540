"""Classifying incoming mail: what stops a sequence, what does not, and return dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.core.interviews import Contact, Interview
from agent.core.messages import MessageKind, MessageMeta
from agent.core.model import domain_of
from agent.core.replies import classify, parse_address, return_date

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 1, 14, 0, tzinfo=NY)
AFTER = START + timedelta(days=1)
JANE = Contact(email="jane@acme.com", name="Jane Doe")
PAT = Contact(email="pat.recruiter@gmail.com", name="Pat Kim")
USER = "alex@gmail.com"
SEQ_THREAD = "thread-seq"
SEQ_ID = "<CAFsent123@mail.gmail.com>"

ACME = Interview(
    key="primary/evt1", calendar_id="primary", event_id="evt1", title="Interview with Acme",
    start=START, end=START + timedelta(hours=1), contacts=(JANE,), primary=JANE,
    company="Acme", role="Engineer",
)
GMAIL_CONTACT = Interview(
    key="primary/evt2", calendar_id="primary", event_id="evt2", title="Interview with Globex",
    start=START, end=START + timedelta(hours=1), contacts=(PAT,), primary=PAT,
    company="Globex", role="Analyst",
)


@dataclass(frozen=True)
class Row:
    """One message, the interview it is checked against, and the expected verdict."""

    name: str
    headers: tuple[tuple[str, str], ...]
    kind: MessageKind
    reason: str = ""
    interview: Interview = ACME
    when: datetime = AFTER
    thread: str = "thread-other"
    labels: tuple[str, ...] = ("INBOX",)
    snippet: str = ""
    back: date | None = None
    bounced: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def reply(sender: str, subject: str = "Re: Thank you for the Engineer interview at Acme",
          *more: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """A realistic header set of a message from `sender`."""
    return (
        ("Return-Path", "<bounce@example.net>"),
        ("From", sender),
        ("To", f"Alex Morgan <{USER}>"),
        ("Subject", subject),
        ("Date", "Wed, 2 Dec 2026 10:15:00 -0500"),
        ("Message-ID", "<reply42@mx.example.net>"),
        ("Content-Type", 'text/plain; charset="UTF-8"'),
        *more,
    )


ROWS = [
    Row("interviewer replies", reply("Jane Doe <Jane@Acme.com>"), MessageKind.EMPLOYER_REPLY,
        "from jane@acme.com, an interviewer"),
    Row("colleague at the company's domain", reply("Bob Ray <bob@acme.com>", "Next steps"),
        MessageKind.EMPLOYER_REPLY, "from acme.com, the company's domain"),
    Row("company subdomain", reply("Talent <talent@careers.acme.com>", "Your interview"),
        MessageKind.EMPLOYER_REPLY, "from careers.acme.com, the company's domain"),
    Row("lookalike domain is not the company", reply("x <x@notacme.com>", "Hello"),
        MessageKind.OTHER),
    Row("gmail contact answers", reply("Pat Kim <pat.recruiter@gmail.com>", "Re: Thanks"),
        MessageKind.EMPLOYER_REPLY, "from pat.recruiter@gmail.com, an interviewer",
        interview=GMAIL_CONTACT),
    Row("stranger at the same public provider", reply("Sam <sam.stranger@gmail.com>", "Hi"),
        MessageKind.OTHER, interview=GMAIL_CONTACT),
    Row("new address in the sequence thread", reply("Lee <lee@other-agency.org>", "Re: Thanks"),
        MessageKind.EMPLOYER_REPLY, "in the thread of your follow-up", thread=SEQ_THREAD),
    Row("answers a sequence message by In-Reply-To",
        reply("Lee <lee@other-agency.org>", "Re: Thanks", ("In-Reply-To", SEQ_ID)),
        MessageKind.EMPLOYER_REPLY, "answering your follow-up"),
    Row("answers a sequence message by References",
        reply("Lee <lee@other-agency.org>", "Re: Thanks",
              ("References", f"<older@x.com> {SEQ_ID}")),
        MessageKind.EMPLOYER_REPLY, "answering your follow-up"),
    Row("Greenhouse naming the company in the sender",
        reply("Acme Recruiting <no-reply@us.greenhouse-mail.io>", "An update on your application"),
        MessageKind.EMPLOYER_REPLY, "via Greenhouse naming Acme"),
    Row("Lever naming the company in the subject",
        reply("Hiring Team <no-reply@hire.lever.co>", "Your interview with ACME: next steps"),
        MessageKind.EMPLOYER_REPLY, "via Lever naming Acme"),
    Row("Greenhouse not naming the company",
        reply("Globex Recruiting <no-reply@greenhouse.io>", "An update from Globex"),
        MessageKind.OTHER),
    Row("Greenhouse naming a longer word only",
        reply("Acmeville Jobs <no-reply@greenhouse.io>", "An update from Acmeville"),
        MessageKind.OTHER),
    Row("Workday auto-generated naming the company is still the employer",
        reply("Acme <acme@myworkday.com>", "Acme: application status",
              ("Auto-Submitted", "auto-generated")),
        MessageKind.EMPLOYER_REPLY, "via Workday naming Acme"),
    Row("out of office, English, with return date",
        reply("Jane Doe <jane@acme.com>", "Out of Office: Thank you for the interview"),
        MessageKind.AUTO_REPLY, "an out-of-office reply (from jane@acme.com, an interviewer)",
        snippet="I am out of the office and will be back on December 7. For urgent matters",
        back=date(2026, 12, 7)),
    Row("automatic reply, English, no return date",
        reply("Jane Doe <jane@acme.com>", "Automatic reply: Thank you for the interview"),
        MessageKind.AUTO_REPLY, snippet="Thanks for your message. I will reply when I can."),
    Row("Abwesenheitsnotiz with return date",
        reply("Jane Doe <jane@acme.com>", "Abwesenheitsnotiz: Vielen Dank"),
        MessageKind.AUTO_REPLY, snippet="Ich bin bis zum 03.12.2026 nicht im Büro.",
        back=date(2026, 12, 3)),
    Row("Automatische Antwort without return date",
        reply("Jane Doe <jane@acme.com>", "Automatische Antwort: Vielen Dank"),
        MessageKind.AUTO_REPLY, snippet="Ich bin derzeit nicht erreichbar."),
    Row("German return date in the snippet, no year",
        reply("Jane Doe <jane@acme.com>", "Nicht im Büro"),
        MessageKind.AUTO_REPLY, snippet="Ich bin ab Montag wieder da und zurück am 3. Dezember.",
        back=date(2026, 12, 3)),
    Row("French automatic reply",
        reply("Jane Doe <jane@acme.com>", "Réponse automatique : Merci"),
        MessageKind.AUTO_REPLY, snippet="Je serai de retour le 9 décembre.",
        back=date(2026, 12, 9)),
    Row("Spanish automatic reply",
        reply("Jane Doe <jane@acme.com>", "Respuesta automática: Gracias"),
        MessageKind.AUTO_REPLY, snippet="Estaré fuera hasta el 3 de diciembre.",
        back=date(2026, 12, 3)),
    Row("leading Away: subject", reply("Jane Doe <jane@acme.com>", "Away: Re: Thanks"),
        MessageKind.AUTO_REPLY),
    Row("'right away' in a human reply is not out of office",
        reply("Jane Doe <jane@acme.com>", "Re: We will get back to you right away"),
        MessageKind.EMPLOYER_REPLY),
    Row("Auto-Submitted: auto-replied",
        reply("Jane Doe <jane@acme.com>", "Re: Thank you", ("Auto-Submitted", "auto-replied")),
        MessageKind.AUTO_REPLY, "an automatic reply (Auto-Submitted) (from jane@acme.com, "
        "an interviewer)"),
    Row("Auto-Submitted: no is a person",
        reply("Jane Doe <jane@acme.com>", "Re: Thank you", ("Auto-Submitted", "no")),
        MessageKind.EMPLOYER_REPLY, "from jane@acme.com, an interviewer"),
    Row("X-Autoreply", reply("Jane Doe <jane@acme.com>", "Re: Thank you", ("X-Autoreply", "yes")),
        MessageKind.AUTO_REPLY),
    Row("X-Autorespond",
        reply("Jane Doe <jane@acme.com>", "Re: Thank you", ("X-Autorespond", "true")),
        MessageKind.AUTO_REPLY),
    Row("Precedence: auto_reply",
        reply("Jane Doe <jane@acme.com>", "Re: Thank you", ("Precedence", "auto_reply")),
        MessageKind.AUTO_REPLY),
    Row("Precedence: bulk from the company is machine-made, not the employer",
        reply("Acme Talent <talent@acme.com>", "Update", ("Precedence", "bulk")),
        MessageKind.OTHER, "machine-made (Precedence: bulk), not the employer's answer"),
    Row("Precedence: list from elsewhere is other",
        reply("News <news@lists.example.org>", "Weekly digest", ("Precedence", "list")),
        MessageKind.OTHER),
    Row("out of office from a stranger", reply("Kim <kim@elsewhere.org>", "Out of Office"),
        MessageKind.OTHER),
    Row("bounce answering a follow-up, with X-Failed-Recipients",
        reply("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
              "Delivery Status Notification (Failure)",
              ("X-Failed-Recipients", "jane@acme.com"), ("Auto-Submitted", "auto-replied"),
              ("In-Reply-To", SEQ_ID), ("References", SEQ_ID)),
        MessageKind.BOUNCE, "jane@acme.com bounced", bounced="jane@acme.com",
        snippet="Address not found Your message wasn't delivered to jane@acme.com"),
    Row("a notice that only names a contact pauses nothing",
        reply("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
              "Delivery Status Notification (Failure)",
              ("X-Failed-Recipients", "jane@acme.com"), ("Auto-Submitted", "auto-replied")),
        MessageKind.UNLINKED_BOUNCE,
        "a delivery notice naming jane@acme.com that is not about your mail",
        bounced="jane@acme.com",
        snippet="Address not found Your message wasn't delivered to jane@acme.com"),
    Row("delivery report in the sequence thread, address from the snippet",
        reply("postmaster@acme.com", "Undeliverable: Thank you",
              ("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"')),
        MessageKind.BOUNCE, bounced="jane@acme.com", thread=SEQ_THREAD,
        snippet="Delivery has failed to these recipients or groups: jane@acme.com The email "),
    Row("bounce of some other message", reply("MAILER-DAEMON@mx.example.net", "Returned mail",
                                                ("X-Failed-Recipients", "old@friend.org")),
        MessageKind.OTHER, "a bounce about another message"),
    Row("delivery delay is not a bounce",
        reply("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
              "Delivery Status Notification (Delay)"),
        MessageKind.OTHER, "a delivery delay notice, not a bounce", thread=SEQ_THREAD),
    Row("the user's own message", reply(f"Alex Morgan <{USER}>", "Re: Thanks"), MessageKind.OWN,
        "sent by you", thread=SEQ_THREAD),
    Row("the user's message from an alias, labelled SENT", reply("Alex <alex@alias.dev>", "Hi"),
        MessageKind.OWN, labels=("SENT",)),
    Row("interviewer wrote before the interview started",
        reply("Jane Doe <jane@acme.com>", "See you tomorrow"), MessageKind.OTHER,
        "arrived before the interview started", when=START - timedelta(hours=20)),
    Row("out of office before the interview started",
        reply("Jane Doe <jane@acme.com>", "Out of Office"), MessageKind.OTHER,
        when=START - timedelta(hours=20)),
    Row("garbage From header", reply("<<<>>> ::: @@@", "Hello"), MessageKind.OTHER),
]


def message(row: Row) -> MessageMeta:
    """The row as the Gmail adapter would hand it over."""
    return MessageMeta(
        id="m1", thread_id=row.thread, internal_date=row.when, label_ids=row.labels,
        headers=row.headers, snippet=row.snippet,
    )


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_classify(row: Row) -> None:
    verdict = classify(
        message(row), row.interview, user_email=USER,
        sequence_thread_ids=frozenset({SEQ_THREAD}), sequence_message_ids=frozenset({SEQ_ID}),
    )
    assert verdict.kind == row.kind, verdict.reason
    if row.reason:
        assert verdict.reason == row.reason
    assert verdict.return_date == row.back
    assert verdict.bounced_address == row.bounced


def test_message_exactly_at_interview_start_counts() -> None:
    row = Row("at start", reply("Jane Doe <jane@acme.com>"), MessageKind.EMPLOYER_REPLY, when=START)
    verdict = classify(message(row), ACME, user_email=USER, sequence_thread_ids=frozenset())
    assert verdict.kind == MessageKind.EMPLOYER_REPLY


def test_user_email_is_compared_case_insensitively_and_may_be_unknown() -> None:
    row = Row("own", reply("ALEX@GMAIL.COM", "Hi"), MessageKind.OWN)
    assert classify(message(row), ACME, user_email=" Alex@Gmail.com ",
                    sequence_thread_ids=frozenset()).kind == MessageKind.OWN
    unknown = classify(message(row), ACME, user_email="", sequence_thread_ids=frozenset())
    assert unknown.kind == MessageKind.OTHER


def test_colleague_at_the_users_own_domain_does_not_stop_an_internal_interview() -> None:
    internal = Contact(email="lead@bigco.com", name="Lead")
    iv = Interview(
        key="k", calendar_id="primary", event_id="e", title="Internal interview", start=START,
        end=START + timedelta(hours=1), contacts=(internal,), primary=internal,
        company="Bigco", role="Staff",
    )
    row = Row("colleague", reply("Someone <someone@bigco.com>", "Lunch?"), MessageKind.OTHER)
    verdict = classify(message(row), iv, user_email="me@bigco.com", sequence_thread_ids=frozenset())
    assert verdict.kind == MessageKind.OTHER
    direct = Row("lead", reply("Lead <lead@bigco.com>", "Re: thanks"), MessageKind.EMPLOYER_REPLY)
    assert classify(message(direct), iv, user_email="me@bigco.com",
                    sequence_thread_ids=frozenset()).kind == MessageKind.EMPLOYER_REPLY


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane Doe <Jane@Acme.com>", ("Jane Doe", "jane@acme.com")),
        ('"Doe, Jane" <jane@acme.com>', ("Doe, Jane", "jane@acme.com")),
        ("jane@acme.com", ("", "jane@acme.com")),
        ("Jane <JANE@ACME.COM", ("Jane", "jane@acme.com")),
        ("=?utf-8?b?5pel5pys?= <a@b.com>", ("日本", "a@b.com")),
        ("Dr. Jane Doe <jane@acme.com>", ("Dr. Jane Doe", "jane@acme.com")),
        ("alice@example.org)<bob@example.org>", ("alice@example.org)", "bob@example.org")),
        ("a@b.com, c@d.com", ("", "a@b.com")),
        ("Jane\r\n <jane@acme.com>", ("Jane", "jane@acme.com")),
        ("undisclosed-recipients:;", ("", "")),
        ("<<<>>>", ("", "")),
        ("", ("", "")),
        ("\x00\x01 garbage ::: @@@", ("", "")),
    ],
)
def test_parse_address(value: str, expected: tuple[str, str]) -> None:
    assert parse_address(value) == expected


def test_domain_of() -> None:
    assert domain_of("jane@Acme.COM") == "acme.com"
    assert domain_of("nobody") == ""
    assert domain_of("jane@acme.com.") == "acme.com"


REFERENCE = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm back on December 3", date(2026, 12, 3)),
        ("returning 12/03/2026", date(2026, 12, 3)),
        ("I am away until 3 December 2026", date(2026, 12, 3)),
        ("bis zum 03.12.2026 abwesend", date(2026, 12, 3)),
        ("Ich bin zurück am 3. Dezember", date(2026, 12, 3)),
        ("je serai de retour le 3 décembre", date(2026, 12, 3)),
        ("estaré fuera hasta el 3 de diciembre", date(2026, 12, 3)),
        ("Out from Dec 1 until Dec 3rd.", date(2026, 12, 3)),
        ("Ich bin vom 1.12. bis zum 4.12. nicht im Büro", date(2026, 12, 4)),
        ("Back January 5", date(2027, 1, 5)),
        ("Out of office, back on 2026-12-08", date(2026, 12, 8)),
        ("back on November 20", date(2026, 11, 20)),  # a stale auto-reply: already past
        ("Out of office 25/12/2026", date(2026, 12, 25)),
        ("back on December 3, 2030", None),  # too far ahead to be real
        ("back on Feb 30", None),
        ("meeting at 10.30, sent 2 days ago", None),
        ("no date here", None),
    ],
)
def test_return_date(text: str, expected: date | None) -> None:
    assert return_date(text, REFERENCE) == expected


def test_return_date_year_is_inferred_from_the_message_day() -> None:
    assert return_date("back on January 4", date(2026, 12, 28)) == date(2027, 1, 4)
    assert return_date("back on January 4", date(2027, 1, 2)) == date(2027, 1, 4)
