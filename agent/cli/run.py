"""`followup run`, the daemon: a tick every interval on APScheduler, and when a step is due.

Ticks never overlap, and a laptop waking from sleep runs one tick, not a burst (coalesce and a
misfire grace). A failure that needs the candidate waits RETRY_WAIT or until their files
change; others back off; a quota stop waits a minute. A signal only sets a flag: shutdown runs
in a thread, after the running tick (calling it in the handler could deadlock).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

import click
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from agent.cli.board import refresh_board
from agent.cli.failures import EXIT_INTERRUPTED, INTERRUPTED, as_followup_error
from agent.cli.health import NEEDS_YOU, PassLog, watched_files
from agent.cli.options import Obj, current_time
from agent.cli.tick import locked_pass
from agent.core.errors import Busy, FollowupError, QuotaStop, SettingsError
from agent.core.formats import moment
from agent.core.model import STEPS, UNSETTLED, InterviewStatus
from agent.core.settings import DaemonSettings, Settings
from agent.core.text import one_line
from agent.engine.work import zone_of
from agent.files.paths import resolve_paths
from agent.store import kv, sequences
from agent.store.db import Store, open_store

log = logging.getLogger(__name__)

TICK_JOB = "followup-tick"
WAKE_JOB = "followup-wake"
WATCH_JOB = "followup-watch"
BACKOFF_CAP = timedelta(minutes=30)
QUOTA_PAUSE = timedelta(minutes=1)  # Gmail's quota is per minute: the window has moved by then
RETRY_WAIT = timedelta(minutes=5)  # a failure that needs the candidate: try again after this
WATCH_EVERY = timedelta(seconds=5)  # meanwhile, look at their files this often
LOCAL = (FollowupError, OSError, sqlite3.Error)  # what reading state.db can meet


@dataclass(frozen=True)
class TickOutcome:
    """What one tick tells the loop: when the next step is due."""

    next_due: datetime | None = None

    def __post_init__(self) -> None:
        """Refuse a naive next_due (every time in the agent is zone-aware)."""
        if self.next_due is not None and self.next_due.utcoffset() is None:
            raise ValueError("TickOutcome.next_due must be timezone-aware")


def backoff_delay(interval: timedelta, failures: int) -> timedelta:
    """Wait before the next try after `failures` consecutive failures (1 -> one interval)."""
    doublings = min(max(failures - 1, 0), 16)  # bounded: no overflow for long outages
    return min(interval * 2**doublings, max(BACKOFF_CAP, interval))


class _Loop:
    """The scheduler plus the state the jobs share (failure count, watched files, stop flag)."""

    def __init__(
        self,
        tick: Callable[[datetime], TickOutcome],
        interval: timedelta,
        misfire_grace: timedelta,
        now_fn: Callable[[], datetime],
        watch: Callable[[], object],
    ) -> None:
        self.tick, self.interval, self.now_fn, self.watch = tick, interval, now_fn, watch
        self.seen: object = None  # what watch() said before the pass that is waited on
        self.failures = 0
        self.stop_signal: int | None = None
        self.stopping = threading.Event()
        self.busy = threading.Lock()
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": max(1, int(misfire_grace.total_seconds())),
            },
        )
        self.scheduler.add_job(
            self.run_tick,
            IntervalTrigger(seconds=interval.total_seconds(), timezone=UTC),
            id=TICK_JOB,
            name="followup tick",
            next_run_time=datetime.now(UTC),
        )

    def run(self) -> int:
        """Block until shut down (the first tick runs at once); then wait for a running tick."""
        if not self.stopping.is_set():
            self.scheduler.start()
        if self.stop_signal is not None:
            log.info("got %s; finishing the running tick, then stopping",
                     signal.Signals(self.stop_signal).name)
        with self.busy:  # a tick in progress completes before we return
            pass
        code = EXIT_INTERRUPTED if self.stop_signal == signal.SIGINT else 0  # Ctrl-C: 130
        log.info("daemon stopped (exit code %d)", code)
        return code

    def run_tick(self) -> None:
        """The job both triggers run: one tick, then plan the next wake."""
        if self.stopping.is_set():
            self.shutdown()
            return
        with self.busy:
            for job in (WAKE_JOB, WATCH_JOB):  # this tick plans them again
                if self.scheduler.get_job(job) is not None:
                    self.scheduler.remove_job(job)
            seen = self.watch()
            try:
                outcome = self.tick(self.now_fn())
            except QuotaStop as exc:
                self._quota_pause(str(exc))
                return
            except FollowupError as exc:
                if exc.exit_code in NEEDS_YOU:
                    self._wait(str(exc), seen)
                else:
                    self._retry_later(str(exc))
                return
            except Exception as exc:
                log.exception("tick crashed")
                self._retry_later(f"{type(exc).__name__}: {exc}")
                return
            self.failures = 0
            self._plan(outcome.next_due)

    def _plan(self, next_due: datetime | None) -> None:
        """Next interval run counts from now; wake earlier for a step due before it."""
        if self.stopping.is_set():
            return
        real_now = datetime.now(UTC)
        self.scheduler.modify_job(TICK_JOB, next_run_time=real_now + self.interval)
        if next_due is None:
            return
        gap = next_due - self.now_fn()
        if timedelta(0) < gap < self.interval:
            self.scheduler.add_job(
                self.run_tick,
                DateTrigger(run_date=real_now + gap, timezone=UTC),
                id=WAKE_JOB,
                name="followup wake for a due step",
                replace_existing=True,
            )
            log.info("next step due at %s; waking then", next_due.isoformat())

    def _quota_pause(self, reason: str) -> None:
        """A quota stop kept its work: go on after an interval (a minute at most), no backoff."""
        self.failures = 0
        delay = min(self.interval, QUOTA_PAUSE)
        log.info("%s; next tick in %s", reason, delay)
        self._tick_in(delay)

    def _retry_later(self, reason: str) -> None:
        """Log a transient failure and move the next tick back by the backoff."""
        self.failures += 1
        delay = backoff_delay(self.interval, self.failures)
        log.warning("tick failed (%s); failure %d in a row, next try in %s",
                    reason, self.failures, delay)
        self._tick_in(delay)

    def _wait(self, reason: str, seen: object) -> None:
        """A failure that needs the candidate: try again later, or at once when a file changes."""
        self.failures = 0
        self.seen = seen
        log.info("%s; next try in %s, or as soon as the token, settings or templates change",
                 reason, RETRY_WAIT)
        if self.stopping.is_set():
            return
        self._tick_in(RETRY_WAIT)
        every = min(self.interval, WATCH_EVERY).total_seconds()
        self.scheduler.add_job(
            self.look, IntervalTrigger(seconds=every, timezone=UTC), id=WATCH_JOB,
            name="followup watch for a fix", replace_existing=True,
        )

    def look(self) -> None:
        """The watch job: a tick now when the watched files changed since the failed one."""
        if self.watch() != self.seen:
            self._tick_in(timedelta(0))

    def _tick_in(self, delay: timedelta) -> None:
        """Move the next interval tick to `delay` from now (unless stopping)."""
        if not self.stopping.is_set():
            self.scheduler.modify_job(TICK_JOB, next_run_time=datetime.now(UTC) + delay)

    def shutdown(self) -> None:
        """Stop the scheduler without waiting (the running tick finishes on its own)."""
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Signal handler: set the flag; shut down from a helper thread (lock-safe)."""
        self.stop_signal = signum
        self.stopping.set()
        threading.Thread(target=self.shutdown, name="followup-stop", daemon=True).start()


def run_daemon(
    tick: Callable[[datetime], TickOutcome],
    *,
    interval: timedelta,
    misfire_grace: timedelta,
    now_fn: Callable[[], datetime] = lambda: datetime.now(UTC),
    watch: Callable[[], object] = lambda: None,
) -> int:
    """Run `tick` until a signal (handlers set in the main thread only): 0, or 130 for SIGINT."""
    if interval <= timedelta(0):
        raise ValueError("interval must be positive")
    loop = _Loop(tick, interval, misfire_grace, now_fn, watch)
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, loop.on_signal)
    log.info("daemon started: a tick every %s, misfire grace %s", interval, misfire_grace)
    try:
        return loop.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def start_line(settings: Settings, store: Store, minutes: float) -> str:
    """What `followup run` says when it starts: account, calendars, interval, next due step."""
    conn = store.conn
    known = kv.account(conn)
    account = settings.user.email or (known.address if known else "")
    who = account or "your Gmail account (its address is read on the first pass)"
    calendars = ", ".join(settings.calendar.watched)
    every = f"{minutes:g} minute" + ("" if minutes == 1 else "s")
    due = [
        (step.due, STEPS[step.step].label, one_line(row.interview.company or row.interview.title))
        for row in sequences.list_interviews(conn, [InterviewStatus.ACTIVE])
        for step in sequences.get_steps(conn, row.interview.key)
        if step.state in UNSETTLED
    ]
    if due:
        at, label, company = min(due)
        nxt = f"next due: {label} for {company}, {moment(at, zone_of(settings, conn))}"
    else:
        nxt = "nothing due yet"
    return (
        f"followup run: drafting for {who}; calendars {calendars}; a pass every {every}; "
        f"{nxt}"
    )


def stamped(text: str) -> str:
    """A log line with the local time first, unless journald (JOURNAL_STREAM) stamps it."""
    if os.environ.get("JOURNAL_STREAM"):
        return text
    return f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} {text}"


@click.command()
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Minutes between ticks (default: [daemon] interval_minutes).",
)
@click.pass_obj
def run(obj: Obj, interval: float | None) -> None:
    """Run as a daemon: tick on an interval and exactly when the next step is due.

    It never stops for a failure: one that needs you is said once and tried again.
    """
    paths = resolve_paths(obj.config)
    try:
        first = obj.settings(full=True)  # a place the holidays package lacks too
    except SettingsError:  # the first pass says what is wrong, then waits for the fix
        first = None
    daemon = first.daemon if first else DaemonSettings()
    passes = PassLog(paths, timezone=first.user.timezone if first else "", tell=True,
                     notify=daemon.notify)

    def one_tick(now: datetime) -> TickOutcome:
        try:  # settings, templates and token are read again each pass: a fix needs no restart
            settings = obj.settings()
        except SettingsError as exc:  # settings that do not load leave state.db be: only said
            passes.finish(now, exc, keep=False)
            raise
        done = None
        try:
            with passes.recorded(now):
                done = locked_pass(settings, now)
        except Busy:  # another run's pass: it records its own
            return TickOutcome()
        except (OSError, sqlite3.Error) as exc:  # a lock folder, a read-only state.db, ...
            error = as_followup_error(exc, paths)
            if error is None:
                raise
            raise error from exc  # the loop waits for a fix (7) or retries (network trouble)
        finally:
            gc.collect()  # the pass's services and rows are cycles: free them before the wait
            if passes.changed or (done is not None and done.actions):  # the board follows
                with contextlib.suppress(*LOCAL), open_store(settings.paths.state_db) as db:
                    refresh_board(settings, db, now)
        for action in done.actions:
            click.echo(stamped(f"{action.kind}: {action.detail}"), err=True)
        return TickOutcome(next_due=done.next_due)

    minutes = interval if interval is not None else daemon.interval_minutes
    line = f"followup run: a pass every {minutes:g} minutes"
    if first is not None:  # else the first pass says what is wrong
        with contextlib.suppress(*LOCAL), open_store(first.paths.state_db) as s:
            line = start_line(first, s, minutes)
    click.echo(stamped(line), err=True)
    code = run_daemon(
        one_tick,
        interval=timedelta(minutes=minutes),
        misfire_grace=timedelta(minutes=daemon.misfire_grace_minutes),
        now_fn=current_time,
        watch=lambda: watched_files(paths),
    )
    if code == EXIT_INTERRUPTED:
        click.echo(stamped(f"followup: {INTERRUPTED}"), err=True)
    sys.exit(code)
