"""Queries over state.db: interviews, their steps and notes, sync cursors and the journal."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from agent.core.model import STEP_ORDER, InterviewStatus, StepName, StepState
from agent.store import codec

if TYPE_CHECKING:
    from agent.core.interviews import Interview


@dataclass(frozen=True)
class InterviewRow:
    """An interview as stored, with its sequence status."""

    interview: Interview
    status: InterviewStatus
    status_reason: str
    status_at: datetime | None
    first_seen: datetime
    delay_until: str | None


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
class JournalEntry:
    """One line of an interview's story."""

    at: datetime
    interview_key: str | None
    kind: str
    detail: str


def _dt(value: str | None) -> datetime | None:
    """Parse a stored ISO timestamp."""
    return datetime.fromisoformat(value) if value else None


# --- key/value cursors -------------------------------------------------------------------------

USER_EMAIL_KEY = "user_email"  # the mailbox address, from getProfile
ZONE_KEY = "calendar_zone"  # the first watched calendar's time zone, as last seen


def get_kv(conn: sqlite3.Connection, key: str) -> str | None:
    """A stored cursor or setting, or None."""
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_kv(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a cursor or setting."""
    conn.execute(
        "INSERT INTO kv(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete_kv(conn: sqlite3.Connection, key: str) -> None:
    """Forget a cursor."""
    conn.execute("DELETE FROM kv WHERE key = ?", (key,))


# --- interviews --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _decode_interview(data: str) -> Interview:
    """An Interview from its stored JSON (frozen, so one decoded copy can be shared)."""
    from agent.core.interviews import Interview  # not loaded by a tick that decodes none

    return codec.loads(Interview, data)


def _interview_row(row: sqlite3.Row) -> InterviewRow:
    """Decode one interviews row."""
    return InterviewRow(
        interview=_decode_interview(row["data"]),
        status=InterviewStatus(row["status"]),
        status_reason=row["status_reason"],
        status_at=_dt(row["status_at"]),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        delay_until=row["delay_until"],
    )


def get_interview(conn: sqlite3.Connection, key: str) -> InterviewRow | None:
    """One interview by key."""
    row = conn.execute("SELECT * FROM interviews WHERE key = ?", (key,)).fetchone()
    return None if row is None else _interview_row(row)


def any_with_status(conn: sqlite3.Connection, statuses: Iterable[InterviewStatus]) -> bool:
    """True when some interview has one of these statuses (nothing decoded)."""
    wanted = [s.value for s in statuses]
    marks = ", ".join("?" * len(wanted))
    sql = f"SELECT 1 FROM interviews WHERE status IN ({marks}) LIMIT 1"
    return bool(wanted) and conn.execute(sql, wanted).fetchone() is not None


def list_interviews(
    conn: sqlite3.Connection, statuses: Iterable[InterviewStatus] | None = None
) -> list[InterviewRow]:
    """Interviews (optionally only some statuses), in start order."""
    rows = conn.execute("SELECT * FROM interviews").fetchall()
    wanted = None if statuses is None else {s.value for s in statuses}
    found = [_interview_row(r) for r in rows if wanted is None or r["status"] in wanted]
    return sorted(found, key=lambda r: (r.interview.start, r.interview.key))


def put_interview(
    conn: sqlite3.Connection, interview: Interview, company_key: str, now: datetime
) -> bool:
    """Insert or update an interview's data; True when it is new."""
    existed = conn.execute("SELECT 1 FROM interviews WHERE key = ?", (interview.key,)).fetchone()
    conn.execute(
        "INSERT INTO interviews(key, calendar_id, event_id, company, data, first_seen) "
        "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET company = excluded.company, "
        "data = excluded.data",
        (
            interview.key,
            interview.calendar_id,
            interview.event_id,
            company_key,
            codec.dumps(interview),
            now.isoformat(),
        ),
    )
    return existed is None


def set_status(
    conn: sqlite3.Connection, key: str, status: InterviewStatus, reason: str, at: datetime
) -> None:
    """Change a sequence's status."""
    conn.execute(
        "UPDATE interviews SET status = ?, status_reason = ?, status_at = ? WHERE key = ?",
        (status.value, reason, at.isoformat(), key),
    )


def set_delay_until(conn: sqlite3.Connection, key: str, day: str | None) -> None:
    """Record an out-of-office return date that holds the next step back."""
    conn.execute("UPDATE interviews SET delay_until = ? WHERE key = ?", (day, key))


def active_with_company(conn: sqlite3.Connection, company_key: str) -> list[InterviewRow]:
    """Active sequences with the same company (for supersession)."""
    rows = conn.execute(
        "SELECT * FROM interviews WHERE company = ? AND status = ?",
        (company_key, InterviewStatus.ACTIVE.value),
    ).fetchall()
    return [_interview_row(r) for r in rows]


def late_candidates(
    conn: sqlite3.Connection, statuses: Iterable[InterviewStatus], mark_prefix: str
) -> list[InterviewRow]:
    """Interviews first seen after they began and not marked (kv `mark_prefix` + key) yet.

    Compared without decoding every interview: an idle tick reads only two fields of each.
    """
    wanted = [s.value for s in statuses]
    marks = ", ".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT key, first_seen, json_extract(data, '$.start.\"$dt\"') FROM interviews i"
        f" WHERE status IN ({marks}) AND NOT EXISTS"
        " (SELECT 1 FROM kv WHERE kv.key = ? || i.key)",
        (*wanted, mark_prefix),
    ).fetchall()
    parse = datetime.fromisoformat
    keys = [k for k, seen, at in rows if not at or parse(seen) > parse(at)]
    found = [r for r in map(functools.partial(get_interview, conn), keys) if r is not None]
    late = [r for r in found if r.first_seen > r.interview.start]
    return sorted(late, key=lambda r: (r.interview.start, r.interview.key))


def active_starts(conn: sqlite3.Connection, company_key: str) -> list[tuple[str, datetime]]:
    """(key, start) of the active sequences with a company, read without decoding them."""
    rows = conn.execute(
        "SELECT key, json_extract(data, '$.start.\"$dt\"') FROM interviews"
        " WHERE company = ? AND status = ?",
        (company_key, InterviewStatus.ACTIVE.value),
    ).fetchall()
    return [(key, datetime.fromisoformat(start)) for key, start in rows]


def shared_companies(conn: sqlite3.Connection) -> list[str]:
    """Company keys with two or more active sequences (supersession looks only at these)."""
    rows = conn.execute(
        "SELECT company FROM interviews WHERE status = ? AND company != '' GROUP BY company"
        " HAVING COUNT(*) > 1 ORDER BY company",
        (InterviewStatus.ACTIVE.value,),
    ).fetchall()
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


def _step_row(row: sqlite3.Row) -> StepRow:
    """Decode one steps row."""
    return StepRow(
        interview_key=row["interview_key"],
        step=StepName(row["step"]),
        recipient=row["recipient"],
        due=datetime.fromisoformat(row["due"]),
        state=StepState(row["state"]),
        draft_id=row["draft_id"],
        draft_message_id=row["draft_message_id"],
        thread_id=row["thread_id"],
        sent_message_id=row["sent_message_id"],
        reason=row["reason"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def get_steps(conn: sqlite3.Connection, key: str) -> list[StepRow]:
    """Every step row of an interview, in sequence order."""
    rows = conn.execute("SELECT * FROM steps WHERE interview_key = ?", (key,)).fetchall()
    steps = (_step_row(r) for r in rows)
    return sorted(steps, key=lambda s: (STEP_ORDER.index(s.step), s.recipient))


def get_step(conn: sqlite3.Connection, key: str, step: StepName, recipient: str) -> StepRow | None:
    """One step row."""
    row = conn.execute(
        "SELECT * FROM steps WHERE interview_key = ? AND step = ? AND recipient = ?",
        (key, step.value, recipient),
    ).fetchone()
    return None if row is None else _step_row(row)


def steps_in_state(conn: sqlite3.Connection, states: Iterable[StepState]) -> list[StepRow]:
    """Every step row in one of the states (all interviews)."""
    wanted = [s.value for s in states]
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT * FROM steps WHERE state IN ({marks})", wanted).fetchall()
    return [_step_row(r) for r in rows]


def plan_step(
    conn: sqlite3.Connection, key: str, step: StepName, recipient: str, due: datetime, now: datetime
) -> None:
    """Create a planned row, or move a still-planned row to its new due time."""
    conn.execute(
        "INSERT INTO steps(interview_key, step, recipient, due, state, updated_at) "
        "VALUES(?, ?, ?, ?, 'planned', ?) ON CONFLICT(interview_key, step, recipient) DO UPDATE "
        "SET due = excluded.due, updated_at = excluded.updated_at "
        "WHERE steps.state = 'planned' AND steps.due != excluded.due",
        (key, step.value, recipient, due.isoformat(), now.isoformat()),
    )


def delete_planned_except(
    conn: sqlite3.Connection, key: str, keep: set[tuple[StepName, str]]
) -> None:
    """Remove planned rows no longer in the plan (e.g. a contact removed from the event)."""
    for row in get_steps(conn, key):
        if row.state == StepState.PLANNED and (row.step, row.recipient) not in keep:
            conn.execute(
                "DELETE FROM steps WHERE interview_key = ? AND step = ? AND recipient = ?",
                (key, row.step.value, row.recipient),
            )


def update_step(
    conn: sqlite3.Connection,
    row: StepRow,
    now: datetime,
    *,
    state: StepState | None = None,
    reason: str | None = None,
    **columns: str | None,
) -> None:
    """Change a step row's state, reason and/or id columns."""
    allowed = {"draft_id", "draft_message_id", "thread_id", "sent_message_id"}
    if not set(columns) <= allowed:
        raise ValueError(f"unknown step columns: {sorted(set(columns) - allowed)}")
    sets = ["updated_at = ?"]
    values: list[str | None] = [now.isoformat()]
    if state is not None:
        sets.append("state = ?")
        values.append(state.value)
    if reason is not None:
        sets.append("reason = ?")
        values.append(reason)
    for name, value in columns.items():
        sets.append(f"{name} = ?")
        values.append(value)
    values += [row.interview_key, row.step.value, row.recipient]
    conn.execute(
        f"UPDATE steps SET {', '.join(sets)} "
        "WHERE interview_key = ? AND step = ? AND recipient = ?",
        values,
    )


def reopen_stopped(conn: sqlite3.Connection, key: str, now: datetime) -> None:
    """Put a resumed sequence's stopped steps back to planned (missed ones are skipped later)."""
    conn.execute(
        "UPDATE steps SET state = 'planned', reason = '', updated_at = ? "
        "WHERE interview_key = ? AND state = 'stopped'",
        (now.isoformat(), key),
    )


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
        rows = conn.execute("SELECT at, interview_key, kind, detail FROM journal ORDER BY id")
    else:
        rows = conn.execute(
            "SELECT at, interview_key, kind, detail FROM journal "
            "WHERE interview_key = ? ORDER BY id",
            (key,),
        )
    return [JournalEntry(datetime.fromisoformat(r[0]), r[1], r[2], r[3]) for r in rows]
