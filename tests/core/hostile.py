"""Pathological inputs for every parser in core, shared by test_hostile_input and bench/parsers.

Each input is a long run of one character class the patterns use, or of a token they look
for ("a@", "<a ", "id <"), repeated; each parser gets it wherever it reads outsiders' text:
every header and the snippet of a message, the body and the structure of a delivery report,
an event's title, description and names, a follow-up phrase.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from agent.core.dates import parse_follow_up, vague_day
from agent.core.delivery import cut_returned_copy, notice_addresses, read_report, report_from_meta
from agent.core.detect import company_from_domain, detect
from agent.core.interviews import Attendee, CalendarEvent, Contact, Interview
from agent.core.messages import MessageMeta
from agent.core.notes import contact_line, description_lines, parse_notes
from agent.core.replies import (
    classify,
    message_date,
    parse_address,
    recipient_addresses,
    return_date,
)
from agent.core.robot_mail import looks_like_report, machine_made
from agent.core.settings import CalendarSettings
from agent.core.text import addresses_in, html_to_text, is_valid_email, printable
from agent.core.titles import sequence_company_key, title_hints

MIB = 1 << 20
RUNS: dict[str, str] = {
    "letters": "a", "capitals": "Q", "digits": "7", "dashes": "-", "spaces": " ", "tabs": "\t",
    "newlines": "\n", "crlf": "\r\n", "ats": "@", "dots": ".", "lt": "<", "gt": ">", "eq": "=",
    "underscores": "_", "stars": "*", "quotes": '"', "apostrophes": "'", "parens": "(",
    "colons": ":", "semicolons": ";", "commas": ",", "slashes": "/", "hashes": "#",
    "ampersands": "&", "backslashes": "\\", "brackets": "[", "bidi": "\u202e", "tags": "\U000e0041",
    "a@": "a@", "a.": "a.", "a-": "a-", "a'": "a'", "@a": "@a", "a@b-": "a@b-", "1.": "1.",
    "1/": "1/", "12:": "12:", "<a": "<a", "<a ": "<a ", "<b": "<b", "</": "</", "<!--": "<!--",
    "<!": "<!", "<?": "<?", "id <": "id <", "from <": "from <", "x-": "x-", "=?": "=?",
    "re: ": "re: ", "at ": "at ", "with ": "with ", "-\\n": "-\n", "> ": "> ", "\\n ": "\n ",
    "click safe list ": "click safe list ", "rejected a@b.co ": "rejected a@b.co ",
    "recipients:\\n": "recipients:\n", "--- original message": "--- original message ",
    "owner-+": "owner-+", "mixed": "a-@.< =\n1_'\"(",
}


def texts(size: int = MIB) -> Iterator[tuple[str, str]]:
    """(name, a text of `size` characters) for every run, then nested links."""
    for name, unit in RUNS.items():
        yield name, (unit * (size // len(unit) + 1))[:size]
    yield "nested links", "<a>x" * (size // 8) + "</a>" * (size // 8)


NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 1, 14, 0, tzinfo=NY)
JANE = Contact(email="jane@acme.com", name="Jane Doe")
ACME = Interview(
    key="primary/e", calendar_id="primary", event_id="e", title="Interview with Acme",
    start=START, end=START + timedelta(hours=1), contacts=(JANE,), primary=JANE,
    company="Acme", role="Engineer",
)
HEADERS = (
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "Precedence", "List-Id", "Return-Path", "Content-Type", "X-Mailer",
    "X-Failed-Recipients", "List-Unsubscribe", "X-Auto-Response-Suppress",
)


def message(text: str) -> MessageMeta:
    """A message whose every header and snippet is `text`."""
    return MessageMeta(
        id="m", thread_id="t", internal_date=START + timedelta(days=1),
        headers=tuple((name, text) for name in HEADERS), snippet=text,
    )


def report(text: str, ctype: str = "text/plain") -> bytes:
    """A delivery report whose body is `text`."""
    return (
        f"From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>\nTo: a@example.org\n"
        f"Subject: Undeliverable: hello\nContent-Type: {ctype}\n\n{text}"
    ).encode()


def report_headers(text: str) -> bytes:
    """A delivery report whose headers are `text` (on one line each, as a parser reads them)."""
    line = " ".join(text.split())
    names = ("From", "To", "Subject", "X-Failed-Recipients")
    heads = "".join(f"{name}: {line}\n" for name in names)
    return f"{heads}Content-Type: text/plain\n\nDelivery failed.".encode()


def nested(text: str) -> bytes:
    """A report nesting containers as deep as `text` is long, each line of it a line."""
    depth = len(text) // 64
    opening = "".join(
        f'--B{i}\nContent-Type: multipart/mixed; boundary="B{i + 1}"\n\n' for i in range(depth)
    )
    return report(opening + text, 'multipart/report; boundary="B0"')


def event(text: str, description: str | None = None) -> CalendarEvent:
    """An accepted interview whose title, description, names and one address are `text`."""
    return CalendarEvent(
        calendar_id="primary", event_id="e", status="confirmed", summary=f"Interview {text}",
        description=text if description is None else description,
        start=START, end=START + timedelta(hours=1),
        organizer=Contact("jane@acme.com", text),
        attendees=(
            Attendee("jane@acme.com", text, "accepted", is_organizer=True),
            Attendee(f"{text}@acme.com", text, "accepted"),
            Attendee("me@example.org", "Me", "accepted", is_self=True),
        ),
    )


def _classify(meta: MessageMeta) -> object:
    """classify() for Acme's sequence."""
    return classify(meta, ACME, user_email="me@example.org", sequence_thread_ids=frozenset({"t"}))


def _detect(ev: CalendarEvent) -> object:
    """detect() for the user, default settings."""
    return detect(ev, user_email="me@example.org", settings=CalendarSettings(), zone=NY)


PARSERS: dict[str, Callable[[str], object]] = {
    "text.addresses_in": addresses_in,
    "delivery.cut_returned_copy": cut_returned_copy,
    "delivery.notice_addresses": lambda t: notice_addresses(t, "acme.com"),
    "robot_mail.looks_like_report": lambda t: looks_like_report(message(t), t),
    "delivery.report_from_meta": lambda t: report_from_meta(message(t)),
    "delivery.read_report(body)": lambda t: read_report(report(t)),
    "delivery.read_report(html)": lambda t: read_report(report(t, "text/html")),
    "delivery.read_report(raw)": lambda t: read_report(t.encode()),
    "delivery.read_report(headers)": lambda t: read_report(report_headers(t)),
    "delivery.read_report(nested)": lambda t: read_report(nested(t)),
    "robot_mail.machine_made": lambda t: machine_made(message(t), t, t),
    "replies.parse_address": parse_address,
    "replies.recipient_addresses": lambda t: recipient_addresses(message(t)),
    "replies.classify": lambda t: _classify(message(t)),
    "replies.return_date": lambda t: return_date(t, date(2026, 12, 1)),
    "replies.message_date": lambda t: message_date(message(t)),
    "detect.detect": lambda t: _detect(event(t)),
    "detect.detect(html)": lambda t: _detect(event(t, f"<p>Company: Acme</p>{t}")),
    "detect.company_from_domain": company_from_domain,
    "notes.parse_notes": parse_notes,
    "notes.description_lines": description_lines,
    "notes.contact_line": contact_line,
    "text.is_valid_email": is_valid_email,
    "titles.title_hints": lambda t: title_hints(t, ("Jane Doe",)),
    "titles.sequence_company_key": sequence_company_key,
    "text.html_to_text": html_to_text,
    "dates.parse_follow_up": lambda t: parse_follow_up(t, START, NY),
    "dates.vague_day": lambda t: vague_day(t, date(2026, 12, 1), None),
    "text.printable": printable,
}


class TooSlow(Exception):
    """A parser took longer than it may."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise TooSlow in the block once `seconds` of wall time have passed (Unix timers)."""

    def expire(*_: object) -> None:
        raise TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

