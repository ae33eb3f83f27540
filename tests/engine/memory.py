"""The engine's ports in memory: a mailbox and a calendar small enough to read in one sitting.

They keep the promises core/ports.py states (history pages with cursors, searches by meaning,
drafts that vanish when sent), so the engine's unit tests run without HTTP. The sandbox
proves the Google adapters keep the same promises over the real client.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from agent.core.errors import GoogleUnavailable
from agent.core.interviews import Attendee, CalendarEvent, Contact
from agent.core.messages import MessageMeta
from agent.core.model import KEY_HEADER
from agent.core.ports import (
    Account,
    CalendarSync,
    CursorExpired,
    Draft,
    MailChanges,
    MailQuery,
    MessageRef,
    ReminderEvent,
)

ATS_DOMAINS = ("greenhouse.io", "lever.co", "myworkday.com", "ashbyhq.com")
REPORT_SENDERS = ("mailer-daemon", "postmaster")
REPORT_WORDS = ("undeliverable", "delivery status notification", "failure notice")


@dataclass
class Stored:
    """One message in the mailbox."""

    id: str
    thread_id: str
    at: datetime
    labels: set[str]
    raw: bytes

    def meta(self) -> MessageMeta:
        """The message as the Mailbox port hands it out."""
        msg = email.message_from_bytes(self.raw, policy=email.policy.compat32)
        body = msg.get_payload(decode=True) if not msg.is_multipart() else b""
        snippet = (body or b"").decode("utf-8", "replace")[:200]
        return MessageMeta(self.id, self.thread_id, self.at, tuple(sorted(self.labels)),
                           tuple((k, str(v)) for k, v in msg.items()), snippet)

    def header(self, name: str) -> str:
        """One header's value ('' for none)."""
        return self.meta().header(name)


@dataclass
class MemoryMailbox:
    """A mailbox of one account: messages, threads, drafts and its history."""

    address: str = "candidate@example.com"
    now: datetime = datetime(2026, 11, 30, 14, tzinfo=UTC)
    send_as: tuple[tuple[str, str, str, bool], ...] = ()  # (address, name, signature, default)
    budget: int | None = None  # reads allowed before `can_read_more` says no
    expired_before: int = 0  # a cursor older than this answers CursorExpired
    page_size: int = 0  # history records per page (0: one page)
    empty_pages: bool = False  # a page without records between pages, as Gmail sometimes sends
    fail_on_page: int | None = None  # this page (0-based) fails with GoogleUnavailable, once
    messages: dict[str, Stored] = field(default_factory=dict)
    drafts: dict[str, str] = field(default_factory=dict)  # draft id -> message id
    history: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, kind, msg, thread
    calls: Counter = field(default_factory=Counter)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def _record(self, kind: str, stored: Stored) -> None:
        self.history.append((int(self._next("")), kind, stored.id, stored.thread_id))

    # --- what the world does -------------------------------------------------------------------

    def deliver(self, msg: EmailMessage, *, at: datetime | None = None, labels=("INBOX",),
                thread_id: str | None = None) -> Stored:
        """A message reaches the mailbox (in a thread its In-Reply-To names, if any)."""
        thread = thread_id or self._thread_of(msg) or self._next("t")
        stored = Stored(self._next("m"), thread, at or self.now, set(labels), msg.as_bytes())
        self.messages[stored.id] = stored
        self._record("added", stored)
        return stored

    def _thread_of(self, msg: EmailMessage) -> str | None:
        """The thread of the message another one answers."""
        answered = str(msg.get("In-Reply-To") or "").strip()
        return next((m.thread_id for m in self.messages.values()
                     if answered and m.header("Message-ID") == answered), None)

    def send_draft(self, draft_id: str, *, at: datetime | None = None,
                   drop_key: bool = False) -> Stored:
        """The candidate sends a draft: it leaves the drafts, a SENT message appears."""
        message_id = self.drafts.pop(draft_id)
        draft = self.messages.pop(message_id)
        self._record("deleted", draft)
        msg = email.message_from_bytes(draft.raw, policy=email.policy.default)
        if drop_key:
            del msg[KEY_HEADER]
        msg["Message-ID"] = f"<{hashlib.sha1(draft.raw).hexdigest()[:12]}@mail.example>"
        return self.deliver(msg, at=at, labels=("SENT",), thread_id=draft.thread_id)

    def discard_draft(self, draft_id: str) -> None:
        """The candidate deletes a draft without sending it."""
        self._record("deleted", self.messages.pop(self.drafts.pop(draft_id)))

    def edit_draft(self, draft_id: str, *, new_id: bool, drop_key: bool = False) -> str:
        """The candidate edits a draft in the web app: a new message, perhaps a new draft id."""
        old = self.messages.pop(self.drafts.pop(draft_id))
        self._record("deleted", old)
        msg = email.message_from_bytes(old.raw, policy=email.policy.default)
        if drop_key:
            del msg[KEY_HEADER]
        stored = Stored(self._next("m"), old.thread_id, self.now, {"DRAFT"}, msg.as_bytes())
        self.messages[stored.id] = stored
        self._record("added", stored)
        kept = self._next("r") if new_id else draft_id
        self.drafts[kept] = stored.id
        return kept

    def cursor(self) -> str:
        """The mailbox's current history position."""
        return str(self.history[-1][0]) if self.history else "1"

    # --- the Mailbox port -----------------------------------------------------------------------

    def account(self) -> Account:
        self.calls["account"] += 1
        entries = self.send_as or ((self.address, "", "", True),)
        chosen = next((e for e in entries if e[3]), entries[0])
        return Account(self.address, self.cursor(), tuple(e[0] for e in entries),
                       chosen[0], chosen[1], chosen[2])

    def changes(self, cursor: str) -> Iterator[MailChanges]:
        self.calls["changes"] += 1
        if int(cursor) < self.expired_before:
            raise CursorExpired()
        after = [h for h in self.history if h[0] > int(cursor)]
        size = self.page_size or max(1, len(after))
        pages = [after[i:i + size] for i in range(0, len(after), size)] or [[]]
        for number, page in enumerate(pages):
            if number == self.fail_on_page:
                self.fail_on_page = None
                raise GoogleUnavailable("history.list: HTTP 503")
            last = number == len(pages) - 1
            added = tuple(MessageRef(m, t, tuple(sorted(self.messages[m].labels)))
                          for _, kind, m, t in page if kind == "added" and m in self.messages)
            deleted = tuple(m for _, kind, m, _t in page if kind == "deleted")
            yield MailChanges(added, deleted, self.cursor() if last else str(page[-1][0]))
            if self.empty_pages and not last:
                yield MailChanges((), (), None)

    def find(self, query: MailQuery) -> list[MessageRef]:
        self.calls["find"] += 1
        found = [m for m in self.messages.values()
                 if "DRAFT" not in m.labels and m.at >= query.since and _matches(m, query)]
        found.sort(key=lambda m: (m.at, m.id), reverse=True)
        return [MessageRef(m.id, m.thread_id) for m in found[: query.limit]]

    def message(self, message_id: str) -> MessageMeta | None:
        self.calls["message"] += 1
        stored = self.messages.get(message_id)
        return None if stored is None else stored.meta()

    def thread(self, thread_id: str) -> list[MessageMeta]:
        self.calls["thread"] += 1
        found = sorted((m for m in self.messages.values() if m.thread_id == thread_id),
                       key=lambda m: (m.at, m.id))
        return [m.meta() for m in found]

    def full_message(self, message_id: str) -> bytes | None:
        self.calls["full_message"] += 1
        stored = self.messages.get(message_id)
        return None if stored is None else stored.raw

    def drafts_to(self, recipients: tuple[str, ...]) -> list[Draft]:
        self.calls["drafts_to"] += 1
        return [Draft(d, m, self.messages[m].thread_id) for d, m in self.drafts.items()
                if _recipients(self.messages[m]) & set(recipients)]

    def draft(self, draft_id: str) -> Draft | None:
        self.calls["draft"] += 1
        message_id = self.drafts.get(draft_id)
        if message_id is None:
            return None
        stored = self.messages[message_id]
        return Draft(draft_id, message_id, stored.thread_id, stored.header(KEY_HEADER),
                     tuple(sorted(_recipients(stored))))

    def create_draft(self, raw: bytes, thread_id: str | None) -> Draft:
        self.calls["create_draft"] += 1
        stored = Stored(self._next("m"), thread_id or self._next("t"), self.now, {"DRAFT"}, raw)
        self.messages[stored.id] = stored
        self._record("added", stored)
        draft_id = self._next("r")
        self.drafts[draft_id] = stored.id
        return Draft(draft_id, stored.id, stored.thread_id)

    def delete_draft(self, draft_id: str) -> bool:
        self.calls["delete_draft"] += 1
        if draft_id not in self.drafts:
            return False
        self.discard_draft(draft_id)
        return True

    def can_read_more(self) -> bool:
        reads = self.calls["message"] + self.calls["thread"] + self.calls["draft"]
        return self.budget is None or reads < self.budget


def _recipients(stored: Stored) -> set[str]:
    """The To and Cc addresses of a message, lowercased."""
    pairs = getaddresses([stored.header("To"), stored.header("Cc")])
    return {a.lower() for _, a in pairs if a}


def _matches(m: Stored, query: MailQuery) -> bool:
    """True when a message is one the query names."""
    name, sender = parseaddr(m.header("From"))
    sender = sender.lower()
    domain = sender.rpartition("@")[2]
    subject = m.header("Subject").lower()
    if "SENT" in m.labels:
        return bool(_recipients(m) & set(query.sent_to))
    if sender in query.from_addresses:
        return True
    if any(domain == d or domain.endswith("." + d) for d in query.from_domains):
        return True
    if any(domain.endswith(d) for d in ATS_DOMAINS) and any(
        c.lower() in f"{name} {subject}".lower() for c in query.companies
    ):
        return True
    report = sender.partition("@")[0] in REPORT_SENDERS or any(w in subject for w in REPORT_WORDS)
    return query.delivery_reports and report


@dataclass
class MemoryCalendar:
    """Calendars of events, each change with a version; a sync token is a version."""

    zone: str = "America/New_York"
    events: dict[tuple[str, str], tuple[int, CalendarEvent]] = field(default_factory=dict)
    reminders: dict[str, ReminderEvent] = field(default_factory=dict)
    deleted_reminders: set[str] = field(default_factory=set)
    version: int = 0
    calls: Counter = field(default_factory=Counter)

    def put(self, event: CalendarEvent) -> CalendarEvent:
        """Add or change an event."""
        self.version += 1
        self.events[(event.calendar_id, event.event_id)] = (self.version, event)
        return event

    def cancel(self, event: CalendarEvent) -> None:
        """Cancel an event (a sync brings it back as a cancelled stub)."""
        self.put(CalendarEvent(event.calendar_id, event.event_id, "cancelled"))

    def sync(self, calendar_id: str, sync_token: str | None, *, now: datetime,
             fallback_zone: str) -> CalendarSync:
        self.calls["sync"] += 1
        since = int(sync_token or 0)
        changed = tuple(e for (cal, _), (v, e) in sorted(self.events.items(), key=lambda i: i[1][0])
                        if cal == calendar_id and v > since)
        return CalendarSync(calendar_id, changed, str(self.version), self.zone, since == 0)

    def add_reminder(self, event: ReminderEvent) -> bool:
        self.calls["add_reminder"] += 1
        if event.event_id in self.deleted_reminders:
            return False
        self.reminders[event.event_id] = event
        return True

    def move_reminder(self, event: ReminderEvent) -> bool:
        self.calls["move_reminder"] += 1
        if event.event_id not in self.reminders:
            return False
        self.reminders[event.event_id] = event
        return True

    def remove_reminder(self, calendar_id: str, event_id: str) -> bool:
        self.calls["remove_reminder"] += 1
        return self.reminders.pop(event_id, None) is not None


def interview_event(
    summary: str, start: datetime, *, minutes: int = 60, event_id: str = "",
    contacts: tuple[tuple[str, str], ...] = (("Jane Doe", "jane@acme.com"),),
    user: str = "candidate@example.com", response: str = "accepted", description: str = "",
) -> CalendarEvent:
    """An event the candidate accepted, organized by its first contact."""
    organizer = Contact(contacts[0][1], contacts[0][0])
    attendees = (
        Attendee(user, "Casey Candidate", response, is_self=True),
        *(Attendee(e, n, "accepted", is_organizer=e == organizer.email) for n, e in contacts),
    )
    key = event_id or hashlib.sha1(f"{summary}{start}".encode()).hexdigest()[:10]
    return CalendarEvent("primary", key, "confirmed", summary, description, start=start,
                         end=start + timedelta(minutes=minutes), organizer=organizer,
                         attendees=attendees)


def reply(sender: str, subject: str, body: str = "Thanks!", **headers: str) -> EmailMessage:
    """An incoming message (header names with '_' for '-')."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "candidate@example.com", subject
    msg["Message-ID"] = f"<{hashlib.sha1(subject.encode()).hexdigest()[:12]}@x>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg

