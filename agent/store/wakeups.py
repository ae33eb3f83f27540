"""Each idle interview's next wake-up, so an idle tick plans only what changed or is due.

A row says: under these inputs (settings, zone, code), nothing of this interview can happen
before `wake_at` (NULL: not by time alone). Triggers (store/db.py) delete the row whenever the
interview, its notes, steps or sent messages are written, by the engine or any command.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime


def to_plan(
    conn: sqlite3.Connection, now: datetime, inputs: str
) -> tuple[set[str], datetime | None]:
    """Active interviews to plan now (no valid wake-up, or it came), and the idle ones' earliest."""
    stamp = now.timestamp()
    rows = conn.execute(
        "SELECT i.key, w.wake_at, w.inputs FROM interviews i"
        " LEFT JOIN wakeups w ON w.interview_key = i.key WHERE i.status = 'active'"
    ).fetchall()
    todo: set[str] = set()
    earliest: float | None = None
    for key, wake_at, their_inputs in rows:
        if their_inputs != inputs or (wake_at is not None and wake_at <= stamp):
            todo.add(key)
        elif wake_at is not None and (earliest is None or wake_at < earliest):
            earliest = wake_at
    return todo, None if earliest is None else datetime.fromtimestamp(earliest, UTC)


def remember(conn: sqlite3.Connection, key: str, wake_at: datetime | None, inputs: str) -> None:
    """Nothing of this interview happens before `wake_at` (None: not by time alone)."""
    conn.execute(
        "INSERT OR REPLACE INTO wakeups (interview_key, wake_at, inputs) VALUES (?, ?, ?)",
        (key, None if wake_at is None else wake_at.timestamp(), inputs),
    )
