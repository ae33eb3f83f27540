"""Value objects shared across the agent's boundaries."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class StepName(enum.StrEnum):
    """The steps of one interview's sequence, in order."""

    ASK = "ask"
    THANK_YOU = "thank_you"
    CHECK_IN = "check_in"
    REMINDER = "reminder"
    CLOSED = "closed"


@dataclass(frozen=True)
class StepInfo:
    """What one step is. Adding a step means a row in STEPS, its template files and tests."""

    name: StepName
    label: str  # how the user reads it: "thank-you"
    is_email: bool = False  # becomes one Gmail draft per recipient
    email_template: str | None = None  # "Subject: ...", a blank line, the plain-text body
    voicemail_template: str | None = None  # the call script carrying the email's points
    cue_template: str | None = None  # what to do or ask at the step's time
    reminder_title: str | None = None  # calendar reminder summary ({who}, {company}); None: none

    @property
    def has_voicemail(self) -> bool:
        """True when the step comes with a voicemail script."""
        return self.voicemail_template is not None

    @property
    def templates(self) -> tuple[str, ...]:
        """Every template file the step uses."""
        named = (self.email_template, self.voicemail_template, self.cue_template)
        return tuple(t for t in named if t is not None)


STEPS: dict[StepName, StepInfo] = {
    info.name: info
    for info in (
        StepInfo(
            StepName.ASK, "ask", cue_template="ask.cue.j2",
            reminder_title="Ask {who} when to follow up ({company} interview)",
        ),
        StepInfo(
            StepName.THANK_YOU, "thank-you", is_email=True,
            email_template="thank_you.email.j2", voicemail_template="thank_you.voicemail.j2",
            reminder_title="Thank-you draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(
            StepName.CHECK_IN, "check-in", is_email=True,
            email_template="check_in.email.j2", voicemail_template="check_in.voicemail.j2",
            reminder_title="Check-in draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(
            StepName.REMINDER, "reminder", is_email=True,
            email_template="reminder.email.j2", voicemail_template="reminder.voicemail.j2",
            reminder_title="Reminder draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(StepName.CLOSED, "closing"),
    )
}
STEP_ORDER: tuple[StepName, ...] = tuple(STEPS)  # the order the steps happen in
EMAIL_STEPS: tuple[StepName, ...] = tuple(s for s, info in STEPS.items() if info.is_email)
REMINDED_STEPS: tuple[StepName, ...] = tuple(s for s, i in STEPS.items() if i.reminder_title)


class StepState(enum.StrEnum):
    """Where one (step, recipient) stands."""

    PLANNED = "planned"  # not yet due
    INTENT = "intent"  # drafts.create about to be called (or its result not yet stored)
    DRAFTED = "drafted"  # draft exists in Gmail
    SENT = "sent"  # the user sent the agent's draft
    SENT_BY_USER = "sent_by_user"  # the user wrote their own message to the contact
    DISMISSED = "dismissed"  # the user deleted the agent's draft
    SKIPPED = "skipped"  # passed while a later step was due, or otherwise not applicable
    STOPPED = "stopped"  # the sequence stopped before this step
    DONE = "done"  # a cue or the closing step happened


UNSETTLED = (StepState.PLANNED, StepState.INTENT)  # not drafted or decided yet


class InterviewStatus(enum.StrEnum):
    """Where one interview's sequence stands."""

    ACTIVE = "active"
    REPLIED = "replied"  # employer answered: stopped
    PAUSED = "paused"  # a follow-up bounced
    CANCELLED = "cancelled"  # event cancelled before it happened
    SUPERSEDED = "superseded"  # a later interview with the same company took over
    STOPPED = "stopped"  # the user stopped it
    CLOSED = "closed"  # the sequence ran to its end
    GONE = "gone"  # no longer an interview (retitled, declined, removed)


WATCHED = (InterviewStatus.ACTIVE, InterviewStatus.PAUSED)  # sequences whose mail is still read


def domain_of(address: str) -> str:
    """The lowercased domain of a mail address, without a trailing dot ('' when there is none)."""
    if "@" not in address:
        return ""
    return address.rpartition("@")[2].strip().lower().strip(".")


@dataclass(frozen=True)
class Person:
    """Someone named on a calendar event."""

    email: str
    name: str = ""


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
    location: str = ""
    start: datetime | None = None  # timezone-aware; None when all-day or cancelled stub
    end: datetime | None = None
    all_day: bool = False
    start_date: date | None = None  # all-day events only
    organizer: Person | None = None
    organizer_is_self: bool = False
    attendees: tuple[Attendee, ...] = ()
    recurring_event_id: str | None = None
    original_start: datetime | None = None
    updated: datetime | None = None
    event_type: str = "default"  # default | outOfOffice | focusTime | workingLocation ...
    is_agent_reminder: bool = False  # created by this agent (extendedProperties.private)


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
class Rejection:
    """Why an event is not acted on as an interview (shown in status and the demo)."""

    calendar_id: str
    event_id: str
    title: str
    reason: str


@dataclass(frozen=True)
class PlannedStep:
    """One step of the plan: when it is due and who it goes to."""

    name: StepName
    due: datetime  # timezone-aware, in the user's zone
    recipients: tuple[Contact, ...] = ()  # empty for cues and `closed`
    branch: str = ""  # check_in: "named" or "next_day"; closed: "not_sent" when a draft waited
    held: bool = False  # waits for the candidate to send or delete our previous draft
    reason: str = ""  # held: what it waits for; closed "not_sent": why it closes

    @property
    def is_email(self) -> bool:
        """True for the steps that become drafts."""
        return self.name in EMAIL_STEPS


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
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return ""


class MessageKind(enum.StrEnum):
    """What an incoming message means for a sequence."""

    EMPLOYER_REPLY = "employer_reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
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
