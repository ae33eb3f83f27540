"""Bulk reads for the inbox: every watched sequence's threads and message ids in two queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def sequence_links(
    conn: sqlite3.Connection, statuses: Iterable[str]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(interview key -> thread ids, key -> Message-IDs sent) of interviews in these statuses.

    Threads are those of the sequence's drafts and of what the candidate sent.
    """
    wanted = tuple(statuses)
    marks = ", ".join("?" for _ in wanted)
    threads: dict[str, set[str]] = {}
    message_ids: dict[str, set[str]] = {}
    rows = conn.execute(
        "SELECT s.interview_key AS k, s.thread_id AS t FROM steps s JOIN interviews i "
        f"ON i.key = s.interview_key WHERE i.status IN ({marks}) AND s.thread_id IS NOT NULL "
        "AND s.thread_id != '' "
        "UNION SELECT m.interview_key, m.thread_id FROM sent_messages m JOIN interviews i "
        f"ON i.key = m.interview_key WHERE i.status IN ({marks}) AND m.thread_id != ''",
        wanted + wanted,
    ).fetchall()
    for key, thread in rows:
        threads.setdefault(key, set()).add(thread)
    rows = conn.execute(
        "SELECT m.interview_key, m.rfc_message_id FROM sent_messages m JOIN interviews i "
        f"ON i.key = m.interview_key WHERE i.status IN ({marks}) AND m.rfc_message_id != ''",
        wanted,
    ).fetchall()
    for key, rfc in rows:
        message_ids.setdefault(key, set()).add(rfc)
    return threads, message_ids
