"""Public holiday dates cached in state.db, so a tick need not load the holidays package."""

from __future__ import annotations

import json
from datetime import date

from agent.core.business import computed_holidays, public_holidays, remember_holidays
from agent.core.settings import UserSettings
from agent.store import sequences
from agent.store.db import Store

PREFIX = "holidays:"  # kv key: holidays:<country>:<subdivision>:<year> -> [[day, name], ...]


def load_holidays(store: Store, user: UserSettings, today: date) -> None:
    """Hand the cached years of the user's country and region to the business calendar.

    This year and the next are computed and cached when missing (the first run, or a new
    year): later runs do not load the holidays package at all.
    """
    country, subdivision = user.country.strip().upper(), user.subdivision.strip().upper()
    if not country:
        return
    prefix = f"{PREFIX}{country}:{subdivision}:"
    rows = store.conn.execute(
        "SELECT key, value FROM kv WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
    ).fetchall()
    for key, value in rows:
        try:
            year = int(key[len(prefix):])
            days = {date.fromisoformat(d): str(n) for d, n in json.loads(value)}
        except (ValueError, TypeError):
            continue  # a damaged entry is computed again
        remember_holidays(country, subdivision, year, days)
    for year in (today.year, today.year + 1):
        try:
            public_holidays(country, subdivision, year)
        except (NotImplementedError, KeyError, ValueError):
            return  # an unknown place: the business calendar says so in its own words
    save_holidays(store)


def save_holidays(store: Store) -> None:
    """Cache the years computed during this run."""
    fresh = computed_holidays()
    if not fresh:
        return
    with store.write():
        for (country, subdivision, year), days in fresh.items():
            value = json.dumps(sorted((d.isoformat(), n) for d, n in days.items()))
            sequences.set_kv(store.conn, f"{PREFIX}{country}:{subdivision}:{year}", value)
