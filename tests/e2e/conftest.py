"""Fixtures for the end-to-end tests: a running sandbox and a followup home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.e2e.world import NY, World, make_world

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=NY)


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    """A fresh sandbox + home, clock at Monday 2026-11-30 09:00 New York."""
    w = make_world(tmp_path, MONDAY)
    try:
        yield w
    finally:
        w.server.stop()
        w.assert_never_sent()
