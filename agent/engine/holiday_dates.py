"""Public holiday dates cached in state.db, per release of the holidays package."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from importlib.metadata import version

from agent.core.business import Holidays, public_holidays
from agent.core.settings import UserSettings
from agent.store import sequences
from agent.store.db import Store

# kv key: holidays:<country>:<subdivision>:<year> -> {"release": version, "days": [[day, name]]}
PREFIX = "holidays:"


def holiday_lookup(store: Store, user: UserSettings, today: date, *, save: bool) -> Holidays:
    """Public holidays by year; this year and next from state.db, computed and saved if stale."""
    country, subdivision = user.country, user.subdivision
    release = version("holidays")
    known: dict[int, dict[date, str]] = {}
    for year in (today.year, today.year + 1) if country else ():
        key = f"{PREFIX}{country}:{subdivision}:{year}"
        try:
            cached = json.loads(sequences.get_kv(store.conn, key) or "null")
            if cached["release"] == release:
                known[year] = {date.fromisoformat(d): str(n) for d, n in cached["days"]}
                continue
        except (ValueError, TypeError, KeyError):
            pass  # a damaged entry (or one from before releases were noted) is computed again
        try:
            known[year] = public_holidays(country, subdivision, year)
        except NotImplementedError:
            break  # an unknown place: the business calendar says so in its own words
        if save:
            listed = sorted((d.isoformat(), n) for d, n in known[year].items())
            with store.write():
                sequences.set_kv(store.conn, key, json.dumps({"release": release, "days": listed}))
    def lookup(year: int) -> Mapping[date, str]:
        """One year's public holidays."""
        return known[year] if year in known else public_holidays(country, subdivision, year)

    return lookup
