"""agent.cli.run: the APScheduler loop on real (short) time, signals in and out of process."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from agent.cli.run import (
    RETRY_WAIT,
    TICK_JOB,
    WATCH_EVERY,
    WATCH_JOB,
    TickOutcome,
    _Loop,
    backoff_delay,
    run_daemon,
)
from agent.core.errors import (
    AuthError,
    GoogleApiError,
    GoogleUnavailable,
    QuotaStop,
    SettingsError,
    StateError,
    TemplateError,
)

REPO = Path(__file__).resolve().parents[2]
GRACE = timedelta(minutes=60)


class Ticks:
    """A tick function that records when it ran and replays scripted results."""

    def __init__(self, *script: object) -> None:
        self.script = list(script)
        self.nows: list[datetime] = []
        self.clock: list[float] = []

    def __call__(self, now: datetime) -> TickOutcome:
        self.nows.append(now)
        self.clock.append(time.monotonic())
        step = self.script.pop(0) if self.script else TickOutcome()
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(now)  # type: ignore[no-any-return]
        assert isinstance(step, TickOutcome)
        return step

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.clock, self.clock[1:], strict=False)]


def stop(now: datetime) -> TickOutcome:
    """The last scripted tick: SIGTERM, as the service manager stops the daemon."""
    os.kill(os.getpid(), signal.SIGTERM)
    return TickOutcome()


def test_backoff_doubles_from_one_interval_and_caps() -> None:
    two = timedelta(minutes=2)
    assert backoff_delay(two, 0) == two
    assert backoff_delay(two, 1) == two
    assert backoff_delay(two, 2) == timedelta(minutes=4)
    assert backoff_delay(two, 4) == timedelta(minutes=16)
    assert backoff_delay(two, 5) == timedelta(minutes=30)
    assert backoff_delay(two, 50) == timedelta(minutes=30)
    assert backoff_delay(timedelta(hours=1), 3) == timedelta(hours=1)


def test_tick_outcome_needs_an_aware_due_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TickOutcome(next_due=datetime(2030, 1, 1, 9, 0))
    due = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    assert TickOutcome(next_due=due).next_due == due


def test_interval_runs_the_tick_repeatedly_until_a_signal() -> None:
    ticks = Ticks(TickOutcome(), TickOutcome(), TickOutcome(), stop)
    code = run_daemon(ticks, interval=timedelta(seconds=0.05), misfire_grace=GRACE)
    assert code == 0
    assert len(ticks.nows) == 4
    assert all(now.tzinfo is not None for now in ticks.nows)
    assert all(gap >= 0.04 for gap in ticks.gaps())


def test_wakes_early_for_a_due_step() -> None:
    ticks = Ticks(
        lambda now: TickOutcome(next_due=now + timedelta(seconds=0.2)),
        stop,
    )
    started = time.monotonic()
    code = run_daemon(ticks, interval=timedelta(seconds=60), misfire_grace=GRACE)
    assert code == 0
    assert len(ticks.nows) == 2
    assert 0.15 <= ticks.gaps()[0] <= 1.0
    assert time.monotonic() - started < 1.5


def test_due_time_in_the_past_waits_for_the_interval() -> None:
    ticks = Ticks(
        lambda now: TickOutcome(next_due=now - timedelta(seconds=1)),
        lambda now: TickOutcome(next_due=now),
        stop,
    )
    code = run_daemon(ticks, interval=timedelta(seconds=0.2), misfire_grace=GRACE)
    assert code == 0
    assert len(ticks.nows) == 3
    assert all(gap >= 0.18 for gap in ticks.gaps())


def test_uses_the_given_clock_for_ticks_and_due_gaps() -> None:
    fixed = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
    ticks = Ticks(
        lambda now: TickOutcome(next_due=now + timedelta(seconds=0.1)),
        stop,
    )
    code = run_daemon(ticks, interval=timedelta(seconds=30), misfire_grace=GRACE,
                      now_fn=lambda: fixed)
    assert code == 0
    assert ticks.nows == [fixed, fixed]
    assert ticks.gaps()[0] < 1.0


def test_transient_errors_are_retried_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="agent.cli.run")
    ticks = Ticks(
        GoogleUnavailable("cannot reach Google"),
        GoogleApiError("HTTP 400: bad"),
        RuntimeError("a bug"),
        TickOutcome(),
        stop,
    )
    interval = 0.05
    code = run_daemon(ticks, interval=timedelta(seconds=interval), misfire_grace=GRACE)
    assert code == 0
    assert len(ticks.nows) == 5
    gaps = ticks.gaps()
    assert gaps[0] >= interval * 0.9  # first retry after one interval
    assert gaps[1] >= interval * 2 * 0.9  # then doubling
    assert gaps[2] >= interval * 4 * 0.9
    assert gaps[3] < interval * 4  # a success resets the backoff
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("cannot reach Google" in m and "failure 1 in a row" in m for m in warnings)
    assert any("HTTP 400: bad" in m and "failure 2 in a row" in m for m in warnings)
    assert any("a bug" in m and "failure 3 in a row" in m for m in warnings)


def test_a_quota_stop_is_no_failure_and_never_backs_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="agent.cli.run")
    quota = "reading a message: stopped at Gmail's quota (HTTP 429 rateLimitExceeded)"
    ticks = Ticks(
        GoogleUnavailable("cannot reach Google"),
        *(QuotaStop(quota) for _ in range(4)),
        stop,
    )
    code = run_daemon(ticks, interval=timedelta(seconds=0.05), misfire_grace=GRACE)
    assert code == 0
    assert len(ticks.nows) == 6
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Gmail's quota" in m and "next tick in 0:00:00.05" in m for m in messages) == 4
    assert not any("Gmail's quota" in m and "in a row" in m for m in messages)


@pytest.mark.parametrize(
    "error", [SettingsError("bad"), AuthError("refused"), TemplateError("bad"), StateError("bad")],
    ids=["settings", "token", "templates", "state"],
)
def test_a_failure_that_needs_you_never_ends_the_loop_and_a_fix_is_tried_at_once(
    tmp_path: Path, error: Exception
) -> None:
    token = tmp_path / "token.json"
    token.write_text("refused")

    def fails_while_the_candidate_fixes_it(now: datetime) -> TickOutcome:
        token.write_text("renewed by `followup auth`")  # before the failure is even known
        raise error

    looks: list[str] = []

    def watch() -> str:
        looks.append(token.read_text())
        return looks[-1]

    ticks = Ticks(fails_while_the_candidate_fixes_it, stop)
    code = run_daemon(ticks, interval=timedelta(seconds=0.05), misfire_grace=GRACE, watch=watch)
    assert code == 0
    assert len(ticks.nows) == 2
    assert len(looks) == 3, "before each tick, and the watch job's look that found the change"


PINNED = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def next_run(loop: _Loop, job: str = TICK_JOB) -> datetime | None:
    """When the loop's scheduler runs a job next (None: no such job)."""
    found = loop.scheduler.get_job(job)
    return None if found is None else found.next_run_time


def test_waiting_tries_again_in_five_minutes_or_when_a_watched_file_changes() -> None:
    files = ["token v1"]
    ticks = Ticks(AuthError("refused"), AuthError("refused"), TickOutcome())
    interval = timedelta(minutes=2)
    with time_machine.travel(PINNED, tick=False):
        loop = _Loop(ticks, interval, GRACE, lambda: PINNED, lambda: files[0])
        loop.run_tick()
        assert next_run(loop) == PINNED + RETRY_WAIT == PINNED + timedelta(minutes=5)
        watch = loop.scheduler.get_job(WATCH_JOB)
        assert watch is not None and watch.trigger.interval == WATCH_EVERY
        loop.look()  # nothing changed: the retry stays five minutes away
        assert next_run(loop) == PINNED + RETRY_WAIT
        loop.run_tick()  # the plain retry fails again: five more minutes
        files[0] = "token v2"  # `followup auth` wrote a new token
        loop.look()
        assert next_run(loop) == PINNED
        loop.run_tick()  # it works: back to the interval, nothing watched
        assert next_run(loop) == PINNED + interval
        assert next_run(loop, WATCH_JOB) is None
    assert len(ticks.nows) == 3


def test_a_short_interval_is_also_how_often_the_files_are_looked_at() -> None:
    with time_machine.travel(PINNED, tick=False):
        loop = _Loop(Ticks(AuthError("refused")), timedelta(seconds=1), GRACE,
                     lambda: PINNED, lambda: None)
        loop.run_tick()
        assert loop.scheduler.get_job(WATCH_JOB).trigger.interval == timedelta(seconds=1)


def test_signal_in_process_lets_the_tick_finish_and_restores_handlers() -> None:
    finished: list[bool] = []

    def tick(now: datetime) -> TickOutcome:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)  # the tick keeps working after the signal arrived
        finished.append(True)
        return TickOutcome()

    before = signal.getsignal(signal.SIGINT)
    code = run_daemon(tick, interval=timedelta(seconds=0.05), misfire_grace=GRACE)
    assert code == 130, "Ctrl-C (SIGINT) ends with 130, as for every command"
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is before


DAEMON_SCRIPT = textwrap.dedent(
    """
    import logging, sys, time
    from datetime import timedelta
    from pathlib import Path
    from agent.cli.run import TickOutcome, run_daemon

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    folder = Path(sys.argv[1])

    def tick(now):
        with open(folder / "started", "a") as f:
            f.write(now.isoformat() + "\\n")
        time.sleep(0.5)
        (folder / "done").write_text(now.isoformat())
        return TickOutcome()

    sys.exit(run_daemon(tick, interval=timedelta(seconds=60), misfire_grace=timedelta(hours=1)))
    """
)


def test_sigterm_exits_zero_only_after_the_running_tick(tmp_path: Path) -> None:
    script = tmp_path / "daemon_main.py"
    script.write_text(DAEMON_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)],
        cwd=REPO, env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "started").exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the daemon never ticked"
            time.sleep(0.01)
        assert not (tmp_path / "done").exists()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert (tmp_path / "done").exists()
    assert len((tmp_path / "started").read_text().splitlines()) == 1
    assert "got SIGTERM; finishing the running tick" in stderr
    assert "daemon stopped (exit code 0)" in stderr


def test_wake_after_suspend_runs_one_tick_not_a_burst() -> None:
    """The wall clock jumps 2 h (a laptop waking) while the loop waits: one catch-up tick."""
    traveller = time_machine.travel(datetime.now(UTC) + timedelta(hours=2), tick=True)

    def suspend_then_stop() -> None:
        time.sleep(0.05)
        traveller.start()
        time.sleep(1.0)  # time for a burst to show, had there been one
        os.kill(os.getpid(), signal.SIGINT)

    def first(now: datetime) -> TickOutcome:
        threading.Thread(target=suspend_then_stop, daemon=True).start()
        return TickOutcome(next_due=now + timedelta(seconds=0.5))

    ticks = Ticks(first)  # later ticks return an empty outcome
    try:
        code = run_daemon(ticks, interval=timedelta(seconds=5), misfire_grace=GRACE)
    finally:
        traveller.stop()
    assert code == 130  # stopped by SIGINT
    # 1440 interval runs fell in the gap (720 within the grace); coalesced they make one tick.
    assert len(ticks.nows) == 2
    assert ticks.nows[1] - ticks.nows[0] > timedelta(hours=1, minutes=59)
