"""The reminder events state.db knows were put on the calendar."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from agent.core.model import StepName


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
    found = {}
    for r in rows:
        row = ReminderRow(
            r["interview_key"],
            StepName(r["step"]),
            r["calendar_id"],
            r["event_id"],
            datetime.fromisoformat(r["due"]),
        )
        found[(row.interview_key, row.step)] = row
    return found


def record_created(conn: sqlite3.Connection, row: ReminderRow) -> None:
    """Remember a reminder as on the calendar (again) at its due time."""
    conn.execute(
        "INSERT INTO reminders(interview_key, step, calendar_id, event_id, due, state) "
        "VALUES(?, ?, ?, ?, ?, 'created') ON CONFLICT(interview_key, step) DO UPDATE SET "
        "due = excluded.due, state = 'created'",
        (row.interview_key, row.step.value, row.calendar_id, row.event_id, row.due.isoformat()),
    )


def record_moved(conn: sqlite3.Connection, key: str, step: StepName, due: datetime) -> None:
    """Remember a reminder's new time."""
    conn.execute(
        "UPDATE reminders SET due = ? WHERE interview_key = ? AND step = ?",
        (due.isoformat(), key, step.value),
    )


def record_removed(conn: sqlite3.Connection, key: str, step: StepName) -> None:
    """Remember that a reminder is no longer on the calendar."""
    conn.execute(
        "UPDATE reminders SET state = 'deleted' WHERE interview_key = ? AND step = ?",
        (key, step.value),
    )


def record_dismissed(conn: sqlite3.Connection, row: ReminderRow) -> None:
    """Remember that the user deleted a reminder: it is not made again."""
    conn.execute(
        "INSERT INTO reminders(interview_key, step, calendar_id, event_id, due, state) "
        "VALUES(?, ?, ?, ?, ?, 'dismissed') ON CONFLICT(interview_key, step) DO UPDATE SET "
        "state = 'dismissed'",
        (row.interview_key, row.step.value, row.calendar_id, row.event_id, row.due.isoformat()),
    )


def dismissed_reminders(conn: sqlite3.Connection) -> set[tuple[str, StepName]]:
    """The (interview, step) reminders the user deleted from the calendar."""
    rows = conn.execute(
        "SELECT interview_key, step FROM reminders WHERE state = 'dismissed'"
    ).fetchall()
    return {(r[0], StepName(r[1])) for r in rows}
