"""Process start cost: `followup --help` and `followup status` on an empty home, and imports.

Each run is a fresh process of the installed console script (the venv's `followup`, else
`python -m agent.cli.main`) with FOLLOWUP_HOME set to a new empty folder, so `status` also creates
and migrates state.db; no network is touched. Printed: the median and the spread of --runs
runs, the bare interpreter start for comparison, the import time of agent.cli.main measured in a
fresh process, and the heaviest imports from `python -X importtime -c "import agent.cli.main"`.

Usage: .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IMPORT_TIMER = (
    "import time; t = time.perf_counter(); import agent.cli.main; print(time.perf_counter() - t)"
)


def followup_command() -> list[str]:
    """The console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("followup")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "agent.cli.main"]


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a user run: a new home, no pinned clock, no endpoint override."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env["FOLLOWUP_HOME"] = str(home)
    return env


def run_once(argv: list[str], tmp: Path, index: int) -> float:
    """Wall seconds of one process, in a fresh empty home; fails loudly on a non-zero exit."""
    home = tmp / f"home{index}"
    home.mkdir(parents=True)
    started = time.perf_counter()
    done = subprocess.run(argv, env=clean_env(home), cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


def series(argv: list[str], runs: int, tmp: Path, label: str) -> tuple[str, list[float]]:
    """`runs` timings of one command (after one warm-up run for the OS file cache)."""
    run_once(argv, tmp, 0)
    return label, [run_once(argv, tmp, i + 1) for i in range(runs)]


def import_seconds(runs: int) -> list[float]:
    """`import agent.cli.main` timed inside fresh interpreters."""
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", IMPORT_TIMER], cwd=REPO, capture_output=True, text=True
        )
        out.append(float(done.stdout.strip()))
    return out


def heaviest_imports(tmp: Path, count: int = 12) -> list[tuple[int, int, str]]:
    """The imports with the largest cumulative time under `followup status` (empty home).

    Returns (microseconds, nesting depth, module), largest first.
    """
    home = tmp / "importtime"
    home.mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "agent.cli.main", "status"],
        env=clean_env(home),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match:
            rows.append((int(match.group(1)), len(match.group(2)) // 2, match.group(3)))
    return sorted(rows, reverse=True)[:count]


def describe(label: str, values: list[float]) -> str:
    """One line: median, min and max in milliseconds."""
    ms = [v * 1000 for v in values]
    return (
        f"{label:<34} median {statistics.median(ms):7.1f} ms   "
        f"min {min(ms):7.1f}   max {max(ms):7.1f}   (n={len(ms)})"
    )


def main() -> None:
    """Time each command and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    followup = followup_command()
    print(f"python {sys.version.split()[0]}; command: {' '.join(followup)}")
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as folder:
        tmp = Path(folder)
        rows = [
            series([sys.executable, "-c", "pass"], args.runs, tmp / "a", "python -c pass (floor)"),
            series([*followup, "--help"], args.runs, tmp / "b", "followup --help"),
            series([*followup, "status"], args.runs, tmp / "c", "followup status (empty home)"),
        ]
        heavy = heaviest_imports(tmp)
    for label, values in rows:
        print(describe(label, values))
    print(describe("import agent.cli.main (in-process)", import_seconds(args.runs)))
    print("\nheaviest imports of `followup status` (cumulative ms, -X importtime; indent = depth):")
    for micros, depth, name in heavy:
        print(f"  {micros / 1000:7.1f}  {'  ' * depth}{name}")


if __name__ == "__main__":
    main()
