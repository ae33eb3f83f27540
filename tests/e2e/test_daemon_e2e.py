"""`followup run` as a real subprocess against the sandbox, clock pinned: drafts, signals, exits.

The loop's timing rules (interval, backoff, coalescing, early wake) are proved in-process by
tests/cli/test_daemon.py; here the whole daemon runs as a user starts it, and what is checked is
what it leaves behind: drafts in the sandbox, state.db through `followup status`, exit codes.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agent.cli.sandbox import SANDBOX_REFRESH_TOKEN, write_sandbox_token
from agent.store import kv
from agent.store.db import open_store
from agent.store.kv import PassRecord
from tests.e2e.helpers import DEADLINE, passes, stop, wait_for
from tests.e2e.world import NY, World

INTERVIEW = datetime(2026, 11, 30, 14, 0, tzinfo=NY)  # Monday; the thank-you is due at 19:00
AFTER_THANK_YOU = datetime(2026, 11, 30, 19, 5, tzinfo=NY)
FAST = ("--interval", "0.01")  # minutes: a tick every 0.6 s
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} "


@contextmanager
def daemon(
    world: World, *args: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """`followup ARGS` as a subprocess, killed at the end if a test left it running."""
    proc = world.popen(*args, extra_env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def thank_you(world: World) -> dict:
    """The thank-you step's record in `followup status --json`."""
    [step] = [s for s in world.interview("Acme")["steps"] if s["step"] == "thank_you"]
    return step


def assert_one_recorded_draft(world: World) -> None:
    """Exactly one draft in Gmail, and status shows the step drafted with that draft's id."""
    [draft] = world.drafts()
    step = thank_you(world)
    assert step["state"] == "drafted"
    assert step["draft_id"] == draft["id"]
    assert world.sandbox.counts()["gmail.users.drafts.create"] == 1


@pytest.fixture
def after_interview(world: World) -> World:
    """An accepted interview on Monday at 14:00, the clock at 19:05 (thank-you due)."""
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=INTERVIEW)
    return world.at(AFTER_THANK_YOU)


def test_daemon_drafts_the_thank_you_and_stops_cleanly_on_sigterm(after_interview: World) -> None:
    world = after_interview
    with daemon(world, "-v", "run", *FAST) as proc:
        wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
        wait_for("a second tick", lambda: passes(world) >= 2, proc)
        code, err = stop(proc)
    assert code == 0, err
    assert "drafted: thank_you for jane@acme.com" in err
    assert "got SIGTERM; finishing the running tick, then stopping" in err
    assert "daemon stopped (exit code 0)" in err
    assert_one_recorded_draft(world)
    assert "nothing to do" in world.tick().output
    assert len(world.drafts()) == 1


@pytest.mark.parametrize(
    "method", ["calendar.events.list", "gmail.users.messages.list"], ids=["calendar", "search"]
)
def test_sigterm_mid_tick_finishes_the_tick_and_loses_nothing(
    after_interview: World, method: str
) -> None:
    world = after_interview
    world.sandbox.inject_fault(method, 503, delay=1.0)  # slow, then retried: a tick in progress
    with daemon(world, "-v", "run", *FAST) as proc:
        wait_for("the slow read", lambda: world.sandbox.counts().get(method, 0) >= 1, proc)
        before = world.sandbox.counts()
        code, err = stop(proc)
    assert "gmail.users.drafts.create" not in before, "the signal came before the draft"
    assert code == 0, err
    assert "got SIGTERM; finishing the running tick, then stopping" in err
    statuses = [r.status for r in world.sandbox.request_log() if r.method == method]
    assert statuses[:2] == [503, 200]
    assert_one_recorded_draft(world)
    world.tick()
    assert len(world.drafts()) == 1, "no duplicate on the next tick"
    assert world.sandbox.counts()["gmail.users.drafts.create"] == 1


NOTIFIER = """#!{python}
import sys
with open({calls!r}, "a") as f:
    f.write(sys.argv[-1] + "\\n")
"""


def desktop(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A desktop whose notifiers (notify-send, osascript) are stand-ins that record the text:
    the environment to run in, and the file the notifications go to."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "notifications.txt"
    bin_dir.mkdir()
    for name in ("notify-send", "osascript"):
        (bin_dir / name).write_text(NOTIFIER.format(python=sys.executable, calls=str(calls)))
        (bin_dir / name).chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "DISPLAY": ":0"}, calls


def notifications(calls: Path) -> list[str]:
    """The text of each desktop notification shown so far."""
    return calls.read_text().splitlines() if calls.exists() else []


def last_pass(world: World) -> PassRecord | None:
    """How the last pass ended, as state.db records it."""
    store = open_store(world.home / "state.db")
    try:
        return kv.last_pass(store.conn)
    finally:
        store.close()


def nudge(world: World) -> None:
    """Change config.toml's mtime, as saving it unchanged would: the daemon tries again."""
    config = world.home / "config.toml"
    seconds = config.stat().st_mtime + 1
    os.utime(config, (seconds, seconds))


def delete_token(world: World) -> None:
    """Remove the token file."""
    (world.home / "token.json").unlink()


def open_up(world: World) -> None:
    """Make the token file group-readable."""
    (world.home / "token.json").chmod(0o640)


def close_up(world: World) -> None:
    """Make the token file private again."""
    (world.home / "token.json").chmod(0o600)


def renew_token(world: World) -> None:
    """What `followup auth` does for the candidate: a new grant, a new token file."""
    world.sandbox.add_refresh_token(SANDBOX_REFRESH_TOKEN)
    write_sandbox_token(world.home / "token.json", world.server.url, reminders=False)


def spoil_settings(world: World) -> None:
    """A settings file that does not load."""
    config = world.home / "config.toml"
    config.write_text(config.read_text() + '\n[daemon]\ninterval_minutes = "often"\n')


def fix_settings(world: World) -> None:
    """The settings as they were."""
    config = world.home / "config.toml"
    config.write_text(config.read_text().replace('\n[daemon]\ninterval_minutes = "often"\n', ""))


def break_template(world: World) -> None:
    """A template of the candidate's own that names a variable there is not."""
    (world.home / "templates").mkdir()
    (world.home / "templates" / "thank_you.email.j2").write_text("Subject: Hi\n\n{{ nope }}\n")


def mend_template(world: World) -> None:
    """The same template, right."""
    (world.home / "templates" / "thank_you.email.j2").write_text("Subject: Hi\n\nThanks\n")


def lock_folder(world: World) -> None:
    """A folder where the run lock goes."""
    (world.home / "followup.lock").mkdir()


def remove_lock_folder(world: World) -> None:
    """Move the folder aside; a fix of the data folder is picked up by the next retry (nudged)."""
    (world.home / "followup.lock").rmdir()
    nudge(world)


desktop_only = pytest.mark.skipif(os.name == "nt", reason="the stand-in notifiers are scripts")


@desktop_only
@pytest.mark.parametrize(
    ("spoil", "fix", "message", "running"),
    [
        (delete_token, renew_token, "no token at", True),
        (open_up, close_up, "is open to other users (mode 640)", True),
        (delete_token, renew_token, "no token at", False),
        (spoil_settings, fix_settings, 'daemon.interval_minutes: expected a number (no quotes), '
         'got "often" (text)', False),
        (break_template, mend_template, "thank_you.email.j2, line 3", False),
        (lock_folder, remove_lock_folder, "is a folder, but followup keeps its run lock", False),
    ],
    ids=["token-deleted", "token-group-readable", "no-token-at-start", "bad-settings-at-start",
         "broken-template-at-start", "lock-a-folder-at-start"],
)
def test_a_failure_that_needs_you_is_said_once_and_the_fix_goes_on_without_a_restart(
    after_interview: World, tmp_path: Path, spoil: Callable[[World], None],
    fix: Callable[[World], None], message: str, running: bool,
) -> None:
    world = after_interview
    env, calls = desktop(tmp_path)
    if not running:
        spoil(world)
    with daemon(world, "run", *FAST, env=env) as proc:
        if running:
            wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
            spoil(world)
        wait_for("the notification", lambda: notifications(calls) != [], proc)
        fix(world)
        wait_for("a good pass", lambda: (r := last_pass(world)) is not None and r.ok, proc)
        code, err = stop(proc)
    assert code == 0, err
    [line] = [line for line in err.splitlines() if " ERROR " in line]
    # a timestamp first (not under journald, which stamps lines itself), then level and logger
    assert re.match(STAMP + "ERROR agent.cli.health: followup has not worked since ", line), line
    assert message in line
    assert len(notifications(calls)) == 1 and message in notifications(calls)[0]
    assert "followup works again" in err and "Traceback" not in err
    assert_one_recorded_draft(world)


@desktop_only
def test_a_revoked_grant_waits_for_followup_auth_and_then_drafts_without_a_restart(
    after_interview: World, tmp_path: Path
) -> None:
    world = after_interview
    world.tick(INTERVIEW - timedelta(hours=5))  # a good pass: state.db knows the calendar's zone
    world.at(AFTER_THANK_YOU)
    world.sandbox.revoke_grants()  # the candidate changed their Google password
    env, calls = desktop(tmp_path)
    line = ("followup has not worked since Mon 2026-11-30 19:05: Google refused the saved token "
            "(expired or revoked); run `followup auth`")
    with daemon(world, "-v", "run", *FAST, env=env) as proc:
        wait_for("the notification", lambda: notifications(calls) != [], proc)
        assert world.status_json()["problem"] == line
        banner = 'role="alert">' + html.escape(line)
        wait_for("the board's banner", lambda: banner in board_text(world), proc)
        for tries in (2, 3):  # each change of a watched file is one more try, said nowhere
            nudge(world)
            wait_for(f"try {tries}", lambda t=tries: refreshes(world) >= t, proc)
        assert world.drafts() == []
        renew_token(world)
        wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
        wait_for("a good pass", lambda: world.status_json()["problem"] is None, proc)
        code, err = stop(proc)
    assert code == 0, err
    assert [x.split(": ", 1)[1] for x in err.splitlines() if " ERROR " in x] == [line]
    assert err.count("next try in 0:05:00, or as soon as the token, settings or templates") == 3
    assert notifications(calls) == [line]
    assert "followup works again" in err
    assert 'role="alert"' not in board_text(world)
    assert_one_recorded_draft(world)


def board_text(world: World) -> str:
    """board.html beside state.db, as last written ("" before)."""
    board = world.home / "board.html"
    return board.read_text(encoding="utf-8") if board.exists() else ""


def refreshes(world: World) -> int:
    """How many times followup asked the token endpoint for an access token."""
    return world.sandbox.counts().get("oauth.token", 0)


def test_the_engines_next_due_wakes_the_daemon_before_its_interval(world: World) -> None:
    """Wiring proof: `run` hands the engine's next due time to the loop's early wake.

    The clock is pinned half a second before the thank-you is due and the interval is an
    hour, so any second tick within the deadline can only be the early wake.
    """
    world.add_interview(summary="Interview with Acme", start=INTERVIEW)
    world.at(datetime(2026, 11, 30, 18, 59, 59, 500000, tzinfo=NY))
    with daemon(world, "-v", "run", "--interval", "60") as proc:
        wait_for("the early wake", lambda: passes(world) >= 2, proc)
        code, err = stop(proc)
    assert code == 0, err
    assert "next step due at 2026-11-30T19:00:00-05:00; waking then" in err
    assert world.drafts() == [], "the pinned clock never reaches 19:00"


def test_run_says_what_it_does_in_one_start_line_without_the_schedulers_chatter(
    after_interview: World,
) -> None:
    world = after_interview
    world.tick(INTERVIEW - timedelta(hours=5))  # state.db knows the interview and the account
    world.at(AFTER_THANK_YOU)
    with daemon(world, "-v", "run", *FAST) as proc:
        wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
        code, err = stop(proc)
    assert code == 0, err
    lines = err.splitlines()
    start = lines[0]
    assert re.match(STAMP + "followup run: drafting for candidate@example.com; calendars "
                    "primary; a pass every 0.01 minutes; next due: ask for Acme, ", start), start
    chatter = [x for x in lines if re.search(r"(INFO|DEBUG) apscheduler", x)]
    assert chatter == [], "the scheduler's INFO lines show without --debug"
    assert all(re.match(STAMP, line) for line in lines if line.strip()), err
    # under journald (it sets JOURNAL_STREAM) the lines carry no stamp of our own
    journald = world.popen("run", *FAST, extra_env={"JOURNAL_STREAM": "8:123"})
    try:
        wait_for("a tick", lambda: passes(world) >= 3, journald)
    finally:
        code, err = stop(journald)
    assert err.splitlines()[0].startswith("followup run: drafting for candidate@example.com")


def test_ctrl_c_stops_run_after_its_tick_with_one_line_and_130(after_interview: World) -> None:
    world = after_interview
    with daemon(world, "run", *FAST) as proc:
        wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 130, err
    assert err.splitlines()[-1].endswith(
        "followup: stopped; nothing half-done: the next run picks up where this one stopped"
    )
    assert "Traceback" not in err and "Aborted" not in err
    assert_one_recorded_draft(world)


def test_ctrl_c_in_the_middle_of_a_tick_is_one_line_130_and_nothing_half_done(
    after_interview: World,
) -> None:
    world = after_interview
    method = "gmail.users.messages.list"
    world.sandbox.inject_fault(method, 503, delay=5.0)  # a slow read: the tick is under way
    proc = world.popen("tick")
    try:
        wait_for("the slow read", lambda: world.sandbox.counts().get(method, 0) >= 1, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        "followup: stopped; nothing half-done: the next run picks up where this one stopped"
    )
    assert "Traceback" not in err and "Aborted" not in err
    assert world.drafts() == []
    world.tick()  # the next run picks up: exactly one thank-you
    assert len(world.drafts()) == 1
    assert world.sandbox.counts()["gmail.users.drafts.create"] == 1
