"""Each interview's sequence in state.db: interview, notes, steps, sent mail, journal, wake-up."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from agent.core.interviews import Interview
from agent.core.model import STEP_ORDER, InterviewStatus, StepName, StepState
from agent.store import records


@dataclass(frozen=True)
class InterviewRow:
    """An interview as stored, with its sequence status."""

    interview: Interview
    status: InterviewStatus
    status_reason: str
    status_at: datetime | None
    first_seen: datetime
    delay_until: str | None
    keys_checked_at: datetime | None = None  # Gmail was searched for its drafts' keys
    searched_at: datetime | None = None  # the running full sync searched its mail
    caught_up_at: datetime | None = None  # found after it began: its mail since then applied


@dataclass(frozen=True)
class StepRow:
    """One (step, recipient) row."""

    interview_key: str
    step: StepName
    recipient: str
    due: datetime
    state: StepState
    draft_id: str | None
    draft_message_id: str | None
    thread_id: str | None
    sent_message_id: str | None
    reason: str
    updated_at: datetime


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


@dataclass(frozen=True)
class JournalEntry:
    """One line of an interview's story."""

    at: datetime
    interview_key: str | None
    kind: str
    detail: str


# --- interviews --------------------------------------------------------------------------------


def _interview_row(row: sqlite3.Row) -> InterviewRow:
    """Decode one interviews row."""
    return records.from_row(InterviewRow, row, interview=records.loads(Interview, row["data"]))


def get_interview(conn: sqlite3.Connection, key: str) -> InterviewRow | None:
    """One interview by key."""
    row = conn.execute("SELECT * FROM interviews WHERE key = ?", (key,)).fetchone()
    return None if row is None else _interview_row(row)


def list_interviews(
    conn: sqlite3.Connection, statuses: Iterable[InterviewStatus] | None = None
) -> list[InterviewRow]:
    """Interviews (optionally only some statuses), in start order."""
    rows = conn.execute("SELECT * FROM interviews").fetchall()
    wanted = None if statuses is None else {s.value for s in statuses}
    found = [_interview_row(r) for r in rows if wanted is None or r["status"] in wanted]
    return sorted(found, key=lambda r: (r.interview.start, r.interview.key))


def keys_with_status(conn: sqlite3.Connection, statuses: Iterable[InterviewStatus]) -> list[str]:
    """Keys of the interviews in these statuses (nothing decoded)."""
    wanted = [s.value for s in statuses]
    marks = ", ".join("?" * len(wanted))
    rows = conn.execute(f"SELECT key FROM interviews WHERE status IN ({marks})", wanted)
    return [r[0] for r in rows]


def found_late(conn: sqlite3.Connection, statuses: Iterable[InterviewStatus]) -> list[str]:
    """Keys of the interviews in these statuses first seen after they began whose mail since
    then is not applied yet (read without decoding the interviews)."""
    wanted = [s.value for s in statuses]
    marks = ", ".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT key, first_seen, json_extract(data, '$.start.\"$dt\"') FROM interviews"
        f" WHERE status IN ({marks}) AND caught_up_at IS NULL", wanted,
    ).fetchall()
    read = datetime.fromisoformat
    return [key for key, seen, start in rows if read(seen) > read(start)]


def put_interview(
    conn: sqlite3.Connection, interview: Interview, company_key: str, now: datetime
) -> None:
    """Insert or update an interview's data."""
    conn.execute(
        "INSERT INTO interviews(key, calendar_id, event_id, company, data, first_seen) "
        "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET company = excluded.company, "
        "data = excluded.data",
        (interview.key, interview.calendar_id, interview.event_id, company_key,
         records.dumps(interview), now.isoformat()),
    )


def set_status(
    conn: sqlite3.Connection, key: str, status: InterviewStatus, reason: str, at: datetime
) -> None:
    """Change a sequence's status."""
    conn.execute(
        "UPDATE interviews SET status = ?, status_reason = ?, status_at = ? WHERE key = ?",
        (status.value, reason, at.isoformat(), key),
    )


MARKS = ("keys_checked_at", "searched_at", "caught_up_at", "delay_until")


def set_mark(conn: sqlite3.Connection, key: str, mark: str, value: str | None) -> None:
    """Set one of an interview's bookkeeping columns (`MARKS`)."""
    if mark not in MARKS:
        raise ValueError(f"unknown interview mark {mark!r}")
    conn.execute(f"UPDATE interviews SET {mark} = ? WHERE key = ?", (value, key))


def active_starts(conn: sqlite3.Connection) -> dict[str, list[tuple[str, datetime]]]:
    """Company key -> (key, start) of its active sequences, for companies with two or more."""
    rows = conn.execute(
        "SELECT company, key, json_extract(data, '$.start.\"$dt\"') FROM interviews"
        " WHERE status = 'active' AND company != '' AND company IN (SELECT company FROM"
        " interviews WHERE status = 'active' GROUP BY company HAVING COUNT(*) > 1)"
    ).fetchall()
    out: dict[str, list[tuple[str, datetime]]] = {}
    for company, key, start in rows:
        out.setdefault(company, []).append((key, datetime.fromisoformat(start)))
    return out


def active_with_company(conn: sqlite3.Connection, company_key: str) -> list[str]:
    """Keys of the active sequences with the same company (for supersession)."""
    rows = conn.execute(
        "SELECT key FROM interviews WHERE company = ? AND status = 'active'", (company_key,)
    )
    return [r[0] for r in rows]


# --- notes -------------------------------------------------------------------------------------


def set_note(conn: sqlite3.Connection, key: str, name: str, value: str) -> None:
    """Set (or with an empty value, clear) a command-line note."""
    if value:
        conn.execute(
            "INSERT INTO notes(interview_key, name, value) VALUES(?, ?, ?) "
            "ON CONFLICT(interview_key, name) DO UPDATE SET value = excluded.value",
            (key, name, value),
        )
    else:
        conn.execute("DELETE FROM notes WHERE interview_key = ? AND name = ?", (key, name))


def get_notes(conn: sqlite3.Connection, key: str) -> list[tuple[str, str]]:
    """Command-line notes of an interview as (name, value) pairs."""
    rows = conn.execute(
        "SELECT name, value FROM notes WHERE interview_key = ? ORDER BY name", (key,)
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


# --- steps -------------------------------------------------------------------------------------


def step_order(row: StepRow) -> tuple[int, str]:
    """Sequence order: step, then recipient."""
    return STEP_ORDER.index(row.step), row.recipient


def get_steps(conn: sqlite3.Connection, key: str) -> list[StepRow]:
    """Every step row of an interview, in sequence order."""
    rows = conn.execute("SELECT * FROM steps WHERE interview_key = ?", (key,)).fetchall()
    return sorted((records.from_row(StepRow, r) for r in rows), key=step_order)


def steps_in_state(conn: sqlite3.Connection, states: Iterable[StepState]) -> list[StepRow]:
    """Every step row in one of the states (all interviews)."""
    wanted = [s.value for s in states]
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT * FROM steps WHERE state IN ({marks})", wanted).fetchall()
    return [records.from_row(StepRow, r) for r in rows]


def known_draft_ids(conn: sqlite3.Connection) -> set[str]:
    """Every draft id state.db holds for any step."""
    return {r[0] for r in conn.execute("SELECT draft_id FROM steps WHERE draft_id IS NOT NULL")}


def put_step(conn: sqlite3.Connection, row: StepRow) -> None:
    """Write one step row as it is now."""
    records.put(conn, "steps", asdict(row))


def delete_step(conn: sqlite3.Connection, row: StepRow) -> None:
    """Remove a planned row no longer in the plan."""
    conn.execute(
        "DELETE FROM steps WHERE interview_key = ? AND step = ? AND recipient = ?",
        (row.interview_key, row.step.value, row.recipient),
    )


def reopen_stopped(conn: sqlite3.Connection, key: str, now: datetime) -> None:
    """Put a resumed sequence's stopped steps back to planned (missed ones are skipped later)."""
    conn.execute(
        "UPDATE steps SET state = 'planned', reason = '', updated_at = ? "
        "WHERE interview_key = ? AND state = 'stopped'",
        (now.isoformat(), key),
    )


# --- sent mail ---------------------------------------------------------------------------------


def record_sent(conn: sqlite3.Connection, sent: SentRow) -> None:
    """Remember a message the candidate sent to a contact (once per message)."""
    conn.execute(
        "INSERT OR IGNORE INTO sent_messages(interview_key, contact, message_id, thread_id, "
        "rfc_message_id, subject, refs, sent_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sent.interview_key, sent.contact, sent.message_id, sent.thread_id,
            sent.rfc_message_id, sent.subject, sent.references, sent.sent_at.isoformat(),
        ),
    )


def sent_messages(conn: sqlite3.Connection, key: str) -> list[SentRow]:
    """Messages the candidate sent for an interview, oldest first."""
    rows = conn.execute(
        "SELECT * FROM sent_messages WHERE interview_key = ? ORDER BY sent_at, message_id", (key,)
    ).fetchall()
    return [records.from_row(SentRow, r, references=r["refs"]) for r in rows]


# --- journal -----------------------------------------------------------------------------------


def journal(
    conn: sqlite3.Connection, at: datetime, key: str | None, kind: str, detail: str
) -> None:
    """Append a line to the story `status` tells."""
    conn.execute(
        "INSERT INTO journal(at, interview_key, kind, detail) VALUES(?, ?, ?, ?)",
        (at.isoformat(), key, kind, detail),
    )


def read_journal(conn: sqlite3.Connection, key: str | None = None) -> list[JournalEntry]:
    """The story so far (one interview, or all)."""
    if key is None:
        rows = conn.execute("SELECT * FROM journal ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM journal WHERE interview_key = ? ORDER BY id", (key,))
    return [records.from_row(JournalEntry, r) for r in rows]


# --- wake-ups ----------------------------------------------------------------------------------
# A row says: under these inputs (settings, zone, code), nothing of this interview can happen
# before `wake_at` (NULL: not by time alone). Triggers (store/db.py) delete the row whenever the
# interview, its notes, steps or sent messages are written, by the engine or any command.


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


def remember_wakeup(
    conn: sqlite3.Connection, key: str, wake_at: datetime | None, inputs: str
) -> None:
    """Nothing of this interview happens before `wake_at` (None: not by time alone)."""
    conn.execute(
        "INSERT OR REPLACE INTO wakeups (interview_key, wake_at, inputs) VALUES (?, ?, ?)",
        (key, None if wake_at is None else wake_at.timestamp(), inputs),
    )
