"""The shared vocabulary: the steps of a sequence, the states of steps and interviews."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
    email_template: str | None = None  # a draft per recipient: "Subject: ...", a blank line, body
    voicemail_template: str | None = None  # the call script carrying the email's points
    cue_template: str | None = None  # what to do or ask at the step's time
    reminder_title: str | None = None  # calendar reminder summary ({who}, {company}); None: none

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
            StepName.THANK_YOU, "thank-you",
            email_template="thank_you.email.j2", voicemail_template="thank_you.voicemail.j2",
            reminder_title="Thank-you draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(
            StepName.CHECK_IN, "check-in",
            email_template="check_in.email.j2", voicemail_template="check_in.voicemail.j2",
            reminder_title="Check-in draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(
            StepName.REMINDER, "reminder",
            email_template="reminder.email.j2", voicemail_template="reminder.voicemail.j2",
            reminder_title="Reminder draft for {who} ({company}) is in Gmail",
        ),
        StepInfo(StepName.CLOSED, "closing"),
    )
}
STEP_ORDER: tuple[StepName, ...] = tuple(STEPS)  # the order the steps happen in
EMAIL_STEPS: tuple[StepName, ...] = tuple(s for s, i in STEPS.items() if i.email_template)
REMINDED_STEPS: tuple[StepName, ...] = tuple(s for s, i in STEPS.items() if i.reminder_title)

# The header on each of our drafts naming its step (opaque value: core/headers.draft_key_value).
KEY_HEADER = "X-Followup-Key"


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
