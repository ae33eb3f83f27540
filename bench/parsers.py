"""The parsers of core on hostile input: each one's worst time on 1 MiB, and on what.

Every parser that reads outsiders' text (mail headers, snippets, delivery reports, event
titles, descriptions and names, follow-up phrases) gets each input of tests/core/hostile.py:
a long run of one character class the patterns use, or of a token they look for. Printed:
per parser, its worst time and the input that caused it, slowest first. A parser still
running after --limit seconds on one input is reported as such and the run goes on.

Usage: .venv/bin/python bench/parsers.py [--size 1048576] [--limit 60] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.hostile import MIB, PARSERS, TooSlow, texts, within


def main() -> None:
    """Time every parser on every hostile input and print the worst per parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=MIB, help="characters per input")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before giving up")
    parser.add_argument("--only", nargs="*", default=[], help="parser names to run")
    args = parser.parse_args()
    inputs = list(texts(args.size))
    worst: list[tuple[float, str, str]] = []
    for name, parse in PARSERS.items():
        if args.only and name not in args.only:
            continue
        slowest = (0.0, "")
        for label, text in inputs:
            began = time.perf_counter()
            try:
                with within(args.limit):
                    parse(text)
            except TooSlow:
                label = f"{label} (stopped at the limit)"
            took = time.perf_counter() - began
            slowest = max(slowest, (took, label))
        worst.append((*slowest, name))
        print(f"{slowest[0]:8.3f} s  {name:32} on {slowest[1]}", file=sys.stderr, flush=True)
    print(f"\nworst time per parser on {args.size:,} characters of each of {len(inputs)} inputs:")
    for took, label, name in sorted(worst, reverse=True):
        print(f"{took:8.3f} s  {name:32} on {label}")


if __name__ == "__main__":
    main()
