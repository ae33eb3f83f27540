"""Pieces every `followup` command shares: options object, clean failures, the run lock."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agent.core.errors import FollowupError


class Obj:
    """Options shared by every command."""

    def __init__(self, config: Path | None, debug: bool) -> None:
        self.config = config
        self.debug = debug

    def settings(self):
        """Validated settings (raises SettingsError)."""
        from agent.cli.runtime import settings_from_env

        return settings_from_env(self.config)


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn FollowupError into one line on stderr and its exit code (traceback with --debug).

    SQLite failing mid-command (read-only state.db, full disk) is state trouble: exit 7.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return fn(*args, **kwargs)
            except sqlite3.Error as exc:
                from agent.store.db import failed_mid_run

                raise failed_mid_run(exc) from exc
        except FollowupError as exc:
            ctx = click.get_current_context(silent=True)
            obj = ctx.find_object(Obj) if ctx else None
            if obj is not None and obj.debug:
                raise
            click.echo(f"followup: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def take_lock(settings):
    """The run lock, or None (after saying so) when another run holds it."""
    from agent.store.lock import RunLock

    lock = RunLock(settings.paths.lock_file)
    if not lock.acquire():
        holder = lock.holder_pid()
        who = f" (pid {holder})" if holder else ""
        click.echo(f"another followup run is active{who}; nothing to do")
        return None
    return lock
