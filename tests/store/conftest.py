"""A fresh state.db for the store's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.store.db import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh state.db at the latest schema."""
    s = open_store(tmp_path / "state.db")
    try:
        yield s
    finally:
        s.close()
