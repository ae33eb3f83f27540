"""Holiday dates cached in state.db are keyed by the installed release of the holidays package."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from importlib.metadata import version

import pytest

from agent.files.paths import resolve_paths
from tests.e2e.world import NY, World

MADE_UP = ["2026-12-01", "Made-up Day"]  # a date an older release had wrong, say
RELEASE = version("holidays")


def cached(world: World) -> dict[str, object]:
    """The holiday rows of state.db, as stored."""
    db = sqlite3.connect(resolve_paths(env=world.env()).state_db)
    try:
        rows = db.execute("SELECT key, value FROM kv WHERE key LIKE 'holidays:%'").fetchall()
    finally:
        db.close()
    return {key: json.loads(value) for key, value in rows}


def rewrite(world: World, change) -> None:
    """Store every holiday row as `change` makes it (as an older run might have left it)."""
    db = sqlite3.connect(resolve_paths(env=world.env()).state_db)
    try:
        with db:
            for key, value in cached(world).items():
                new = json.dumps(change(value))
                db.execute("UPDATE kv SET value = ? WHERE key = ?", (new, key))
    finally:
        db.close()


def test_dates_cached_under_another_release_are_computed_again(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    rows = cached(world)
    assert sorted(rows) == ["holidays:US::2026", "holidays:US::2027"]
    assert all(row["release"] == RELEASE for row in rows.values())
    assert ["2026-11-26", "Thanksgiving Day"] in rows["holidays:US::2026"]["days"]

    rewrite(world, lambda row: {"release": "0.1", "days": [*row["days"], MADE_UP]})
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))  # another release
    assert cached(world) == rows  # the made-up day is gone, the release is the installed one


def test_dates_cached_under_this_release_are_used_as_they_are(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    rewrite(world, lambda row: {**row, "days": [*row["days"], MADE_UP]})
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))
    assert MADE_UP in cached(world)["holidays:US::2026"]["days"]  # not computed again


def test_dates_cached_before_releases_were_noted_are_computed_once(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    rewrite(world, lambda row: row["days"])  # the old format: the bare list of days
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))
    assert all(row["release"] == RELEASE for row in cached(world).values())


def test_a_dry_run_caches_nothing(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    db = sqlite3.connect(resolve_paths(env=world.env()).state_db)
    with db:
        db.execute("DELETE FROM kv WHERE key LIKE 'holidays:%'")
    db.close()
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY)).cli("tick", "--dry-run")
    assert cached(world) == {}


@pytest.mark.parametrize(
    ("country", "written", "key"),
    [("US", "California", "holidays:US:CA:2026"), ("DE", "augsburg", "holidays:DE:Augsburg:2026")],
)
def test_a_region_is_cached_as_the_package_spells_it(
    world: World, country: str, written: str, key: str
) -> None:
    config = world.home / "config.toml"
    config.write_text(config.read_text().replace(
        'country = "US"', f'country = "{country}"\nsubdivision = "{written}"'
    ))
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    assert key in cached(world)
    assert world.interview("Acme")["status"] == "active"
