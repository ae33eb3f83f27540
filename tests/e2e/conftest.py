"""Fixtures for the end-to-end tests: a running sandbox and a followup home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.e2e.world import NY, World, make_world

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=NY)
REMINDERS_ON = "\n[reminders]\nenabled = true\npopup_minutes = 5\n"


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    """A fresh sandbox + home, clock at Monday 2026-11-30 09:00 New York."""
    w = make_world(tmp_path, MONDAY)
    try:
        yield w
    finally:
        w.server.stop()
        w.assert_never_sent()


@pytest.fixture
def rworld(tmp_path) -> Iterator[World]:
    """A world with calendar reminders on (the token carries calendar.events)."""
    w = make_world(tmp_path, MONDAY, REMINDERS_ON, reminders=True)
    try:
        yield w
    finally:
        w.server.stop()
        w.assert_never_sent()
