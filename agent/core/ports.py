"""What the engine needs of a mailbox and a calendar, and the values they hand it.

The engine knows only these protocols; `agent/google` implements them for Gmail and Google
Calendar (another provider would implement the same few methods).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from agent.core.events import CalendarEvent
    from agent.core.messages import MessageMeta


@dataclass(frozen=True)
class Profile:
    """The mailbox's address and current history id."""

    email: str
    history_id: str


@dataclass(frozen=True)
class AddedMessage:
    """A message that reached the mailbox, as a history record names it."""

    message_id: str
    thread_id: str
    label_ids: tuple[str, ...]


@dataclass(frozen=True)
class HistoryChanges:
    """Messages added and deleted since a history id, and the id to store after applying."""

    added: tuple[AddedMessage, ...]
    deleted: tuple[str, ...]
    history_id: str


@dataclass(frozen=True)
class DraftRef:
    """A draft's stable id and the id of the message currently inside it."""

    draft_id: str
    message_id: str
    thread_id: str


@dataclass(frozen=True)
class SendAs:
    """The account's own name and signature for new mail (Gmail's default send-as address)."""

    display_name: str = ""
    signature: str = ""  # plain text (the adapter converts Gmail's HTML with core/signature.py)


class HistoryExpired(Exception):
    """The stored history id is too old: the mailbox needs a full sync."""


@dataclass(frozen=True)
class CalendarSync:
    """What one sync of one calendar brought."""

    calendar_id: str
    events: tuple[CalendarEvent, ...]
    next_sync_token: str
    time_zone: str
    full: bool
    unreadable: tuple[Unreadable, ...] = ()  # events that could not be turned into values


@dataclass(frozen=True)
class Unreadable:
    """An item the adapter could not read: set aside with the reason, the rest goes on."""

    item_id: str
    title: str
    reason: str


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
    """The mailbox calls a tick makes; drafts only, never a send."""

    def profile(self) -> Profile:
        """The mailbox address and its current history id."""
        ...

    def history_pages(self, start_history_id: str) -> Iterator[HistoryChanges]:
        """The same changes page by page, each with a history id safe to resume from."""
        ...

    def units_left(self) -> int | None:
        """Quota units this tick may still spend (None: no budget)."""
        ...

    def start_tick(self) -> None:
        """A new tick begins: its unit budget starts full."""
        ...

    def search(self, query: str, *, limit: int = 100) -> list[tuple[str, str]]:
        """(message id, thread id) of messages matching a search, newest first."""
        ...

    def metadata(self, message_id: str) -> MessageMeta | None:
        """A message's headers, labels, snippet and date; None if it is gone."""
        ...

    def thread_messages(self, thread_id: str) -> list[MessageMeta]:
        """Every message of a thread, oldest first; [] if the thread is gone."""
        ...

    def delivery_report(self, message_id: str) -> bytes | None:
        """The whole message (raw RFC 822) of a likely bounce; None if it is gone."""
        ...

    def create_draft(self, raw: bytes, thread_id: str | None) -> DraftRef:
        """Create one draft, one attempt; a FollowupError says why it failed."""
        ...

    def get_draft(self, draft_id: str) -> DraftRef | None:
        """The draft now, or None when it is gone (sent or deleted)."""
        ...

    def draft_key(self, draft_id: str) -> str | None:
        """The key header value a draft carries, or None if it carries none or is gone."""
        ...

    def list_drafts(self) -> list[DraftRef]:
        """Every draft in the mailbox."""
        ...

    def delete_draft(self, draft_id: str) -> bool:
        """Delete a draft; False when it was already gone."""
        ...

    def sender_identity(self) -> SendAs:
        """The display name and plain-text signature the account sends new mail with."""
        ...


class CalendarSource(Protocol):
    """The calendar calls a tick makes: reading events, and the optional reminder events."""

    def sync(
        self, calendar_id: str, sync_token: str | None, *, now: datetime, fallback_zone: str
    ) -> CalendarSync:
        """The changes since the token (all events when there is none or it expired)."""
        ...

    def add_reminder(self, event: ReminderEvent) -> bool:
        """Insert a reminder (made before counts as made); False when the user deleted it."""
        ...

    def move_reminder(self, event: ReminderEvent) -> bool:
        """Move a reminder; False when the user deleted it."""
        ...

    def remove_reminder(self, calendar_id: str, event_id: str) -> bool:
        """Delete a reminder; False when it was already gone."""
        ...
