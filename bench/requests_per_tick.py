"""Requests and Gmail quota units per tick, by API method, for 1, 10 and 100 interviews.

Runs the real engine (agent.engine.tick.tick, as `followup tick` does) in-process against
the sandbox over HTTP, with a pinned clock, and reads the sandbox's request log after each tick.

Ticks measured, for N interviews:
  first        Monday 09:00, nothing known yet: full calendar sync, first look at the inbox
  idle         Monday 12:00: nothing new, nothing due
  1 due        Monday 19:00, one thank-you due: one of the N interviews was that day (the
               rest are on Wednesday)
  idle after   Monday 19:05, after that draft
  all N due    Monday 19:00 in a second world where all N interviews were that day: N
               thank-you drafts due at once (summed over the ticks, a minute apart, that
               the per-tick unit budget takes)

Usage: .venv/bin/python bench/requests_per_tick.py [--sizes 1 10 100]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.cli.options import settings_from_env
from agent.cli.tick import session_for
from agent.core.errors import QuotaStop
from agent.engine.tick import tick
from agent.engine.work import Session
from agent.files.templates import load_templates
from agent.google.quota import PER_MINUTE as GMAIL_UNITS_PER_MINUTE
from agent.google.quota import UNITS as GMAIL_UNITS
from agent.store.db import open_store
from tests.e2e.world import NY, World, make_world

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=NY)
WEDNESDAY = MONDAY + timedelta(days=2)


def at(hour: int, minute: int = 0) -> datetime:
    """A Monday wall-clock moment."""
    return MONDAY.replace(hour=hour, minute=minute)


def units(counts: Counter[str]) -> int | None:
    """Gmail quota units of a tick's requests (None if a Gmail method has no known cost)."""
    total = 0
    for method, n in counts.items():
        if method.startswith("gmail."):
            if method not in GMAIL_UNITS:
                return None
            total += GMAIL_UNITS[method] * n
    return total


class Bench:
    """One sandbox world with N interviews, and a session per tick (as `followup tick` and
    `followup run` build one per pass: Gmail's unit budget is a session's)."""

    def __init__(self, folder: Path, days: list[datetime]) -> None:
        folder.mkdir(parents=True)
        self.world: World = make_world(folder, MONDAY)
        for i, day in enumerate(days):
            self.world.add_interview(
                summary=f"Interview with Company{i:03d}",
                start=day.replace(hour=14),
                interviewers=((f"Person {i}", f"person{i}@company{i:03d}.com"),),
            )
        settings = settings_from_env(None, {"FOLLOWUP_HOME": str(self.world.home)})
        self.store = open_store(settings.paths.state_db)
        self.settings, self.templates = settings, load_templates(settings.paths.templates_dir)

    def session(self) -> Session:
        """A new session over the world, as one pass gets."""
        return session_for(self.settings, self.store, self.templates)

    def tick(
        self, moment: datetime, session: Session | None = None
    ) -> tuple[Counter[str], int]:
        """One tick at a moment (on a new session unless given): requests by method, and how
        many drafts it made."""
        self.world.at(moment)
        self.world.sandbox.clear_log()
        with contextlib.suppress(QuotaStop):  # the unit budget: work is kept, the next goes on
            tick(session or self.session(), moment)
        counts = Counter(r.method for r in self.world.sandbox.request_log())
        return counts, counts.get("gmail.users.drafts.create", 0)

    def close(self) -> None:
        """Stop the sandbox and close state.db."""
        self.store.close()
        self.world.server.stop()
        assert self.world.sandbox.send_attempts() == [], "a send endpoint was called"


MAX_TICKS = 5
TICKS_FOR_ALL: dict[int, int] = {}  # N -> ticks (one a minute) it took to draft all N


def measure(n: int, folder: Path) -> dict[str, tuple[Counter[str], int]]:
    """The five ticks for N interviews."""
    ticks: dict[str, tuple[Counter[str], int]] = {}
    one = Bench(folder / "one", [MONDAY] + [WEDNESDAY] * (n - 1))
    try:
        ticks["first"] = one.tick(at(9))
        ticks["idle"] = one.tick(at(12))
        ticks["1 due"] = one.tick(at(19))
        ticks["idle after"] = one.tick(at(19, 5))
    finally:
        one.close()
    every = Bench(folder / "all", [MONDAY] * n)
    try:
        every.tick(at(9))
        counts, made = every.tick(at(19))
        spent = 1
        while made < n and spent < MAX_TICKS:  # a tick stops at its unit budget
            more, also = every.tick(at(19, spent))
            counts, made, spent = counts + more, made + also, spent + 1
        ticks[f"all {n} due"] = (counts, made)
        TICKS_FOR_ALL[n] = spent
    finally:
        every.close()
    return ticks


def report(n: int, ticks: dict[str, tuple[Counter[str], int]]) -> str:
    """A table: methods down, ticks across; totals and drafts at the bottom."""
    names = list(ticks)
    methods = sorted({m for counts, _ in ticks.values() for m in counts})
    width = max(len(m) for m in [*methods, "Gmail units (6,000/min)"])
    cols = [max(len(name), 6) for name in names]
    head = f"{'method':<{width}}  {'units':>5}  " + "  ".join(
        f"{name:>{w}}" for name, w in zip(names, cols, strict=True)
    )
    lines = [f"== {n} interview{'s' if n != 1 else ''}", head, "-" * len(head)]
    for method in methods:
        cost = str(GMAIL_UNITS.get(method, "-"))
        row = "  ".join(
            f"{ticks[name][0].get(method, 0) or '.':>{w}}"
            for name, w in zip(names, cols, strict=True)
        )
        lines.append(f"{method:<{width}}  {cost:>5}  {row}")
    lines.append("-" * len(head))
    for label, value in (
        ("requests", lambda c, d: sum(c.values())),
        ("Gmail units (6,000/min)", lambda c, d: units(c) if units(c) is not None else "?"),
        ("drafts made", lambda c, d: d),
    ):
        row = "  ".join(f"{value(*ticks[name]):>{w}}" for name, w in zip(names, cols, strict=True))
        lines.append(f"{label:<{width}}  {'':>5}  {row}")
    return "\n".join(lines)


def main() -> None:
    """Measure each size and print its table, then a summary of per-interview costs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    summary: list[str] = []
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        for n in args.sizes:
            ticks = measure(n, Path(tmp) / str(n))
            print(report(n, ticks), end="\n\n")
            idle = units(ticks["idle"][0]) or 0
            first = units(ticks["first"][0]) or 0
            burst = units(ticks[f"all {n} due"][0]) or 0
            summary.append(
                f"{n:>4} interview(s): first tick {first} units, idle tick {idle} units, "
                f"{n} thank-you draft(s) due at once {burst} units in {TICKS_FOR_ALL[n]} "
                f"tick(s) a minute apart ({burst / n:.1f} units a draft)"
            )
    print("\n".join(summary))
    print(
        "\nAn idle tick every 2 minutes (the daemon's default) costs "
        f"{(units(ticks['idle'][0]) or 0) / 2:.1f} Gmail units/min "
        f"of {GMAIL_UNITS_PER_MINUTE:,}."
    )


if __name__ == "__main__":
    main()
