"""`followup sandbox` and `followup config` as a user runs them, in real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from agent.sandbox import SandboxClient
from tests.e2e.world import NY

FOLLOWUP = [sys.executable, "-m", "agent.cli.main"]


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run followup in a subprocess."""
    return subprocess.run(
        [*FOLLOWUP, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def base_env(home: Path) -> dict[str, str]:
    """An environment with its own FOLLOWUP_HOME and nothing of the caller's followup settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env["FOLLOWUP_HOME"] = str(home)
    return env


def test_sandbox_command_serves_and_followup_ticks_against_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = base_env(home)
    server = subprocess.Popen(
        [*FOLLOWUP, "sandbox", "--port", "0", "--write-token", "--email", "me@example.com"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = server.stdout.readline()
        assert first.startswith("sandbox serving Gmail and Calendar at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
        lines = [server.stdout.readline() for _ in range(4)]
        assert any("wrote a sandbox token to" in ln for ln in lines), lines
        assert oct((home / "token.json").stat().st_mode & 0o777) == "0o600"

        client = SandboxClient(url)
        start = datetime(2026, 11, 30, 14, 0, tzinfo=NY)
        client.add_event(
            "primary",
            summary="Interview with Acme",
            start=start,
            end=start + timedelta(hours=1),
            attendees=[
                {"email": "me@example.com", "responseStatus": "accepted", "self": True},
                {"email": "jane@acme.com", "displayName": "Jane Doe", "responseStatus": "accepted"},
            ],
            organizer={"email": "jane@acme.com", "displayName": "Jane Doe"},
        )
        tick_env = dict(env, FOLLOWUP_GOOGLE_ENDPOINT=url, FOLLOWUP_NOW="2026-11-30T19:00:00-05:00")
        done = run(["tick"], tick_env)
        assert done.returncode == 0, done.stderr
        assert "drafted: thank_you for jane@acme.com" in done.stdout
        assert len(client.drafts()) == 1
        assert client.counts().get("gmail.users.drafts.create") == 1
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_config_check_names_file_and_key_and_touches_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[schedule]\nthank_you_time = "25:00"\n')
    done = run(["config", "check"], base_env(home))
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1, done.stderr
    assert "config.toml: schedule.thank_you_time" in done.stderr
    assert not (home / "state.db").exists()

    (home / "config.toml").write_text('[schedule]\nthank_you_time = "20:00"\n')
    done = run(["config", "check"], base_env(home))
    assert done.returncode == 0 and done.stdout.strip().endswith("OK")
    shown = run(["config", "show"], base_env(home))
    assert 'thank_you_time = "20:00"' in shown.stdout


def test_help_lists_every_command(tmp_path: Path) -> None:
    done = run(["--help"], base_env(tmp_path))
    assert done.returncode == 0
    for command in (
        "tick",
        "status",
        "preview",
        "note",
        "stop",
        "resume",
        "agenda",
        "auth",
        "doctor",
        "run",
        "service",
        "sandbox",
        "demo",
        "config",
    ):
        assert f"  {command} " in done.stdout, command
