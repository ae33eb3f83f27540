"""`followupw` (what the Windows task runs, with no console): its output goes to a private log."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAUNCH = (  # what the followupw launcher does: argv[0] is followupw, then agent.cli.windowless:run
    "import sys; sys.argv[:] = ['followupw', *sys.argv[1:]]; "
    "from agent.cli.windowless import run; run()"
)


def followupw(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run followupw ARGS with FOLLOWUP_HOME=home."""
    env = {**os.environ, "FOLLOWUP_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("FOLLOWUP_NOW", None)
    return subprocess.run([sys.executable, "-c", LAUNCH, *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)


def test_output_and_errors_go_to_the_log_beside_state_db(tmp_path: Path) -> None:
    home = tmp_path / "followup"
    done = followupw(home, "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    log = home / "followup.log"
    assert "version" in log.read_text()
    failed = followupw(home, "--config", str(tmp_path / "nope.toml"), "tick")
    assert (failed.returncode, failed.stdout, failed.stderr) == (3, "", "")
    assert "no such settings file" in log.read_text().splitlines()[-1]
    if os.name != "nt":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
