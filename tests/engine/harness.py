"""The engine in-process over the in-memory ports (tests/engine/memory.py) and a real state.db."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.core.settings import Paths
from agent.engine.tick import tick
from agent.engine.work import Pass, Session, open_pass
from agent.store.db import Store
from tests.engine.memory import MemoryCalendar, MemoryMailbox

NY = ZoneInfo("America/New_York")
SECRET = b"k" * 32


def at(hour: int, minute: int = 0, *, day: int = 30) -> datetime:
    """A wall-clock moment in New York in the week of Monday 2026-11-30."""
    if day > 30:
        return datetime(2026, 12, day - 30, hour, minute, tzinfo=NY)
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


@dataclass
class Engine:
    """In-memory Gmail and Calendar, a real state.db, and a session over them."""

    mailbox: MemoryMailbox
    calendar: MemoryCalendar
    store: Store
    session: Session

    def tick(self, moment: datetime) -> Pass:
        """One pass at a moment (the mailbox's clock moves with it)."""
        self.mailbox.now = moment
        return tick(self.session, moment)

    def offline(self, moment: datetime) -> Pass:
        """A pass over state.db that does nothing by itself."""
        return open_pass(self.session, moment, online=False)

    def with_settings(self, **user: object) -> Engine:
        """The same engine with other [user] settings."""
        settings = replace(self.session.settings, user=replace(self.session.settings.user, **user))
        return replace(self, session=replace(self.session, settings=settings))


def paths(home: Path) -> Paths:
    """Every file of a followup home in one folder."""
    return Paths(
        config_file=home / "config.toml", token_file=home / "token.json",
        state_db=home / "state.db", lock_file=home / "followup.lock",
        templates_dir=home / "templates",
    )
