"""The calendar side: an event as read (or why it is not used), and the interview it may be."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agent.core.model import StepName


@dataclass(frozen=True)
class Contact:
    """An interviewer the candidate follows up with."""

    email: str
    name: str = ""

    @property
    def first_name(self) -> str:
        """The first word of the name, else the mailbox's local part."""
        if self.name.strip():
            return self.name.split()[0]
        return self.email.split("@", 1)[0]


@dataclass(frozen=True)
class Notes:
    """The candidate's notes for one interview (description lines or `followup note`)."""

    follow_up: str | None = None  # raw text the interviewer named: "Thursday", "2026-12-03 14:00"
    fit: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    start: str | None = None  # start date discussed, as written
    phone: str | None = None
    contacts: tuple[Contact, ...] = ()
    company: str | None = None
    role: str | None = None
    ignored: tuple[str, ...] = ()  # note lines not taken, each with the reason (for `status`)


@dataclass(frozen=True)
class Interview:
    """A calendar event that is a trusted job interview, with what the agent needs."""

    key: str  # stable: "<calendar_id>/<event_id>"
    calendar_id: str
    event_id: str
    title: str
    start: datetime
    end: datetime
    contacts: tuple[Contact, ...]  # one thank-you each
    primary: Contact  # check-in and reminder go here
    company: str
    role: str
    notes: Notes = field(default_factory=Notes)


@dataclass(frozen=True)
class PlannedStep:
    """One step of the plan: when it is due and who it goes to."""

    name: StepName
    due: datetime  # timezone-aware, in the user's zone
    recipients: tuple[Contact, ...] = ()  # empty for cues and `closed`
    branch: str = ""  # check_in: "named" or "next_day"; closed: "not_sent" when a draft waited
    held: bool = False  # waits for the candidate to send or delete our previous draft
    reason: str = ""  # held: what it waits for; closed "not_sent": why it closes


@dataclass(frozen=True)
class Attendee:
    """One attendee entry of a calendar event."""

    email: str
    name: str = ""
    response_status: str = "needsAction"  # needsAction | declined | tentative | accepted
    is_self: bool = False
    is_resource: bool = False
    is_organizer: bool = False


@dataclass(frozen=True)
class CalendarEvent:
    """A calendar event as the agent sees it (converted at the API boundary)."""

    calendar_id: str
    event_id: str
    status: str  # confirmed | tentative | cancelled
    summary: str = ""
    description: str = ""
    start: datetime | None = None  # timezone-aware; None when all-day or cancelled stub
    end: datetime | None = None
    all_day: bool = False
    organizer: Contact | None = None
    organizer_is_self: bool = False
    attendees: tuple[Attendee, ...] = ()
    event_type: str = "default"  # default | outOfOffice | focusTime | workingLocation ...
    is_agent_reminder: bool = False  # created by this agent (extendedProperties.private)


@dataclass(frozen=True)
class Rejection:
    """Why an event is not acted on as an interview (shown in status and the demo)."""

    calendar_id: str
    event_id: str
    title: str
    reason: str
