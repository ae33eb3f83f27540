"""The calendar side of state.db: each interview's event as last seen, and why events were passed
over. Events that are not interviews are never kept: their text is private."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from agent.core.events import CalendarEvent, Rejection
from agent.store import records


def _dt(value: str | None) -> datetime | None:
    """Parse a stored ISO timestamp."""
    return datetime.fromisoformat(value) if value else None


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
    return [(Rejection(r[0], r[1], r[2], r[3]), _dt(r[4])) for r in rows]
