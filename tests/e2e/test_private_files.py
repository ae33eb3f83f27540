"""followup's files are the user's alone, whatever the umask and however the folder was made."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from agent.cli.sandbox import write_sandbox_token
from tests.e2e.world import NY, World


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_home(world: World) -> Iterator[World]:
    """The world with its FOLLOWUP_HOME made 755 by hand, under umask 022."""
    old = os.umask(0o022)
    world.home.chmod(0o755)
    try:
        yield world
    finally:
        os.umask(old)


def test_every_file_followup_writes_is_0600_in_a_folder_others_can_read(open_home: World) -> None:
    world = open_home
    token = world.home / "token.json"
    token.unlink()
    write_sandbox_token(token, world.server.url, reminders=False)  # as `followup auth` saves it
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 11, 30, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 19, tzinfo=NY))
    assert len(world.drafts()) == 1
    db = world.home / "state.db"
    made = [db, world.home / "draft-keys.secret", world.home / "followup.lock", token]
    assert {p.name: oct(mode(p)) for p in made} == {p.name: "0o600" for p in made}
    reader = sqlite3.connect(db)  # any later connection: SQLite gives -wal and -shm db's mode
    try:
        reader.execute("PRAGMA journal_mode").fetchone()
        reader.execute("SELECT count(*) FROM kv").fetchone()
        sidecars = [world.home / "state.db-wal", world.home / "state.db-shm"]
        assert {p.name: oct(mode(p)) for p in sidecars} == {p.name: "0o600" for p in sidecars}
    finally:
        reader.close()
    assert mode(world.home) == 0o755  # the user's folder is theirs to set: doctor warns
    assert "others can read " + str(world.home) in world.cli("doctor").output


def test_a_state_db_an_older_version_left_open_is_made_private(open_home: World) -> None:
    world = open_home
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))
    db = world.home / "state.db"
    db.chmod(0o644)
    (world.home / "followup.lock").chmod(0o644)
    world.tick(datetime(2026, 11, 30, 11, tzinfo=NY))
    assert (mode(db), mode(world.home / "followup.lock")) == (0o600, 0o600)
