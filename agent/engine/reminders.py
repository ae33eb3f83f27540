"""Optional calendar reminders: a short event at each step's time, kept in line with the plan."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.core.errors import FollowupError
from agent.core.model import REMINDED_STEPS, STEPS, StepName, StepState
from agent.core.ports import ReminderEvent
from agent.core.text import one_line
from agent.engine.sequence import planned_step
from agent.engine.wording import cue, voicemail
from agent.engine.work import Pass, Sequence
from agent.store import events, sequences
from agent.store.events import ReminderRow

log = logging.getLogger(__name__)

LIVE_STATES = frozenset({
    StepState.PLANNED, StepState.INTENT, StepState.DRAFTED, StepState.SENT, StepState.SENT_BY_USER,
    StepState.DONE,
})
LENGTH = timedelta(minutes=15)
TITLES = {step: STEPS[step].reminder_title or step.value for step in REMINDED_STEPS}


@dataclass(frozen=True)
class Wanted:
    """One reminder event that should exist."""

    interview_key: str
    step: StepName
    due: datetime


def reminder_event_id(interview_key: str, step: StepName) -> str:
    """A deterministic Calendar event id (base32hex), so a repeated insert is a harmless 409."""
    digest = hashlib.sha1(f"{interview_key}#{step.value}".encode()).digest()
    return "fu" + base64.b32hexencode(digest).decode("ascii").lower().rstrip("=")


def wanted_reminders(conn: sqlite3.Connection) -> dict[tuple[str, StepName], Wanted]:
    """Every (interview, step) whose reminder should be on the calendar now."""
    wanted: dict[tuple[str, StepName], Wanted] = {}
    for row in sequences.steps_in_state(conn, LIVE_STATES):
        if row.step in REMINDED_STEPS:
            wanted[(row.interview_key, row.step)] = Wanted(row.interview_key, row.step, row.due)
    return wanted


def reminder_event(seq: Sequence, want: Wanted) -> ReminderEvent:
    """The reminder event of one step: who to call or ask, with the script to read."""
    p, interview = seq.p, seq.interview
    people = [seq.contact(r.recipient) for r in seq.rows(want.step) if r.recipient]
    people = people or [interview.primary]
    who = ", ".join(c.name or c.email for c in people)
    company = interview.company or interview.title
    summary = one_line(TITLES[want.step].format(who=who, company=company), 200)
    planned = planned_step(seq, want.step)
    if want.step == StepName.ASK or planned is None:
        description = cue(p, interview)
    else:
        scripts = []
        for contact in people:
            script = voicemail(seq, planned, contact, want.due.astimezone(p.zone).date())
            phone = interview.notes.phone or "no number noted (add `Phone:` to the event)"
            scripts.append(f"Call {contact.name or contact.email}: {phone}\n\n{script.strip()}")
        description = "\n\n---\n\n".join(scripts)
    start = want.due.astimezone(p.zone)
    return ReminderEvent(
        calendar_id=p.settings.reminders.calendar,
        event_id=reminder_event_id(want.interview_key, want.step),
        summary=summary,
        description=description,
        start=start,
        end=start + LENGTH,
        zone=p.zone.key,
        popup_minutes=p.settings.reminders.popup_minutes,
        step=want.step.value,
    )


def sync_reminders(p: Pass) -> None:
    """Create, move and remove reminder events so the calendar matches the steps (API calls only
    for differences, so an idle pass costs nothing here).

    A reminder the user deleted is their choice: never made again. Reminders are a help, not
    the product: one that fails is logged and tried again next pass, and never ends a pass.
    """
    wanted = wanted_reminders(p.conn)
    have = events.created_reminders(p.conn)
    dismissed = events.dismissed_reminders(p.conn)
    for key, want in wanted.items():
        existing = have.get(key)
        if key not in dismissed and (existing is None or existing.due != want.due):
            _attempt(p, want.interview_key, lambda w=want, e=existing: _put(p, w, e))
    for key, existing in have.items():
        if key not in wanted and existing.due > p.now:
            _attempt(p, existing.interview_key, lambda e=existing: _remove(p, e))


def _attempt(p: Pass, key: str, change: Callable[[], None]) -> None:
    """One reminder change; a failure (Google's, the token's) is reported, not raised."""
    try:
        change()
    except FollowupError as exc:
        log.warning("calendar reminder not updated, tried again next run: %s", exc)
        p.note("reminder-failed", key, f"{exc}; tried again next run")


def _put(p: Pass, want: Wanted, existing: ReminderRow | None) -> None:
    """Put a reminder on the calendar, or move it with its step (an earlier pass may have made
    it; the user may have deleted it)."""
    seq = p.sequence(want.interview_key)
    if seq is None or (p.dry_run and existing is not None):
        return
    if p.dry_run:
        p.note("would-remind", want.interview_key, f"{want.step.value} reminder")
        return
    event = reminder_event(seq, want)
    if existing is None:
        row = ReminderRow(
            want.interview_key, want.step, event.calendar_id, event.event_id, want.due
        )
        done, how = p.session.calendar.add_reminder(event), "on the calendar"
    else:
        row = dataclasses.replace(existing, due=want.due)
        event = dataclasses.replace(
            event, calendar_id=existing.calendar_id, event_id=existing.event_id
        )
        done, how = p.session.calendar.move_reminder(event), "moved"
    if not done:  # the user deleted it from the calendar: remembered, never made again
        log.info("reminder %s was deleted by the user; not made again", row.event_id)
        with p.write():
            events.put_reminder(p.conn, row, "dismissed")
            p.note("reminder", row.interview_key,
                   f"{row.step.value} reminder deleted by you; not made again")
        return
    with p.write():
        events.put_reminder(p.conn, row, "created")
        p.note("reminder", want.interview_key, f"{want.step.value} reminder {how}")


def _remove(p: Pass, existing: ReminderRow) -> None:
    """Delete a reminder whose step no longer happens (already gone: the user deleted it)."""
    if p.dry_run:
        return
    p.session.calendar.remove_reminder(existing.calendar_id, existing.event_id)
    with p.write():
        events.put_reminder(p.conn, existing, "deleted")
        p.note("reminder", existing.interview_key, f"{existing.step.value} reminder removed")
