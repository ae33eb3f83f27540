"""Without the fcntl module (as on Windows) the CLI loads and the run lock still excludes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter where `import fcntl` fails, before anything of ours is imported.
PROGRAM = """
import sys
sys.modules["fcntl"] = None
from pathlib import Path
import click
from agent.cli.main import COMMANDS, main
from agent.store.lock import RunLock
context = click.Context(main)
assert all(main.get_command(context, name) is not None for name in COMMANDS)
lock = RunLock(Path(sys.argv[1]))
if not lock.acquire():
    print("busy", lock.holder_pid(), flush=True)
    sys.exit(0)
print("locked", flush=True)
sys.stdin.read()
lock.release()
print("released", flush=True)
"""


def without_fcntl(lock_file: Path, **kwargs: object) -> subprocess.Popen[str]:
    """Start PROGRAM on `lock_file` with pipes for stdin and stdout."""
    return subprocess.Popen(
        [sys.executable, "-c", PROGRAM, str(lock_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO, **kwargs,  # type: ignore[arg-type]
    )


def attempt(lock_file: Path) -> str:
    """One more process without fcntl tries the lock: what it printed."""
    other = without_fcntl(lock_file)
    out, err = other.communicate("", timeout=60)
    assert other.returncode == 0, err
    return out


def test_the_lock_excludes_and_frees_without_fcntl(tmp_path: Path) -> None:
    lock_file = tmp_path / "data" / "followup.lock"
    holder = without_fcntl(lock_file)
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline() == "locked\n"
    assert attempt(lock_file) == f"busy {holder.pid}\n"
    holder.stdin.close()
    assert holder.stdout.readline() == "released\n"
    assert holder.wait(timeout=60) == 0
    assert attempt(lock_file) == "locked\nreleased\n"


def test_a_killed_holder_frees_the_lock_without_fcntl(tmp_path: Path) -> None:
    lock_file = tmp_path / "followup.lock"
    holder = without_fcntl(lock_file)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    holder.kill()
    holder.wait(timeout=60)
    assert attempt(lock_file) == "locked\nreleased\n"
