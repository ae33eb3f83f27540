"""An interview the agent follows up on: its contacts, the candidate's notes, its planned steps."""

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
