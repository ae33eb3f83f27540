"""One item's failure is set aside with its reason; a failure of the run still ends it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.cli.offline import offline_context
from agent.core.errors import GoogleUnavailable
from agent.core.settings import Settings
from agent.engine.context import Context
from agent.engine.isolation import guarded, item_fault
from agent.files.paths import resolve_paths
from agent.files.templates import load_templates
from agent.store import set_aside
from agent.store.db import open_store

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    paths = resolve_paths(None, {"FOLLOWUP_HOME": str(tmp_path)})
    store = open_store(tmp_path / "state.db")
    try:
        yield offline_context(Settings(paths=paths), store, load_templates(tmp_path / "templates"))
    finally:
        store.close()


def broken() -> None:
    raise KeyError("organizer")


def test_an_item_fault_is_set_aside_and_reported(ctx: Context) -> None:
    assert not guarded(ctx, "event", "primary/e1", "Interview \ud800 x", NOW, broken)
    [item] = set_aside.listed(ctx.store.conn)
    assert (item.kind, item.item_id, item.title) == ("event", "primary/e1", "Interview x")
    assert item.reason == "could not be processed: KeyError: 'organizer'"
    assert [a.kind for a in ctx.run.actions] == ["set-aside"]
    assert guarded(ctx, "event", "primary/e2", "fine", NOW, lambda: None)
    set_aside.clear(ctx.store.conn, "event", "primary/e1")
    assert set_aside.listed(ctx.store.conn) == []


@pytest.mark.parametrize(
    "error",
    [
        GoogleUnavailable("no network"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.DatabaseError("database disk image is malformed"),
    ],
)
def test_a_failure_of_the_run_is_not_an_items(ctx: Context, error: Exception) -> None:
    def failing() -> None:
        raise error

    assert not item_fault(error)
    with pytest.raises(type(error)):
        guarded(ctx, "message", "m1", "subject", NOW, failing)
    assert set_aside.listed(ctx.store.conn) == []


def test_item_faults() -> None:
    assert item_fault(ValueError("bad date"))
    assert item_fault(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    assert item_fault(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not item_fault(KeyboardInterrupt())
