"""`python -m agent.sandbox`: serve a sandbox in the foreground (for the demo and manual tries)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from agent.sandbox.server import SandboxServer
from agent.sandbox.state import Sandbox

log = logging.getLogger("agent.sandbox")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, load or create the state, and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m agent.sandbox",
        description=__doc__,
        epilog="Control surface, faults, quota and scopes: see docs/sandbox.md.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="JSON file to load at start (if it exists) and save after each change",
    )
    parser.add_argument("--user", default="candidate@example.com")
    parser.add_argument("--time-zone", default="America/New_York")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.state_file is not None and args.state_file.exists():
        sandbox = Sandbox.load(args.state_file)
    else:
        sandbox = Sandbox(args.user, args.time_zone, seed=args.seed)
    server = SandboxServer(sandbox, args.host, args.port, state_file=args.state_file)
    log.info("control surface: %s_sandbox/ (see docs/sandbox.md)", server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
