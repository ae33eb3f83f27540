"""What the engine needs of a mailbox and a calendar (agent/google implements it for Google)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from agent.core.interviews import CalendarEvent, Rejection
from agent.core.messages import MessageMeta


@dataclass(frozen=True)
class Account:
    """Whose mailbox it is, where its history stands, and who new mail is from."""

    address: str  # the primary address, lowercased
    cursor: str  # the mailbox's current history position
    own_addresses: tuple[str, ...] = ()  # every address the account sends from, lowercased
    from_address: str = ""  # the default send-as address: what the composer puts in From
    name: str = ""  # that address's display name
    signature: str = ""  # its signature, as plain text


@dataclass(frozen=True)
class MessageRef:
    """A message as a history record or a search names it."""

    message_id: str
    thread_id: str
    label_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class MailChanges:
    """One page of what changed in the mailbox since a cursor."""

    added: tuple[MessageRef, ...]
    deleted: tuple[str, ...]
    cursor: str | None  # where to resume once applied; None (a page without records): stay


class CursorExpired(Exception):
    """The stored cursor is too old: the mailbox needs a search per interview instead."""


@dataclass(frozen=True)
class MailQuery:
    """Mail the engine looks for: the union of what each field names, since a moment."""

    since: datetime
    from_addresses: tuple[str, ...] = ()  # from these people
    from_domains: tuple[str, ...] = ()  # from anyone at these domains (and their subdomains)
    companies: tuple[str, ...] = ()  # from an applicant-tracking system, naming one of these
    delivery_reports: bool = False  # delivery reports from any mail system
    sent_to: tuple[str, ...] = ()  # the candidate's own sent mail to these people
    limit: int = 500  # at most this many, newest first


@dataclass(frozen=True)
class Draft:
    """A draft: its stable id, the message inside it now, and what the engine recognises it by."""

    draft_id: str
    message_id: str
    thread_id: str
    key: str = ""  # the X-Followup-Key header it carries ('' for none or not read)
    to: tuple[str, ...] = ()  # its recipients, lowercased ('' when not read)


@dataclass(frozen=True)
class CalendarSync:
    """What one sync of one calendar brought."""

    calendar_id: str
    events: tuple[CalendarEvent, ...]
    next_sync_token: str
    time_zone: str
    full: bool
    unreadable: tuple[Rejection, ...] = ()  # events that could not be read: set aside, with why


@dataclass(frozen=True)
class ReminderEvent:
    """A short calendar event at a step's time, with a popup."""

    calendar_id: str
    event_id: str
    summary: str
    description: str
    start: datetime
    end: datetime
    zone: str
    popup_minutes: int
    step: str


class Mailbox(Protocol):
    """The mailbox a pass works with: reading, and drafts only, never a send."""

    def account(self) -> Account:
        """The account's addresses, its current cursor and its default sender."""

    def changes(self, cursor: str) -> Iterator[MailChanges]:
        """What changed since the cursor, page by page; CursorExpired when it is too old."""

    def find(self, query: MailQuery) -> list[MessageRef]:
        """Mail matching a query, newest first (search may lag a little behind the inbox)."""

    def message(self, message_id: str) -> MessageMeta | None:
        """A message's headers, labels, snippet and date; None if it is gone."""

    def thread(self, thread_id: str) -> list[MessageMeta]:
        """Every message of a thread, oldest first; [] if the thread is gone."""

    def full_message(self, message_id: str) -> bytes | None:
        """The whole message as raw RFC 822 (for a delivery report); None if it is gone."""

    def drafts_to(self, recipients: tuple[str, ...]) -> list[Draft]:
        """Drafts that may be to these people (also any made moments ago); keys not read."""

    def draft(self, draft_id: str) -> Draft | None:
        """One draft with its key and recipients, or None when it is gone (sent or deleted)."""

    def create_draft(self, raw: bytes, thread_id: str | None) -> Draft:
        """Create one draft, one attempt; a FollowupError says why it failed."""

    def delete_draft(self, draft_id: str) -> bool:
        """Delete a draft; False when it was already gone."""

    def can_read_more(self) -> bool:
        """True while reading more mail leaves enough of this pass's allowance for drafts."""


class CalendarSource(Protocol):
    """The calendar calls a pass makes: reading events, and the optional reminder events."""

    def sync(
        self, calendar_id: str, sync_token: str | None, *, now: datetime, fallback_zone: str
    ) -> CalendarSync:
        """The changes since the token (all events when there is none or it expired)."""

    def add_reminder(self, event: ReminderEvent) -> bool:
        """Insert a reminder (made before counts as made); False when the user deleted it."""

    def move_reminder(self, event: ReminderEvent) -> bool:
        """Move a reminder; False when the user deleted it."""

    def remove_reminder(self, calendar_id: str, event_id: str) -> bool:
        """Delete a reminder; False when it was already gone."""
