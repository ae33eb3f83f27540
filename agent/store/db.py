"""state.db: connection, schema migrations (PRAGMA user_version) and transactions."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from agent.core.errors import StateError, StateWriteError
from agent.core.text import well_formed
from agent.files.paths import private_file

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10.0

# Each idle interview's next wake-up (see store/sequences.py); any write to what its plan is made
# of (the interview, its notes, steps and sent messages) forgets it, whoever writes.
_FORGET = "DELETE FROM wakeups WHERE interview_key = {row}.{col};"
WAKEUPS_SCHEMA = (
    "CREATE TABLE wakeups (interview_key TEXT PRIMARY KEY, wake_at REAL, inputs TEXT NOT NULL);\n"
    + "".join(
        f"CREATE TRIGGER wakeups_{table}_{op.lower()} AFTER {op} ON {table} BEGIN "
        + "".join(_FORGET.format(row=row, col=col) for row in rows)
        + " END;\n"
        for table, col in (("interviews", "key"), ("notes", "interview_key"),
                           ("steps", "interview_key"), ("sent_messages", "interview_key"))
        for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))
    )
)

# MIGRATIONS[i] takes the schema from version i to i + 1. Append; never edit a released entry.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE events (calendar_id TEXT NOT NULL, event_id TEXT NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (calendar_id, event_id));
    CREATE TABLE interviews (key TEXT PRIMARY KEY, calendar_id TEXT NOT NULL,
      event_id TEXT NOT NULL, company TEXT NOT NULL DEFAULT '', data TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'active', status_reason TEXT NOT NULL DEFAULT '',
      status_at TEXT, first_seen TEXT NOT NULL, delay_until TEXT);
    CREATE TABLE rejections (calendar_id TEXT NOT NULL, event_id TEXT NOT NULL,
      title TEXT NOT NULL, reason TEXT NOT NULL, start TEXT,
      PRIMARY KEY (calendar_id, event_id));
    CREATE TABLE notes (interview_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (interview_key, name));
    CREATE TABLE steps (interview_key TEXT NOT NULL REFERENCES interviews(key) ON DELETE CASCADE,
      step TEXT NOT NULL, recipient TEXT NOT NULL, due TEXT NOT NULL, state TEXT NOT NULL,
      draft_id TEXT, draft_message_id TEXT, thread_id TEXT, sent_message_id TEXT,
      reason TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL,
      PRIMARY KEY (interview_key, step, recipient));
    CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
      interview_key TEXT, kind TEXT NOT NULL, detail TEXT NOT NULL);
    CREATE INDEX steps_state ON steps(state);
    CREATE INDEX interviews_company ON interviews(company, status);
    CREATE TABLE sent_messages (interview_key TEXT NOT NULL, contact TEXT NOT NULL,
      message_id TEXT NOT NULL, thread_id TEXT NOT NULL, rfc_message_id TEXT NOT NULL,
      subject TEXT NOT NULL, refs TEXT NOT NULL, sent_at TEXT NOT NULL,
      PRIMARY KEY (interview_key, contact, message_id));
    CREATE TABLE seen_messages (message_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
    """,
    """
    CREATE TABLE reminders (interview_key TEXT NOT NULL, step TEXT NOT NULL,
      calendar_id TEXT NOT NULL, event_id TEXT NOT NULL, due TEXT NOT NULL,
      state TEXT NOT NULL, PRIMARY KEY (interview_key, step));
    """,
    """
    CREATE TABLE set_aside (kind TEXT NOT NULL, item_id TEXT NOT NULL, title TEXT NOT NULL,
      reason TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (kind, item_id));
    """,
    WAKEUPS_SCHEMA,
    """
    CREATE TABLE pending_mail (message_id TEXT PRIMARY KEY, thread_id TEXT NOT NULL,
      first_seen TEXT NOT NULL);
    """,
    # Per-interview marks become columns; the kv values get one shape each (store/kv.py);
    # events that are not interviews are no longer kept (their text is private).
    """
    ALTER TABLE interviews ADD COLUMN keys_checked_at TEXT;
    ALTER TABLE interviews ADD COLUMN searched_at TEXT;
    ALTER TABLE interviews ADD COLUMN caught_up_at TEXT;
    UPDATE interviews SET
      keys_checked_at = (SELECT value FROM kv WHERE kv.key = 'keys_checked:' || interviews.key),
      searched_at = (SELECT value FROM kv WHERE kv.key = 'inbox_full_sync_done:' || interviews.key),
      caught_up_at = (SELECT value FROM kv WHERE kv.key = 'inbox_caught_up:' || interviews.key);
    UPDATE kv SET value = json_object(
      'first', json(CASE WHEN value LIKE 'first:%' THEN 'true' ELSE 'false' END),
      'target', substr(value, instr(value, ':') + 1),
      'started', coalesce((SELECT value FROM kv k WHERE k.key = 'inbox_full_sync_started'),
                          '1970-01-01T00:00:00+00:00'),
      'reports_done', json(CASE WHEN EXISTS (SELECT 1 FROM kv k
        WHERE k.key = 'inbox_full_sync_done:#delivery-reports') THEN 'true' ELSE 'false' END))
      WHERE key = 'inbox_full_sync';
    INSERT INTO kv(key, value) SELECT 'inbox_recheck', json_array(r.value,
        coalesce((SELECT value FROM kv k WHERE k.key = 'inbox_full_sync_started'), r.value))
      FROM kv r WHERE r.key = 'inbox_recheck_at';
    DELETE FROM kv WHERE key LIKE 'keys_checked:%' OR key LIKE 'inbox_full_sync_done:%'
      OR key LIKE 'inbox_caught_up:%' OR key LIKE 'holidays:%'
      OR key IN ('inbox_full_sync_started', 'inbox_recheck_at', 'user_email', 'gmail_send_as');
    DELETE FROM events WHERE NOT EXISTS (SELECT 1 FROM interviews i
      WHERE i.calendar_id = events.calendar_id AND i.event_id = events.event_id);
    """,
)

def storable(value: object) -> object:
    """A parameter SQLite can take: lone surrogates in text become U+FFFD."""
    # (They come from odd JSON escapes and undecodable argv bytes; UTF-8 cannot encode them.)
    return well_formed(value) if isinstance(value, str) else value


class SafeConnection(sqlite3.Connection):
    """A connection whose text parameters are always storable."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        """conn.execute with each text parameter made storable."""
        if isinstance(parameters, dict):
            parameters = {k: storable(v) for k, v in parameters.items()}
        else:
            parameters = tuple(storable(v) for v in parameters)
        return super().execute(sql, parameters)


class Store:
    """An open state.db; use `write()` for every change."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file (PRAGMA user_version)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A BEGIN IMMEDIATE transaction: committed on success, rolled back on any exception."""
        if self.conn.in_transaction:
            raise RuntimeError("state.db transaction already open: transactions do not nest")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection (a transaction still open is rolled back)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (semicolons in strings/triggers respected)."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]}")
    return statements


def _too_new(path: Path, version: int, known: int) -> StateError:
    """The error for a state file written by a newer followup."""
    return StateError(
        f"{path} is at schema version {version} but this followup knows up to {known}; "
        "upgrade followup (pip install -U interview-followup) or point FOLLOWUP_HOME elsewhere"
    )


def _migrate(store: Store, path: Path, migrations: Sequence[str]) -> None:
    """Apply the missing migrations in one BEGIN IMMEDIATE transaction: all of them or none."""
    with store.write() as conn:
        version = store.schema_version  # read again: another process may have moved it on
        if version > len(migrations):
            raise _too_new(path, version, len(migrations))
        for target in range(version + 1, len(migrations) + 1):
            for statement in _statements(migrations[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target:d}")
            log.info("state.db migrated to schema version %d", target)


def open_store(
    path: Path,
    *,
    busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    migrations: Sequence[str] = MIGRATIONS,
) -> Store:
    """Open (creating if needed) and migrate state.db; StateError if it is unusable or too new."""
    # The file is made private before SQLite opens it: its -wal and -shm files take its mode.
    try:
        private_file(path)
    except OSError as exc:
        problem = f"cannot create the state folder or a private {path.name} in it: {exc.strerror}"
        raise StateError(f"{path.parent}: {problem}") from exc
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None,
                               check_same_thread=False, factory=SafeConnection)
    except sqlite3.Error as exc:
        raise StateError(f"{path}: cannot open state database: {exc}") from exc
    store = Store(conn)
    try:
        conn.row_factory = sqlite3.Row
        # Read the version before anything writes: a too-new file must stay byte-for-byte as is.
        if store.schema_version > len(migrations):
            raise _too_new(path, store.schema_version, len(migrations))
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000):d}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if store.schema_version < len(migrations):  # an up-to-date file is only read here
            _migrate(store, path, migrations)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _unusable(path, exc) from exc
    except BaseException:
        conn.close()
        raise
    return store


def _unusable(path: Path, exc: sqlite3.DatabaseError) -> StateError:
    """The one-line reason state.db cannot be opened, with what to do about it."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
        return StateError(f"{path}: busy, another process kept it locked ({exc}); try again")
    if code is not None and code & 0xFF in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return StateError(
            f"{path}: not a usable followup state database ({exc}); "
            "move it aside to start fresh, or point FOLLOWUP_HOME elsewhere"
        )
    return StateError(f"{path}: cannot prepare the state database: {exc}")


def failed_mid_run(exc: sqlite3.Error, path: Path | None = None) -> StateWriteError:
    """The one line for SQLite failing during a command (read-only file, full disk, I/O)."""
    # Every change is its own committed transaction, so the next run completes the work.
    where = f"{path}: " if path else ""
    return StateWriteError(
        f"{where}state.db failed during the run ({exc}); nothing was lost: check the file's "
        "permissions and the free disk space, then run again"
    )
