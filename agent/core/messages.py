"""Gmail messages as the agent sees them (converted at the API boundary), verdicts and drafts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from agent.core.interviews import Contact


@dataclass(frozen=True)
class ThreadRef:
    """The message a reply draft answers."""

    thread_id: str
    message_id_header: str  # the RFC 822 Message-ID of the answered message, with <>
    references: str = ""  # its References header, if any
    subject: str = ""


@dataclass(frozen=True)
class MessageMeta:
    """Metadata of one Gmail message (converted at the API boundary)."""

    id: str
    thread_id: str
    internal_date: datetime
    label_ids: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # (name, value) in order, names as sent
    snippet: str = ""  # Gmail's plain-text snippet of the body

    def header(self, name: str) -> str:
        """The first header of that name (case-insensitive), or ''."""
        lname = name.lower()
        return next((value for key, value in self.headers if key.lower() == lname), "")


class MessageKind(enum.StrEnum):
    """What an incoming message means for a sequence."""

    EMPLOYER_REPLY = "employer_reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    UNLINKED_BOUNCE = "unlinked_bounce"  # a failure notice naming a contact, not about our mail
    OWN = "own"  # sent by the user
    OTHER = "other"


@dataclass(frozen=True)
class Classification:
    """The verdict on one message for one interview."""

    kind: MessageKind
    reason: str = ""
    return_date: date | None = None  # out-of-office: when they are back (as written)
    bounced_address: str | None = None
    message_day: date | None = None  # out-of-office: the day of its own Date header


@dataclass(frozen=True)
class RenderedDraft:
    """A composed email ready for drafts.create, plus its voicemail script."""

    to: Contact
    subject: str
    body: str
    raw: bytes  # the serialized RFC 822 message
    thread_id: str | None = None
    voicemail: str = ""
