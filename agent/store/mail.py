"""The inbox side of state.db: which messages were applied, and which no search found yet."""

# Gmail's search index lags behind history. A message history reports that is neither in a
# known thread nor the candidate's own is read only when a search finds it; one the search did
# not return is kept as pending, with when it was first seen, and looked for again by the next
# passes until it is read or older than the index's lag can be.

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from agent.store import records


@dataclass(frozen=True)
class Pending:
    """One message not found by a search yet."""

    message_id: str
    thread_id: str
    first_seen: datetime


def seen_at(conn: sqlite3.Connection, message_id: str) -> datetime | None:
    """When this message was applied, or None if never."""
    row = conn.execute(
        "SELECT seen_at FROM seen_messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    return None if row is None else datetime.fromisoformat(row[0])


def mark_seen(conn: sqlite3.Connection, message_id: str, now: datetime) -> None:
    """Remember that a message was applied, so it never counts twice."""
    conn.execute(
        "INSERT OR IGNORE INTO seen_messages(message_id, seen_at) VALUES(?, ?)",
        (message_id, now.isoformat()),
    )


def keep_pending(conn: sqlite3.Connection, items: Iterable[Pending]) -> None:
    """Remember messages not found yet (one first seen earlier keeps its moment)."""
    conn.executemany(
        "INSERT OR IGNORE INTO pending_mail(message_id, thread_id, first_seen) VALUES(?, ?, ?)",
        [(p.message_id, p.thread_id, p.first_seen.isoformat()) for p in items],
    )


def pending(conn: sqlite3.Connection) -> list[Pending]:
    """Every message still looked for, oldest first."""
    rows = conn.execute("SELECT * FROM pending_mail ORDER BY first_seen, message_id").fetchall()
    return [records.from_row(Pending, r) for r in rows]


def renew_pending(conn: sqlite3.Connection, message_ids: Iterable[str], now: datetime) -> None:
    """Found but not read yet (the budget ran out): look for them a full window from now."""
    conn.executemany(
        "UPDATE pending_mail SET first_seen = ? WHERE message_id = ?",
        [(now.isoformat(), m) for m in message_ids],
    )


def drop_pending(conn: sqlite3.Connection, message_ids: Iterable[str] | None = None) -> None:
    """Stop looking for these messages (None: for all of them)."""
    if message_ids is None:
        conn.execute("DELETE FROM pending_mail")
        return
    conn.executemany("DELETE FROM pending_mail WHERE message_id = ?", [(m,) for m in message_ids])
