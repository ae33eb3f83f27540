"""state.db (schema, migrations, pragmas, transactions) and the run lock across processes."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.core.errors import StateError
from agent.store import kv
from agent.store.db import MIGRATIONS, Store, open_store
from agent.store.lock import LockBusy, RunLock

REPO = Path(__file__).resolve().parents[2]
TABLES = {
    "kv", "events", "interviews", "rejections", "notes", "steps", "journal",
    "sent_messages", "seen_messages", "reminders", "set_aside", "wakeups", "pending_mail",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    opened = open_store(db)
    yield opened
    opened.close()


def add_interview(conn: sqlite3.Connection, key: str = "k1") -> None:
    conn.execute(
        "INSERT INTO interviews(key, calendar_id, event_id, data, first_seen) "
        "VALUES(?, 'primary', 'e1', '{}', '2026-01-05T10:00:00+00:00')",
        (key,),
    )


def test_fresh_db_is_at_the_latest_version_with_wal_and_full_sync(db: Path, store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS) == 6
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # FULL (2); also SQLite's usual build default, so the pragma guards other builds
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
    assert conn.isolation_level is None
    tables = {
        r["name"]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r["name"].startswith("sqlite_")
    }
    assert tables == TABLES
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"steps_state", "interviews_company"} <= indexes
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_schema_columns_and_defaults(store: Store) -> None:
    with store.write() as conn:
        add_interview(conn)
        conn.execute(
            "INSERT INTO steps(interview_key, step, recipient, due, state, updated_at) "
            "VALUES('k1', 'thank_you', 'jane@acme.com', 'd', 'planned', 'u')"
        )
    row = store.conn.execute("SELECT * FROM interviews").fetchone()
    assert (row["company"], row["status"], row["status_reason"]) == ("", "active", "")
    assert row["delay_until"] is None
    step = store.conn.execute("SELECT * FROM steps").fetchone()
    assert step["reason"] == ""
    assert step["draft_id"] is None


def test_reopen_is_idempotent_and_keeps_data(db: Path) -> None:
    with open_store(db) as first, first.write() as conn:
        conn.execute("INSERT INTO kv(key, value) VALUES('history_id', '42')")
    with open_store(db) as again:
        assert again.schema_version == len(MIGRATIONS)
        assert again.conn.execute("SELECT value FROM kv").fetchone()["value"] == "42"


def test_foreign_keys_cascade(store: Store) -> None:
    with store.write() as conn:
        add_interview(conn)
        conn.execute(
            "INSERT INTO steps(interview_key, step, recipient, due, state, updated_at) "
            "VALUES('k1', 'reminder', 'a@b.co', 'd', 'planned', 'u')"
        )
    with store.write() as conn:
        conn.execute("DELETE FROM interviews WHERE key = 'k1'")
    assert store.conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute(
            "INSERT INTO steps(interview_key, step, recipient, due, state, updated_at) "
            "VALUES('missing', 'reminder', 'a@b.co', 'd', 'planned', 'u')"
        )


def test_newer_schema_is_refused_and_file_left_unchanged(db: Path) -> None:
    db.parent.mkdir()
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE future (x)")
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    with pytest.raises(StateError) as caught:
        open_store(db)
    message = str(caught.value)
    assert "schema version 99" in message
    assert f"knows up to {len(MIGRATIONS)}" in message
    assert "pip install -U interview-followup" in message
    assert caught.value.exit_code == 7
    assert db.read_bytes() == before
    assert not db.with_name("state.db-wal").exists()


def test_garbage_file_is_refused_naming_it(db: Path) -> None:
    db.parent.mkdir()
    db.write_bytes(b"this is not sqlite, just some text\n" * 100)
    before = db.read_bytes()
    with pytest.raises(StateError) as caught:
        open_store(db)
    assert str(db) in str(caught.value)
    assert "not a usable followup state database" in str(caught.value)
    assert db.read_bytes() == before


def test_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StateError, match="cannot create the state folder"):
        open_store(tmp_path / "file" / "state.db")


def test_write_commits(db: Path, store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO kv VALUES('a', '1')")
    assert not store.conn.in_transaction
    with open_store(db) as other:
        assert other.conn.execute("SELECT value FROM kv WHERE key = 'a'").fetchone()[0] == "1"


def test_write_rolls_back_on_exception(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO kv VALUES('keep', '1')")
    with pytest.raises(KeyError), store.write() as conn:
        conn.execute("INSERT INTO kv VALUES('lost', '1')")
        conn.execute("UPDATE kv SET value = '2' WHERE key = 'keep'")
        raise KeyError("boom")
    assert not store.conn.in_transaction
    rows = dict(store.conn.execute("SELECT key, value FROM kv").fetchall())
    assert rows == {"keep": "1"}


def test_transactions_do_not_nest(store: Store) -> None:
    with pytest.raises(RuntimeError, match="do not nest"), store.write(), store.write():
        pass
    assert not store.conn.in_transaction


def test_begin_immediate_makes_a_second_writer_wait_then_fail(db: Path, store: Store) -> None:
    other = open_store(db, busy_timeout=0.05)
    try:
        with store.write() as conn:
            conn.execute("INSERT INTO kv VALUES('mine', '1')")
            with pytest.raises(sqlite3.OperationalError, match="locked"), other.write():
                pass
            # Readers are not blocked under WAL; they see the last committed state.
            assert other.conn.execute("SELECT COUNT(*) FROM kv").fetchone()[0] == 0
        with other.write() as conn:
            conn.execute("INSERT INTO kv VALUES('theirs', '1')")
        assert store.conn.execute("SELECT COUNT(*) FROM kv").fetchone()[0] == 2
    finally:
        other.close()


def test_later_migrations_apply_in_order(db: Path) -> None:
    open_store(db).close()
    v2 = """
    CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT NOT NULL DEFAULT 'a;b');
    CREATE TRIGGER kv_audit AFTER INSERT ON kv BEGIN
      INSERT INTO audit(note) VALUES ('kv; ' || NEW.key);
    END;
    """
    latest = len(MIGRATIONS)
    with open_store(db, migrations=(*MIGRATIONS, v2)) as store:
        assert store.schema_version == latest + 1
        with store.write() as conn:
            conn.execute("INSERT INTO kv VALUES('x', '1')")
        assert store.conn.execute("SELECT note FROM audit").fetchone()[0] == "kv; x"
    expected = f"schema version {latest + 1} but this followup knows up to {latest}"
    with pytest.raises(StateError, match=expected):
        open_store(db)


def test_failed_migration_leaves_the_previous_version(db: Path) -> None:
    open_store(db).close()
    broken = "CREATE TABLE half (x); INSERT INTO no_such_table VALUES (1);"
    with pytest.raises(StateError, match="no such table"):
        open_store(db, migrations=(*MIGRATIONS, broken))
    with open_store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        names = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")]
        assert "half" not in names


CHILD = """
import sys
from pathlib import Path
from agent.store.lock import RunLock
lock = RunLock(Path(sys.argv[1]))
if not lock.acquire():
    sys.exit(3)
print("locked", flush=True)
sys.stdin.read()
"""


def start_holder(lock_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(lock_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "locked\n"
    return child


def test_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    lock_file = tmp_path / "data" / "followup.lock"
    child = start_holder(lock_file)
    try:
        lock = RunLock(lock_file)
        assert lock.acquire() is False
        assert not lock.held
        assert lock.holder_pid() == child.pid
        with pytest.raises(LockBusy) as caught, lock:
            pass
        assert caught.value.pid == child.pid
        assert str(caught.value) == (
            f"another followup run is active (pid {child.pid}); nothing to do"
        )
    finally:
        assert child.stdin is not None
        child.stdin.close()
        assert child.wait(timeout=20) == 0
    assert lock.acquire() is True
    assert lock.holder_pid() == os.getpid()
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(lock.pid_file.stat().st_mode) == 0o600
    lock.release()
    assert not lock.pid_file.exists()


def test_lock_frees_when_the_holder_is_killed(tmp_path: Path) -> None:
    lock_file = tmp_path / "followup.lock"
    child = start_holder(lock_file)
    lock = RunLock(lock_file)
    assert lock.acquire() is False
    child.kill()
    child.wait(timeout=20)
    assert lock.acquire() is True
    lock.release()


def test_lock_context_manager_and_same_process_contention(tmp_path: Path) -> None:
    lock_file = tmp_path / "followup.lock"
    first, second = RunLock(lock_file), RunLock(lock_file)
    with first:
        assert first.held
        assert first.acquire() is True  # already ours
        assert second.acquire() is False
    assert not first.held
    with second:
        assert second.holder_pid() == os.getpid()
    second.release()  # releasing twice is harmless


def test_version_1_database_is_migrated_to_the_latest_keeping_its_rows(db: Path) -> None:
    with open_store(db, migrations=MIGRATIONS[:1]) as old, old.write() as conn:
        conn.execute("INSERT INTO kv(key, value) VALUES('history_id', '7')")
    with open_store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.conn.execute("SELECT value FROM kv").fetchone()["value"] == "7"
        assert store.conn.execute("SELECT count(*) FROM reminders").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM set_aside").fetchone()[0] == 0


def test_text_with_lone_surrogates_is_stored_with_replacement_characters(tmp_path: Path) -> None:
    with open_store(tmp_path / "state.db") as store:
        with store.write() as conn:
            conn.execute("INSERT INTO kv(key, value) VALUES(?, ?)", ("title", "a\ud800b\udcffc"))
            conn.execute(
                "INSERT INTO kv(key, value) VALUES(:k, :v)", {"k": "named", "v": "\udfff"}
            )
        assert store.conn.execute("SELECT value FROM kv WHERE key = 'title'").fetchone()[0] == (
            "a\ufffdb\ufffdc"
        )
        assert store.conn.execute("SELECT value FROM kv WHERE key = 'named'").fetchone()[0] == (
            "\ufffd"
        )


def test_version_5_marks_become_columns_and_private_events_go(db: Path) -> None:
    with open_store(db, migrations=MIGRATIONS[:5]) as old, old.write() as conn:
        conn.execute(
            "INSERT INTO interviews(key, calendar_id, event_id, data, first_seen)"
            " VALUES('primary/iv', 'primary', 'iv', '{}', '2026-11-30T09:00:00+00:00')"
        )
        conn.executemany("INSERT INTO events(calendar_id, event_id, data) VALUES(?, ?, ?)", [
            ("primary", "iv", '{"summary": "Interview with Acme"}'),
            ("primary", "private", '{"summary": "Therapy - Dr. Smith"}'),
        ])
        conn.executemany("INSERT INTO kv(key, value) VALUES(?, ?)", [
            ("keys_checked:primary/iv", "2026-11-30T19:05:00+00:00"),
            ("inbox_full_sync", "expired:42"),
            ("inbox_full_sync_started", "2026-11-30T19:00:00+00:00"),
            ("user_email", "candidate@example.com"),
        ])
    with open_store(db) as store:
        conn = store.conn
        assert [r[0] for r in conn.execute("SELECT event_id FROM events")] == ["iv"]
        (checked,) = conn.execute("SELECT keys_checked_at FROM interviews").fetchone()
        assert checked == "2026-11-30T19:05:00+00:00"
        state = kv.full_sync(conn)
        assert state is not None and (state.first, state.target) == (False, "42")
        assert str(state.started) == "2026-11-30 19:00:00+00:00"
        assert kv.account(conn) is None  # read again from Gmail on the next pass
        keys = {r[0] for r in conn.execute("SELECT key FROM kv")}
        assert keys == {"inbox_full_sync"}


def test_opening_an_up_to_date_file_writes_nothing(tmp_path: Path) -> None:
    """A pass's open never waits for another process's write: it only reads the version."""
    path = tmp_path / "state.db"
    with (
        open_store(path) as first, first.write(),
        open_store(path, busy_timeout=0.05) as second,
    ):
        assert second.schema_version == first.schema_version
