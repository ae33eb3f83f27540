"""Calendar events and messages that could not be processed, kept with the reason."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime

from agent.store import records


@dataclass(frozen=True)
class SetAside:
    """One item a tick could not process: it was passed over so that the others go on."""

    kind: str  # "event" or "message"
    item_id: str
    title: str
    reason: str
    at: datetime


def put(conn: sqlite3.Connection, item: SetAside) -> None:
    """Remember an item set aside (a later failure of the same item replaces the reason)."""
    records.put(conn, "set_aside", asdict(item))


def clear(conn: sqlite3.Connection, kind: str, item_id: str) -> None:
    """Forget an item that was processed after all (a changed event)."""
    conn.execute("DELETE FROM set_aside WHERE kind = ? AND item_id = ?", (kind, item_id))


def listed(conn: sqlite3.Connection) -> list[SetAside]:
    """Every item set aside, oldest first."""
    rows = conn.execute("SELECT * FROM set_aside ORDER BY at, kind, item_id").fetchall()
    return [records.from_row(SetAside, r) for r in rows]


def has(conn: sqlite3.Connection, kind: str, item_id: str) -> bool:
    """True when this item is set aside."""
    row = conn.execute(
        "SELECT 1 FROM set_aside WHERE kind = ? AND item_id = ?", (kind, item_id)
    ).fetchone()
    return row is not None
