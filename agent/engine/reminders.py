"""Optional calendar reminders: a short event at each step's time, kept in line with the plan."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent.core.model import Interview, StepName, StepState
from agent.core.spoken import cue, voicemail
from agent.core.text import one_line
from agent.engine.context import Context
from agent.engine.draft_life import contact_for
from agent.google.calendar import REMINDER_PROPERTY
from agent.store import sequences

log = logging.getLogger(__name__)

REMINDED_STEPS = (StepName.ASK, StepName.THANK_YOU, StepName.CHECK_IN, StepName.REMINDER)
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
TITLES = {
    StepName.ASK: "Ask {who} when to follow up ({company} interview)",
    StepName.THANK_YOU: "Thank-you draft for {who} ({company}) is in Gmail",
    StepName.CHECK_IN: "Check-in draft for {who} ({company}) is in Gmail",
    StepName.REMINDER: "Reminder draft for {who} ({company}) is in Gmail",
}


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


def reminder_body(
    ctx: Context, interview: Interview, want: Wanted, event_id: str
) -> dict[str, Any]:
    """The Calendar events resource of one reminder."""
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
        description = cue(ctx.settings, ctx.templates, interview)
    else:
        scripts = []
        for contact in people:
            day = want.due.astimezone(ctx.zone).date()
            script = voicemail(ctx.settings, ctx.templates, want.step, interview, contact, day)
            phone = interview.notes.phone or "no number noted (add `Phone:` to the event)"
            scripts.append(f"Call {contact.name or contact.email}: {phone}\n\n{script.strip()}")
        description = "\n\n---\n\n".join(scripts)
    start = want.due.astimezone(ctx.zone)
    return {
        "id": event_id,
        "summary": summary,
        "description": description,
        "start": {"dateTime": start.isoformat(), "timeZone": ctx.zone.key},
        "end": {"dateTime": (start + LENGTH).isoformat(), "timeZone": ctx.zone.key},
        "transparency": "transparent",
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": "popup", "minutes": ctx.settings.reminders.popup_minutes}],
        },
        "extendedProperties": {
            "private": {REMINDER_PROPERTY: "1", "followupStep": want.step.value}
        },
    }


def sync_reminders(ctx: Context, now: datetime) -> None:
    """Create, move and remove reminder events so the calendar matches the steps (API calls only
    for differences, so an idle tick costs nothing here)."""
    conn = ctx.store.conn
    calendar_id = ctx.settings.reminders.calendar
    wanted = wanted_reminders(conn)
    have = {
        (r["interview_key"], StepName(r["step"])): r
        for r in conn.execute("SELECT * FROM reminders WHERE state = 'created'").fetchall()
    }
    for key, want in wanted.items():
        existing = have.get(key)
        if existing is None:
            _create(ctx, want, calendar_id, now)
        elif existing["due"] != want.due.isoformat():
            _move(ctx, want, existing, now)
    for key, existing in have.items():
        if key not in wanted and datetime.fromisoformat(existing["due"]) > now:
            _remove(ctx, existing)


def _events(ctx: Context) -> Any:
    """The Calendar events collection."""
    return ctx.services.calendar.events()


def _create(ctx: Context, want: Wanted, calendar_id: str, now: datetime) -> None:
    """Insert the reminder with its deterministic id; a 409 means an earlier run made it.

    The fixed id makes the insert idempotent, so unlike drafts.create it may be retried.
    """
    from googleapiclient.errors import HttpError

    row = sequences.get_interview(ctx.store.conn, want.interview_key)
    if row is None:
        return
    event_id = reminder_event_id(want.interview_key, want.step)
    if ctx.dry_run:
        ctx.run.note("would-remind", want.interview_key, f"{want.step.value} reminder")
        return
    body = reminder_body(ctx, row.interview, want, event_id)
    request = _events(ctx).insert(calendarId=calendar_id, body=body)
    try:
        ctx.services.api.read(request, "adding a calendar reminder", expect=frozenset({409}))
    except HttpError:
        log.info("reminder %s already on the calendar", event_id)
    with ctx.store.write():
        ctx.store.conn.execute(
            "INSERT INTO reminders(interview_key, step, calendar_id, event_id, due, state) "
            "VALUES(?, ?, ?, ?, ?, 'created') ON CONFLICT(interview_key, step) DO UPDATE SET "
            "due = excluded.due, state = 'created'",
            (want.interview_key, want.step.value, calendar_id, event_id, want.due.isoformat()),
        )
    ctx.run.note("reminder", want.interview_key, f"{want.step.value} reminder on the calendar")


def _move(ctx: Context, want: Wanted, existing: sqlite3.Row, now: datetime) -> None:
    """Move a reminder with its step."""
    if ctx.dry_run:
        return
    start = want.due.astimezone(ctx.zone)
    patch = {
        "start": {"dateTime": start.isoformat(), "timeZone": ctx.zone.key},
        "end": {"dateTime": (start + LENGTH).isoformat(), "timeZone": ctx.zone.key},
    }
    request = _events(ctx).patch(
        calendarId=existing["calendar_id"], eventId=existing["event_id"], body=patch
    )
    from googleapiclient.errors import HttpError

    try:
        ctx.services.api.read(request, "moving a calendar reminder", expect=frozenset({404, 410}))
    except HttpError:
        log.info("reminder %s was deleted by the user; not recreated", existing["event_id"])
    with ctx.store.write():
        ctx.store.conn.execute(
            "UPDATE reminders SET due = ? WHERE interview_key = ? AND step = ?",
            (want.due.isoformat(), existing["interview_key"], existing["step"]),
        )
    ctx.run.note("reminder", want.interview_key, f"{want.step.value} reminder moved")


def _remove(ctx: Context, existing: sqlite3.Row) -> None:
    """Delete a reminder whose step no longer happens."""
    from googleapiclient.errors import HttpError

    if ctx.dry_run:
        return
    request = _events(ctx).delete(calendarId=existing["calendar_id"], eventId=existing["event_id"])
    with contextlib.suppress(HttpError):  # already gone: the user deleted it
        ctx.services.api.read(request, "removing a calendar reminder", expect=frozenset({404, 410}))
    with ctx.store.write():
        ctx.store.conn.execute(
            "UPDATE reminders SET state = 'deleted' WHERE interview_key = ? AND step = ?",
            (existing["interview_key"], existing["step"]),
        )
    ctx.run.note("reminder", existing["interview_key"], f"{existing['step']} reminder removed")
