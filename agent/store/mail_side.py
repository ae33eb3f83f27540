"""Queries over state.db for the mailbox side: what the candidate sent, which mail was applied."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SentRow:
    """A message the candidate sent to a contact (their own, or an agent draft they sent)."""

    interview_key: str
    contact: str
    message_id: str
    thread_id: str
    rfc_message_id: str
    subject: str
    references: str
    sent_at: datetime


# --- sent messages -----------------------------------------------------------------------------


def record_sent(conn: sqlite3.Connection, sent: SentRow) -> None:
    """Remember a message the candidate sent to a contact (once per message)."""
    conn.execute(
        "INSERT OR IGNORE INTO sent_messages(interview_key, contact, message_id, thread_id, "
        "rfc_message_id, subject, refs, sent_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sent.interview_key,
            sent.contact,
            sent.message_id,
            sent.thread_id,
            sent.rfc_message_id,
            sent.subject,
            sent.references,
            sent.sent_at.isoformat(),
        ),
    )


def sent_messages(conn: sqlite3.Connection, key: str) -> list[SentRow]:
    """Messages the candidate sent for an interview, oldest first."""
    rows = conn.execute(
        "SELECT * FROM sent_messages WHERE interview_key = ? ORDER BY sent_at, message_id", (key,)
    ).fetchall()
    return [
        SentRow(
            r["interview_key"],
            r["contact"],
            r["message_id"],
            r["thread_id"],
            r["rfc_message_id"],
            r["subject"],
            r["refs"],
            datetime.fromisoformat(r["sent_at"]),
        )
        for r in rows
    ]


# --- messages already applied ------------------------------------------------------------------


def message_seen(conn: sqlite3.Connection, message_id: str) -> bool:
    """True when this Gmail message was already applied."""
    return (
        conn.execute("SELECT 1 FROM seen_messages WHERE message_id = ?", (message_id,)).fetchone()
        is not None
    )


def seen_at(conn: sqlite3.Connection, message_id: str) -> datetime | None:
    """When this Gmail message was first applied, or None if never."""
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
