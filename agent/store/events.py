"""Calendar events in state.db: interviews' as last seen, why others were passed over, reminders."""

# Events that are not interviews are never kept: their text is private.

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime

from agent.core.interviews import CalendarEvent, Rejection
from agent.core.model import StepName
from agent.store import records


def put_event(conn: sqlite3.Connection, event: CalendarEvent) -> None:
    """Remember the latest version of an interview's event."""
    row = {"calendar_id": event.calendar_id, "event_id": event.event_id}
    records.put(conn, "events", {**row, "data": records.dumps(event)})


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
    records.put(conn, "rejections", {**asdict(rejection), "start": start})


def clear_rejection(conn: sqlite3.Connection, calendar_id: str, event_id: str) -> None:
    """Forget a rejection (the event became an interview or vanished)."""
    conn.execute(
        "DELETE FROM rejections WHERE calendar_id = ? AND event_id = ?", (calendar_id, event_id)
    )


def list_rejections(conn: sqlite3.Connection) -> list[tuple[Rejection, datetime | None]]:
    """Every rejected event with its start."""
    rows = conn.execute("SELECT * FROM rejections ORDER BY start").fetchall()
    return [(records.from_row(Rejection, r), records.moment(r["start"])) for r in rows]


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
    rows = conn.execute("SELECT * FROM reminders WHERE state = 'created'").fetchall()
    found = [records.from_row(ReminderRow, r) for r in rows]
    return {(row.interview_key, row.step): row for row in found}


def put_reminder(conn: sqlite3.Connection, row: ReminderRow, state: str) -> None:
    """Remember a reminder and its due time as `created`, `deleted` or `dismissed`."""
    # created: on the calendar; dismissed: the user deleted it, so it is never made again.
    records.put(conn, "reminders", {**asdict(row), "state": state})


def dismissed_reminders(conn: sqlite3.Connection) -> set[tuple[str, StepName]]:
    """The (interview, step) reminders the user deleted from the calendar."""
    rows = conn.execute(
        "SELECT interview_key, step FROM reminders WHERE state = 'dismissed'"
    ).fetchall()
    return {(r[0], StepName(r[1])) for r in rows}
