"""Idle tick cost as active interviews grow: wall time and requests for 1 ... 400 interviews.

For each N, N accepted interviews (distinct companies) sit on Monday at 14:00 in the sandbox;
a first tick at 09:00 finds them all, then idle ticks (nothing new, nothing due) run at 10:00,
10:05, ... Measured: the first tick; the idle tick through agent.engine.tick.tick on a session
built beforehand (the engine alone), median of --runs; and `followup tick` through
the CLI in-process (settings, token, service build, state.db open each time, as under cron,
minus the interpreter start that bench/startup.py measures), median of --runs.

Usage: .venv/bin/python bench/tick_scaling.py [--sizes 1 10 50 100 200 400] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.requests_per_tick import MONDAY, Bench, at, units


def timed(fn: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(n: int, folder: Path, runs: int) -> dict[str, float]:
    """First tick, engine idle tick and CLI idle tick for N interviews."""
    bench = Bench(folder, [MONDAY] * n)
    try:
        first: list[Counter[str]] = []
        first_s = timed(lambda: first.append(bench.tick(at(9))[0]))
        found = len(bench.world.status_json()["interviews"])
        assert found == n, f"expected {n} interviews, status shows {found}"
        moments = [at(10) + timedelta(minutes=5 * i) for i in range(2 * runs)]
        idle: Counter[str] = Counter()
        engine_s = []
        for moment in moments[:runs]:
            session = bench.session()
            engine_s.append(timed(lambda m=moment, s=session: idle.update(bench.tick(m, s)[0])))
        bench.world.sandbox.clear_log()
        cli_s = []
        for moment in moments[runs:]:
            bench.world.at(moment)
            cli_s.append(timed(lambda: bench.world.cli("tick")))
        cli = bench.world.sandbox.counts()
    finally:
        bench.close()
    return {
        "first_ms": first_s * 1000,
        "first_req": sum(first[0].values()),
        "idle_ms": statistics.median(engine_s) * 1000,
        "idle_req": sum(idle.values()) / runs,
        "idle_units": (units(idle) or 0) / runs,
        "cli_ms": statistics.median(cli_s) * 1000,
        "cli_req": sum(cli.values()) / runs,
    }


def main() -> None:
    """Measure each size and print one row per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50, 100, 200, 400])
    parser.add_argument("--runs", type=int, default=7, help="idle ticks per median")
    args = parser.parse_args()
    head = (
        f"{'interviews':>10}  {'first tick':>10}  {'requests':>8}  "
        f"{'idle tick':>9}  {'requests':>8}  {'units':>5}  {'ms/interview':>12}  "
        f"{'CLI tick':>8}  {'requests':>8}"
    )
    print("idle tick (median of", args.runs, "runs); times in ms; units: Gmail quota units")
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp) / str(n), args.runs)
            print(
                f"{n:>10}  {r['first_ms']:>10.0f}  {r['first_req']:>8}  "
                f"{r['idle_ms']:>9.1f}  {r['idle_req']:>8.0f}  "
                f"{r['idle_units']:>5.0f}  {r['idle_ms'] / n:>12.3f}  "
                f"{r['cli_ms']:>8.1f}  {r['cli_req']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
