"""`followup run` as a real subprocess against the sandbox, clock pinned: drafts, signals, exits.

The loop's timing rules (interval, backoff, coalescing, early wake) are proved in-process by
tests/cli/test_daemon.py; here the whole daemon runs as a user starts it, and what is checked is
what it leaves behind: drafts in the sandbox, state.db through `followup status`, exit codes.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from tests.e2e.world import NY, World

INTERVIEW = datetime(2026, 11, 30, 14, 0, tzinfo=NY)  # Monday; the thank-you is due at 19:00
AFTER_THANK_YOU = datetime(2026, 11, 30, 19, 5, tzinfo=NY)
FAST = ("--interval", "0.01")  # minutes: a tick every 0.6 s
DEADLINE = 20.0  # seconds; only reached when something is broken


def wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen) -> None:
    """Poll until `ready()`; fail early if the daemon died, or at the deadline."""
    end = time.monotonic() + DEADLINE
    while not ready():
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"the daemon exited {proc.returncode} before {what}: {err}")
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.01)


@contextmanager
def daemon(world: World, *args: str) -> Iterator[subprocess.Popen]:
    """`followup ARGS` as a subprocess, killed at the end if a test left it running."""
    proc = world.popen(*args)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    """SIGTERM, then the exit code and stderr."""
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    return proc.returncode, err


def ticks(world: World) -> int:
    """How many ticks reached the sandbox (each lists the calendar once)."""
    return world.sandbox.counts().get("calendar.events.list", 0)


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
        wait_for("a second tick", lambda: ticks(world) >= 2, proc)
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


def delete(world: World) -> None:
    """Remove the token file."""
    (world.home / "token.json").unlink()


def open_up(world: World) -> None:
    """Make the token file group-readable."""
    (world.home / "token.json").chmod(0o640)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [(delete, "no token at"), (open_up, "is open to other users (mode 640)")],
    ids=["token-deleted", "token-group-readable"],
)
def test_token_spoiled_while_running_stops_with_code_4(
    after_interview: World, spoil: Callable[[World], None], message: str
) -> None:
    world = after_interview
    with daemon(world, "run", *FAST) as proc:
        wait_for("the thank-you draft", lambda: len(world.drafts()) == 1, proc)
        spoil(world)
        _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 4, err
    [line] = [line for line in err.splitlines() if " ERROR " in line]
    # a timestamp first (not under journald, which stamps lines itself), then level and logger
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} ERROR agent.cli.daemon: ", line), line
    assert message in line
    assert "run `" in line  # says what to do
    assert_one_recorded_draft(world)  # status reads state.db only: no token needed


def test_missing_token_at_start_exits_4(after_interview: World) -> None:
    world = after_interview
    delete(world)
    with daemon(world, "run", *FAST) as proc:
        _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 4, err
    assert "no token at" in err and "run `followup auth` first" in err
    assert world.sandbox.request_log() == []


def test_bad_settings_at_start_exits_3(after_interview: World) -> None:
    world = after_interview
    config = world.home / "config.toml"
    config.write_text(config.read_text() + '\n[daemon]\ninterval_minutes = "often"\n')
    with daemon(world, "run") as proc:
        _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 3, err
    assert err.strip().splitlines() == [
        f"followup: {config}: daemon.interval_minutes: expected a number (no quotes), "
        'got "often" (text) (e.g. interval_minutes = 2.0)'
    ]
    assert world.sandbox.request_log() == []


def test_the_engines_next_due_wakes_the_daemon_before_its_interval(world: World) -> None:
    """Wiring proof: `run` hands the engine's next due time to the loop's early wake.

    The clock is pinned half a second before the thank-you is due and the interval is an
    hour, so any second tick within the deadline can only be the early wake.
    """
    world.add_interview(summary="Interview with Acme", start=INTERVIEW)
    world.at(datetime(2026, 11, 30, 18, 59, 59, 500000, tzinfo=NY))
    with daemon(world, "-v", "run", "--interval", "60") as proc:
        wait_for("the early wake", lambda: ticks(world) >= 2, proc)
        code, err = stop(proc)
    assert code == 0, err
    assert "next step due at 2026-11-30T19:00:00-05:00; waking then" in err
    assert world.drafts() == [], "the pinned clock never reaches 19:00"


STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} "


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
        wait_for("a tick", lambda: ticks(world) >= 3, journald)
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


def test_lock_path_that_is_a_folder_stops_run_with_one_line_and_7(world: World) -> None:
    lock = world.home / "followup.lock"
    lock.mkdir()
    with daemon(world, "run", *FAST) as proc:
        _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 7, err
    [line] = [x for x in err.splitlines() if " ERROR " in x]
    assert str(lock) in line and "is a folder" in line
    assert "Traceback" not in err and "tick crashed" not in err


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
