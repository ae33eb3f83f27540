"""`followup doctor` through the CLI against the sandbox: healthy, then each way to break it."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import textwrap

from agent.cli.sandbox import write_sandbox_token
from tests.e2e.world import World

CHECKS = [
    "settings", "templates", "token", "google", "sender", "state", "lock", "files", "service",
]


def doctor(world: World, expect: int) -> dict[str, tuple[str, str]]:
    """Run `followup doctor`; check its exit code; name -> (OK|FAIL|WARN, detail) in order."""
    result = world.cli("doctor", expect=expect)
    lines: dict[str, tuple[str, str]] = {}
    *checks, last = result.output.splitlines()
    assert last.startswith("ready" if expect == 0 else "not ready: fix "), last
    for line in checks:
        mark, name, detail = line.split(maxsplit=2)
        assert mark in ("OK", "FAIL", "WARN"), line
        lines[name] = (mark, detail)
    return lines


def failures(lines: dict[str, tuple[str, str]]) -> list[str]:
    """The names of the FAIL lines."""
    return [name for name, (mark, _) in lines.items() if mark == "FAIL"]


def append_config(world: World, text: str) -> None:
    """Add TOML to the world's config.toml."""
    config = world.home / "config.toml"
    config.write_text(config.read_text() + "\n" + text)


def test_healthy_setup_is_all_ok(world: World) -> None:
    lines = doctor(world, expect=0)
    assert list(lines) == CHECKS
    assert failures(lines) == []
    assert lines["google"][1] == "Gmail candidate@example.com; calendars primary (America/New_York)"
    assert "private, has the scopes" in lines["token"][1]
    assert "valid=" not in lines["token"][1] and "None" not in lines["lock"][1]
    db = world.home / "state.db"
    version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
    assert version >= 1
    assert lines["state"][1] == f"{db} (created) at schema version {version}"
    assert lines["lock"][1] == "no other run is active"
    assert lines["files"] == ("OK", "followup's folders and files are readable by you alone")
    counts = world.sandbox.counts()
    assert counts["gmail.users.getProfile"] == 1
    assert counts["calendar.events.list"] == 1
    assert not any(m.startswith("gmail.users.drafts") for m in counts), "doctor writes nothing"
    last = world.cli("doctor").output.splitlines()[-1]
    assert last == "ready: followup will draft for candidate@example.com"


def test_missing_token(world: World) -> None:
    token = world.home / "token.json"
    token.unlink()
    lines = doctor(world, expect=4)
    assert lines["token"] == ("FAIL", f"no token at {token}; run `followup auth` first")
    assert lines["google"] == ("FAIL", "skipped: needs a working token")
    assert failures(lines) == ["token", "google"]
    assert world.sandbox.request_log() == []


def test_group_readable_token(world: World) -> None:
    token = world.home / "token.json"
    token.chmod(0o640)
    lines = doctor(world, expect=4)
    mark, detail = lines["token"]
    assert mark == "FAIL"
    assert "open to other users (mode 640)" in detail
    assert f"run `chmod 600 {token}`" in detail
    assert failures(lines) == ["token", "google"]
    assert world.sandbox.request_log() == []


def test_bad_settings_stop_every_later_check(world: World) -> None:
    append_config(world, '[daemon]\ninterval_minutes = "often"\n')
    lines = doctor(world, expect=3)
    assert list(lines) == ["settings"]
    mark, detail = lines["settings"]
    assert mark == "FAIL"
    assert detail.startswith(f"{world.home / 'config.toml'}: daemon.interval_minutes")
    assert "e.g. interval_minutes = " in detail


def test_broken_user_template_names_its_file_and_line(world: World) -> None:
    folder = world.home / "templates"
    folder.mkdir()
    broken = folder / "thank_you.email.j2"
    broken.write_text("Subject: Thank you, {{ contact.name \n\nHello\n")
    lines = doctor(world, expect=6)
    mark, detail = lines["templates"]
    assert mark == "FAIL"
    assert detail.startswith(f"{broken}, line ")
    assert "(fix the Jinja syntax)" in detail
    assert failures(lines) == ["templates"]


def test_sandbox_not_reachable(world: World) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = world.home / "config.toml"
    config.write_text(config.read_text().replace(world.server.url, f"http://127.0.0.1:{closed}/"))
    write_sandbox_token(world.home / "token.json", f"http://127.0.0.1:{closed}/", reminders=False)
    lines = doctor(world, expect=5)
    mark, detail = lines["google"]
    assert mark == "FAIL"
    assert f"cannot get an answer from http://127.0.0.1:{closed}/" in detail
    assert "ConnectionRefusedError" in detail
    assert detail.endswith("check the network and try again later")
    assert failures(lines) == ["google"]


def test_watched_calendar_that_does_not_exist(world: World) -> None:
    append_config(world, '[calendar]\nwatched = ["primary", "nope@group.calendar.google.com"]\n')
    lines = doctor(world, expect=3)
    mark, detail = lines["google"]
    assert mark == "FAIL"
    assert "'nope@group.calendar.google.com'" in detail
    assert "'primary'" not in detail
    assert detail.endswith(f"fix [calendar] watched in {world.home / 'config.toml'}")
    assert failures(lines) == ["google"]
    statuses = [r.status for r in world.sandbox.request_log() if r.method == "calendar.events.list"]
    assert statuses == [200, 404]


def test_state_db_from_the_future_is_left_as_is(world: World) -> None:
    db = world.home / "state.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db.read_bytes()
    lines = doctor(world, expect=7)
    mark, detail = lines["state"]
    assert mark == "FAIL"
    assert detail.startswith(f"{db} is at schema version 99 but this followup knows up to ")
    assert "upgrade followup" in detail
    assert failures(lines) == ["state"]
    assert db.read_bytes() == before


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from agent.store.lock import RunLock

    lock = RunLock(Path(sys.argv[1]))
    assert lock.acquire()
    print("held", flush=True)
    sys.stdin.read()
    """
)


def test_lock_held_by_another_process_is_reported_not_failed(world: World) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(world.home / "followup.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        lines = doctor(world, expect=0)
    finally:
        holder.communicate(timeout=10)  # closing stdin ends it
    assert failures(lines) == []
    assert lines["lock"][1] == (
        f"a run is active now (pid {holder.pid}); that is fine while the service runs"
    )
    assert doctor(world, expect=0)["lock"][1] == "no other run is active"


def test_a_folder_or_file_others_can_read_is_a_warning_saying_how_to_fix_it(world: World) -> None:
    world.home.chmod(0o755)
    token = world.home / "token.json"
    token.chmod(0o644)
    lines = doctor(world, expect=4)  # the token check refuses an open token, as before
    assert lines["files"] == (
        "WARN",
        f"others can read {world.home}, {token}: run `chmod 700 {world.home}` and "
        f"`chmod 600 {token}`",
    )
    token.chmod(0o600)
    world.home.chmod(0o700)
    assert doctor(world, expect=0)["files"][0] == "OK"
