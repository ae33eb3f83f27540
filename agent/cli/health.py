"""Nothing silent: each pass's outcome in state.db, the one line that says followup needs you,
the files whose change may fix it, and a desktop notification once per incident."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from agent.cli.failures import as_followup_error
from agent.core.errors import Busy, FollowupError
from agent.core.formats import moment
from agent.core.settings import Paths
from agent.core.text import one_line
from agent.store import kv
from agent.store.db import open_store
from agent.store.kv import PassRecord

log = logging.getLogger(__name__)

NEEDS_YOU = frozenset({3, 4, 6, 7})  # settings, token, templates, state.db: no retry fixes them
QUIET = timedelta(hours=1)  # no good pass for this long needs the candidate too


def next_record(
    previous: PassRecord | None, now: datetime, error: FollowupError | None
) -> PassRecord:
    """The record of a pass that ended `now`, well (error None) or with `error`."""
    if error is None:
        return PassRecord(now, True, last_success=now)
    since = previous.failing_since if previous is not None and not previous.ok else None
    last = previous.last_success if previous is not None else None
    return PassRecord(now, False, error.exit_code, one_line(str(error)), since or now, last)


def problem_line(record: PassRecord | None, now: datetime, zone: tzinfo) -> str | None:
    """The line when a failure needs the candidate, or no pass succeeded for QUIET; else None."""
    if record is None:
        return None
    quiet = now - (record.failing_since or record.at) >= QUIET
    if not quiet and (record.ok or record.exit_code not in NEEDS_YOU):
        return None
    if record.ok:
        return (
            f"followup has not run since {moment(record.at, zone)}: "
            "see `followup service status`, or run `followup tick`"
        )
    since = moment(record.failing_since or record.at, zone)
    return f"followup has not worked since {since}: {record.problem}"


def last_success_line(record: PassRecord | None, zone: tzinfo) -> str:
    """When the last good pass was, for the end of `followup status`."""
    if record is None or record.last_success is None:
        return "No pass has succeeded yet."
    return f"Last successful pass: {moment(record.last_success, zone)}."


def stored_problem(paths: Paths, timezone: str, now: datetime) -> str | None:
    """The problem line from an existing state.db, for a command that may lack settings."""
    if not paths.state_db.exists():
        return None
    try:
        store = open_store(paths.state_db)
    except FollowupError:
        return None  # doctor's state check says what is wrong with it
    with store:
        zone = ZoneInfo(timezone or kv.zone(store.conn) or "UTC")
        return problem_line(kv.last_pass(store.conn), now, zone)


def watched_files(paths: Paths) -> tuple[tuple[str, int, int, int], ...]:
    """Mode, size and mtime of the token, settings and templates: what the candidate fixes."""
    found = [paths.token_file, paths.config_file, paths.templates_dir]
    if paths.templates_dir.is_dir():
        found += sorted(paths.templates_dir.iterdir())
    seen = []
    for path in found:
        with contextlib.suppress(OSError):  # a missing file is missing from the answer
            info = path.stat()
            seen.append((str(path), info.st_mode, info.st_size, info.st_mtime_ns))
    return tuple(seen)


def notifier(text: str, platform: str, env: Mapping[str, str]) -> list[str] | None:
    """The command that shows `text` on this desktop, or None where there is none."""
    if platform == "darwin":
        show = 'display notification (item 1 of argv) with title "followup"'
        return ["osascript", "-e", "on run argv", "-e", show, "-e", "end run", text]
    if platform.startswith("linux") and (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return ["notify-send", "--app-name=followup", "followup needs you", text]
    return None


def notify(text: str) -> None:
    """Show a desktop notification where one can be shown; never fails (logs at debug)."""
    command = notifier(text, sys.platform, os.environ)
    tool = shutil.which(command[0]) if command else None
    if command is None or tool is None:
        return
    try:
        subprocess.run([tool, *command[1:]], check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("no desktop notification: %s", exc)


class PassLog:
    """Records each pass in state.db; the daemon's also says once when the problem line appears."""

    def __init__(
        self, paths: Paths, *, timezone: str = "", tell: bool = False, notify: bool = False
    ) -> None:
        self.paths, self.timezone, self.tell, self.notify = paths, timezone, tell, notify
        self.last: PassRecord | None = None  # the daemon's last pass, for when state.db fails
        self.changed = False  # the last pass changed the problem line (the board follows)

    @contextlib.contextmanager
    def recorded(self, now: datetime) -> Iterator[None]:
        """Record how the pass inside ends (Ctrl-C, exits and another run's lock are no pass)."""
        try:
            yield
        except Busy:
            raise
        except Exception as exc:
            self.finish(now, as_followup_error(exc, self.paths) or FollowupError(
                f"unexpected {type(exc).__name__}: {exc}; run `followup --debug tick` and report it"
            ))
            raise
        self.finish(now, None)

    def finish(self, now: datetime, error: FollowupError | None, keep: bool = True) -> None:
        """Keep the pass's record (with `keep`, in state.db); when telling, say its line once."""
        previous, zone = self.last, ZoneInfo(self.timezone or "UTC")
        if keep:
            try:
                with open_store(self.paths.state_db) as store, store.write():
                    previous = previous or kv.last_pass(store.conn)
                    kv.set_last_pass(store.conn, next_record(previous, now, error))
                    zone = ZoneInfo(self.timezone or kv.zone(store.conn) or "UTC")
            except (FollowupError, OSError, sqlite3.Error) as exc:  # state.db is the problem
                log.debug("this pass could not be recorded: %s", exc)
        self.last = next_record(previous, now, error)
        before = problem_line(previous, previous.at, zone) if previous else None
        line = problem_line(self.last, now, zone)
        self.changed = line != before
        if self.tell and line and line != before:
            log.error("%s", line)
        if self.tell and self.notify and line and not before:
            notify(line)
        if self.tell and before and not line:
            log.warning("followup works again")
