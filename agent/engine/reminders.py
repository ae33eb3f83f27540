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
from agent.core.interviews import Interview
from agent.core.model import REMINDED_STEPS, STEPS, StepName, StepState
from agent.core.ports import ReminderEvent
from agent.core.text import one_line
from agent.engine.context import Context
from agent.store import reminder_rows, sequences
from agent.store.reminder_rows import ReminderRow

log = logging.getLogger(__name__)

LIVE_STATES = frozenset(
    {
        StepState.PLANNED,
        StepState.INTENT,
        StepState.DRAFTED,
        StepState.SENT,
        StepState.SENT_BY_USER,
        StepState.DONE,
    }
)
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


def reminder_event(ctx: Context, interview: Interview, want: Wanted) -> ReminderEvent:
    """The reminder event of one step: who to call or ask, with the script to read."""
    from agent.engine.draft_life import contact_for
    from agent.engine.scripts import call_script, cue

    recipients = [
        r.recipient
        for r in sequences.get_steps(ctx.store.conn, interview.key)
        if r.step == want.step and r.recipient
    ]
    people = [contact_for(interview, r) for r in recipients] or [interview.primary]
    who = ", ".join(c.name or c.email for c in people)
    company = interview.company or interview.title
    summary = one_line(TITLES[want.step].format(who=who, company=company), 200)
    if want.step == StepName.ASK:
        description = cue(ctx, interview)
    else:
        scripts = []
        for contact in people:
            day = want.due.astimezone(ctx.zone).date()
            script = call_script(ctx, interview.key, want.step, contact, day)
            phone = interview.notes.phone or "no number noted (add `Phone:` to the event)"
            scripts.append(f"Call {contact.name or contact.email}: {phone}\n\n{script.strip()}")
        description = "\n\n---\n\n".join(scripts)
    start = want.due.astimezone(ctx.zone)
    return ReminderEvent(
        calendar_id=ctx.settings.reminders.calendar,
        event_id=reminder_event_id(want.interview_key, want.step),
        summary=summary,
        description=description,
        start=start,
        end=start + LENGTH,
        zone=ctx.zone.key,
        popup_minutes=ctx.settings.reminders.popup_minutes,
        step=want.step.value,
    )


def sync_reminders(ctx: Context, now: datetime) -> None:
    """Create, move and remove reminder events so the calendar matches the steps (API calls only
    for differences, so an idle tick costs nothing here).

    A reminder the user deleted is their choice: never made again. Reminders are a help, not
    the product: one that fails is logged and tried again next run, and never ends a tick.
    """
    conn = ctx.store.conn
    wanted = wanted_reminders(conn)
    have = reminder_rows.created_reminders(conn)
    dismissed = reminder_rows.dismissed_reminders(conn)
    for key, want in wanted.items():
        existing = have.get(key)
        if key in dismissed:
            continue
        if existing is None:
            _attempt(ctx, want.interview_key, lambda w=want: _create(ctx, w))
        elif existing.due != want.due:
            _attempt(ctx, want.interview_key, lambda w=want, e=existing: _move(ctx, w, e))
    for key, existing in have.items():
        if key not in wanted and existing.due > now:
            _attempt(ctx, existing.interview_key, lambda e=existing: _remove(ctx, e))


def _attempt(ctx: Context, key: str, change: Callable[[], None]) -> None:
    """One reminder change; a failure (Google's, the token's) is reported, not raised."""
    try:
        change()
    except FollowupError as exc:
        log.warning("calendar reminder not updated, tried again next run: %s", exc)
        ctx.run.note("reminder-failed", key, f"{exc}; tried again next run")


def _create(ctx: Context, want: Wanted) -> None:
    """Put a reminder on the calendar (an earlier run may have made it; the user may have
    deleted it)."""
    row = sequences.get_interview(ctx.store.conn, want.interview_key)
    if row is None:
        return
    if ctx.dry_run:
        ctx.run.note("would-remind", want.interview_key, f"{want.step.value} reminder")
        return
    event = reminder_event(ctx, row.interview, want)
    made = ReminderRow(want.interview_key, want.step, event.calendar_id, event.event_id, want.due)
    if not ctx.calendar.add_reminder(event):
        _dismissed(ctx, made)
        return
    with ctx.store.write():
        reminder_rows.record_created(ctx.store.conn, made)
    ctx.run.note("reminder", want.interview_key, f"{want.step.value} reminder on the calendar")


def _move(ctx: Context, want: Wanted, existing: ReminderRow) -> None:
    """Move a reminder with its step."""
    if ctx.dry_run:
        return
    row = sequences.get_interview(ctx.store.conn, want.interview_key)
    if row is None:
        return
    event = reminder_event(ctx, row.interview, want)
    event = dataclasses.replace(event, calendar_id=existing.calendar_id, event_id=existing.event_id)
    if not ctx.calendar.move_reminder(event):
        _dismissed(ctx, existing)
        return
    with ctx.store.write():
        reminder_rows.record_moved(ctx.store.conn, want.interview_key, want.step, want.due)
    ctx.run.note("reminder", want.interview_key, f"{want.step.value} reminder moved")


def _dismissed(ctx: Context, row: ReminderRow) -> None:
    """The user deleted this reminder from the calendar: remember it, never make it again."""
    log.info("reminder %s was deleted by the user; not made again", row.event_id)
    with ctx.store.write():
        reminder_rows.record_dismissed(ctx.store.conn, row)
    ctx.run.note(
        "reminder", row.interview_key, f"{row.step.value} reminder deleted by you; not made again"
    )


def _remove(ctx: Context, existing: ReminderRow) -> None:
    """Delete a reminder whose step no longer happens (already gone: the user deleted it)."""
    if ctx.dry_run:
        return
    ctx.calendar.remove_reminder(existing.calendar_id, existing.event_id)
    with ctx.store.write():
        reminder_rows.record_removed(ctx.store.conn, existing.interview_key, existing.step)
    ctx.run.note("reminder", existing.interview_key, f"{existing.step.value} reminder removed")
