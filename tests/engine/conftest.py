"""The `engine` fixture: tests/engine/harness.py's Engine on a fresh state.db."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.core.settings import Settings, UserSettings
from agent.engine.work import Session
from agent.files.templates import load_templates
from agent.store.db import open_store
from tests.engine.harness import SECRET, Engine, at, paths
from tests.engine.memory import MemoryCalendar, MemoryMailbox


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on Monday 2026-11-30, New York, with nothing on the calendar."""
    settings = Settings(
        paths=paths(tmp_path),
        user=UserSettings(name="Casey Candidate", signature="Casey", timezone="America/New_York"),
    )
    store = open_store(settings.paths.state_db)
    mailbox, calendar = MemoryMailbox(now=at(9)), MemoryCalendar()
    session = Session(settings, store, mailbox, calendar, load_templates(None), SECRET)
    try:
        yield Engine(mailbox, calendar, store, session)
    finally:
        store.close()
