"""Calendar events in state.db: interviews' as last seen, why others were passed over, reminders."""

# Events that are not interviews are never kept: their text is private.

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from agent.core.interviews import CalendarEvent, Rejection
from agent.core.model import StepName
from agent.store import records


def put_event(conn: sqlite3.Connection, event: CalendarEvent) -> None:
    """Remember the latest version of an interview's event."""
    conn.execute(
        "INSERT INTO events(calendar_id, event_id, data) VALUES(?, ?, ?) "
        "ON CONFLICT(calendar_id, event_id) DO UPDATE SET data = excluded.data",
        (event.calendar_id, event.event_id, records.dumps(event)),
    )


def forget_event(conn: sqlite3.Connection, calendar_id: str, event_id: str) -> None:
    """Drop an event that is no longer an interview."""
    conn.execute(
        "DELETE FROM events WHERE calendar_id = ? AND event_id = ?", (calendar_id, event_id)
    )


def get_event(conn: sqlite3.Connection, calendar_id: str, event_id: str) -> CalendarEvent | None:
    """The stored version of an event."""
    row = conn.execute(
        "SELECT data FROM events WHERE calendar_id = ? AND event_id = ?", (calendar_id, event_id)
    ).fetchone()
    return None if row is None else records.loads(CalendarEvent, row[0])


def put_rejection(conn: sqlite3.Connection, rejection: Rejection, start: datetime | None) -> None:
    """Remember why an event is not acted on."""
    conn.execute(
        "INSERT INTO rejections(calendar_id, event_id, title, reason, start) VALUES(?, ?, ?, ?, ?) "
        "ON CONFLICT(calendar_id, event_id) DO UPDATE SET title = excluded.title, "
        "reason = excluded.reason, start = excluded.start",
        (
            rejection.calendar_id,
            rejection.event_id,
            rejection.title,
            rejection.reason,
            start.isoformat() if start else None,
        ),
    )


def clear_rejection(conn: sqlite3.Connection, calendar_id: str, event_id: str) -> None:
    """Forget a rejection (the event became an interview or vanished)."""
    conn.execute(
        "DELETE FROM rejections WHERE calendar_id = ? AND event_id = ?", (calendar_id, event_id)
    )


def list_rejections(conn: sqlite3.Connection) -> list[tuple[Rejection, datetime | None]]:
    """Every rejected event with its start."""
    rows = conn.execute(
        "SELECT calendar_id, event_id, title, reason, start FROM rejections ORDER BY start"
    ).fetchall()
    return [(Rejection(r[0], r[1], r[2], r[3]), records.moment(r[4])) for r in rows]


# --- the reminder events put on the calendar --------------------------------------------------


@dataclass(frozen=True)
class ReminderRow:
    """A reminder event on the calendar, and the step time it stands for."""

    interview_key: str
    step: StepName
    calendar_id: str
    event_id: str
    due: datetime


def created_reminders(conn: sqlite3.Connection) -> dict[tuple[str, StepName], ReminderRow]:
    """Every reminder put on the calendar and not removed since, by (interview, step)."""
    rows = conn.execute(
        "SELECT interview_key, step, calendar_id, event_id, due FROM reminders "
        "WHERE state = 'created'"
    ).fetchall()
    found = [ReminderRow(r[0], StepName(r[1]), r[2], r[3], datetime.fromisoformat(r[4]))
             for r in rows]
    return {(row.interview_key, row.step): row for row in found}


def put_reminder(conn: sqlite3.Connection, row: ReminderRow, state: str) -> None:
    """Remember a reminder and its due time as `created`, `deleted` or `dismissed`."""
    # created: on the calendar; dismissed: the user deleted it, so it is never made again.
    conn.execute(
        "INSERT INTO reminders(interview_key, step, calendar_id, event_id, due, state) "
        "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(interview_key, step) DO UPDATE SET "
        "due = excluded.due, state = excluded.state",
        (row.interview_key, row.step, row.calendar_id, row.event_id, row.due.isoformat(), state),
    )


def dismissed_reminders(conn: sqlite3.Connection) -> set[tuple[str, StepName]]:
    """The (interview, step) reminders the user deleted from the calendar."""
    rows = conn.execute(
        "SELECT interview_key, step FROM reminders WHERE state = 'dismissed'"
    ).fetchall()
    return {(r[0], StepName(r[1])) for r in rows}
