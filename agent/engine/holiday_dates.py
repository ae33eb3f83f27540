"""Public holiday dates cached in state.db, so a tick need not load the holidays package."""

from __future__ import annotations

import json
from datetime import date

from agent.core.business import computed_holidays, place_of, public_holidays, remember_holidays
from agent.core.holiday_package import UnknownPlace, release_marker
from agent.core.settings import UserSettings
from agent.store import sequences
from agent.store.db import Store

# kv key: holidays:<country>:<subdivision>:<year> -> {"release": marker, "days": [[day, name]]}
PREFIX = "holidays:"


def load_holidays(store: Store, user: UserSettings, today: date) -> None:
    """Hand the cached years of the user's country and region to the business calendar.

    This year and the next are computed and cached when missing (the first run, or a new
    year), and so is a year cached under another release of the holidays package (a new
    release may correct a date): later runs do not load the package at all.
    """
    country, subdivision = place_of(user)
    if not country:
        return
    prefix = f"{PREFIX}{country}:{subdivision}:"
    rows = store.conn.execute(
        "SELECT key, value FROM kv WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
    ).fetchall()
    release = release_marker()
    for key, value in rows:
        try:
            year = int(key[len(prefix):])
            cached = json.loads(value)
            if cached["release"] != release:
                continue  # another release of the package: computed again
            days = {date.fromisoformat(d): str(n) for d, n in cached["days"]}
        except (ValueError, TypeError, KeyError):
            continue  # a damaged entry (or one from before releases were noted) is computed again
        remember_holidays(country, subdivision, year, days)
    for year in (today.year, today.year + 1):
        try:
            public_holidays(country, subdivision, year)
        except (UnknownPlace, KeyError, ValueError):
            return  # an unknown place: the business calendar says so in its own words
    save_holidays(store)


def save_holidays(store: Store) -> None:
    """Cache the years computed during this run, noting the package release they came from."""
    fresh = computed_holidays()
    if not fresh:
        return
    release = release_marker()
    with store.write():
        for (country, subdivision, year), days in fresh.items():
            listed = sorted((d.isoformat(), n) for d, n in days.items())
            value = json.dumps({"release": release, "days": listed})
            sequences.set_kv(store.conn, f"{PREFIX}{country}:{subdivision}:{year}", value)
