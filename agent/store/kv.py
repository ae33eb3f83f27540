"""The small values state.db keeps between passes, each behind a named accessor."""

# This module is the only one that reads or writes the kv table.

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from agent.core.ports import Account
from agent.store import records


def _get(conn: sqlite3.Connection, key: str) -> str | None:
    """A stored value, or None."""
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Store a value (None forgets it); nothing is written when it is unchanged."""
    if value is None:
        conn.execute("DELETE FROM kv WHERE key = ?", (key,))
    elif _get(conn, key) != value:
        conn.execute("INSERT OR REPLACE INTO kv(key, value) VALUES(?, ?)", (key, value))


def _load(conn: sqlite3.Connection, key: str, tp: Any) -> Any:
    """A value of type `tp` stored as JSON, or None when missing or unreadable."""
    raw = _get(conn, key)
    try:
        return records.loads(tp, raw) if raw else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _dump(conn: sqlite3.Connection, key: str, value: Any) -> None:
    """Store a value as JSON (None forgets it)."""
    _set(conn, key, None if value is None else records.dumps(value))


# --- the account ------------------------------------------------------------------------------


def account(conn: sqlite3.Connection) -> Account | None:
    """The mailbox's account as last read (its cursor left empty)."""
    return _load(conn, "account", Account)


def set_account(conn: sqlite3.Connection, value: Account) -> None:
    """Remember the account (addresses, default sender) for passes that need no request."""
    _dump(conn, "account", replace(value, cursor=""))


def zone(conn: sqlite3.Connection) -> str | None:
    """The first watched calendar's time zone, as last seen."""
    return _get(conn, "calendar_zone")


def set_zone(conn: sqlite3.Connection, name: str) -> None:
    """Remember the calendar's time zone."""
    _set(conn, "calendar_zone", name)


# --- sync cursors ------------------------------------------------------------------------------


def calendar_token(conn: sqlite3.Connection, calendar_id: str) -> str | None:
    """A calendar's sync token."""
    return _get(conn, f"calendar_sync_token:{calendar_id}")


def set_calendar_token(conn: sqlite3.Connection, calendar_id: str, token: str) -> None:
    """Store a calendar's sync token after its changes are applied."""
    _set(conn, f"calendar_sync_token:{calendar_id}", token)


def inbox_cursor(conn: sqlite3.Connection) -> str | None:
    """Where the inbox was read up to (every change before it is applied)."""
    return _get(conn, "gmail_history_id")


def set_inbox_cursor(conn: sqlite3.Connection, cursor: str) -> None:
    """Move the inbox cursor (only once everything before it is applied)."""
    _set(conn, "gmail_history_id", cursor)


def searched_at(conn: sqlite3.Connection) -> datetime | None:
    """When the last combined search for the employers' mail ran."""
    return records.moment(_get(conn, "inbox_searched_at"))


def set_searched_at(conn: sqlite3.Connection, when: datetime) -> None:
    """Remember when the combined search ran."""
    _set(conn, "inbox_searched_at", when.isoformat())


@dataclass(frozen=True)
class FullSync:
    """A search per interview in progress, in place of history (none yet, or it expired)."""

    first: bool  # state.db had no cursor: nothing was applied before
    target: str  # the cursor to store when it is done
    started: datetime
    reports_done: bool = False  # the one search for delivery reports is applied


def full_sync(conn: sqlite3.Connection) -> FullSync | None:
    """The full sync in progress, if any."""
    return _load(conn, "inbox_full_sync", FullSync)


def set_full_sync(conn: sqlite3.Connection, value: FullSync | None) -> None:
    """Start, advance or (None) finish a full sync."""
    _dump(conn, "inbox_full_sync", value)


def recheck(conn: sqlite3.Connection) -> tuple[datetime, datetime] | None:
    """(when, since): search once more, at `when`, for mail since `since` that the index missed."""
    return _load(conn, "inbox_recheck", tuple[datetime, datetime])


def set_recheck(conn: sqlite3.Connection, value: tuple[datetime, datetime] | None) -> None:
    """Plan (or with None forget) the search behind a finished full sync."""
    _dump(conn, "inbox_recheck", value)


# --- what a pass checked -----------------------------------------------------------------------


def templates_checked(conn: sqlite3.Connection) -> str | None:
    """The fingerprint of the templates last found good."""
    return _get(conn, "templates_checked")


def set_templates_checked(conn: sqlite3.Connection, fingerprint: str) -> None:
    """Remember the templates were found good."""
    _set(conn, "templates_checked", fingerprint)


# --- how the passes went ------------------------------------------------------------------------


@dataclass(frozen=True)
class PassRecord:
    """How the last pass ended, and since when passes have been failing (if they are)."""

    at: datetime
    ok: bool
    exit_code: int = 0
    problem: str = ""  # one line: what is wrong and what to do
    failing_since: datetime | None = None  # the first failed pass of this run of failures
    last_success: datetime | None = None


def last_pass(conn: sqlite3.Connection) -> PassRecord | None:
    """The record of the last pass, if any pass ran."""
    return _load(conn, "last_pass", PassRecord)


def set_last_pass(conn: sqlite3.Connection, record: PassRecord) -> None:
    """Record how a pass ended."""
    _dump(conn, "last_pass", record)
