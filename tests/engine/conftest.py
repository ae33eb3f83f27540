"""The engine in-process against the sandbox: a real Session, real HTTP, a real state.db."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from agent.cli.runtime import session_for, settings_from_env
from agent.engine.context import Run
from agent.engine.tick import Session, tick
from agent.files.templates import load_templates
from agent.store.db import Store, open_store
from tests.e2e.world import NY, World, make_world

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=NY)


def at(hour: int, minute: int = 0, *, day: int = 30) -> datetime:
    """A wall-clock moment in New York in the week of Monday 2026-11-30."""
    if day > 30:
        return datetime(2026, 12, day - 30, hour, minute, tzinfo=NY)
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


@dataclass
class Engine:
    """A sandbox world and one long-lived engine session over it."""

    world: World
    store: Store
    session: Session

    def tick(self, moment: datetime) -> Run:
        """One pass of the engine at a moment (the sandbox's clock moves with it)."""
        self.world.at(moment)
        return tick(self.session, moment)

    def calls(self, method: str) -> int:
        """How many requests of one API method the sandbox has seen since the log was cleared."""
        return self.world.sandbox.counts().get(method, 0)


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    """An engine session on a fresh sandbox, clock at Monday 2026-11-30 09:00 New York."""
    world = make_world(tmp_path, MONDAY)
    settings = settings_from_env(None, world.env())
    store = open_store(settings.paths.state_db)
    session = session_for(settings, store, load_templates(settings.paths.templates_dir))
    try:
        yield Engine(world, store, session)
    finally:
        store.close()
        world.server.stop()
        world.assert_never_sent()
