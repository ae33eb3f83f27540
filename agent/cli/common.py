"""Pieces every `followup` command shares: options, colour, clean failures, the run lock."""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import click

from agent.core.errors import (
    AuthError,
    FollowupError,
    GoogleUnavailable,
    SettingsError,
    StateError,
    TemplateError,
)
from agent.core.settings import Paths

EXIT_INTERRUPTED = 130
INTERRUPTED = "stopped; nothing half-done: the next run picks up where this one stopped"
# OSErrors without a file name that still mean "something on this machine needs you".
LOCAL_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}
)


class Obj:
    """Options shared by every command."""

    def __init__(self, config: Path | None, debug: bool, color: bool | None = None) -> None:
        self.config = config
        self.debug = debug
        self.color = color

    def settings(self, *, full: bool = False):
        """Validated settings (SettingsError, also for a missing --config); full: the place too."""
        from agent.cli.runtime import settings_from_env

        return settings_from_env(self.checked_config(), full=full)

    def checked_config(self) -> Path | None:
        """The --config path, which must exist when given (SettingsError, exit 3, if not)."""
        if self.config is not None and not self.config.expanduser().exists():
            raise SettingsError(
                f"{self.config}: no such settings file (given with --config); "
                "fix the path, or leave --config out to use the default file"
            )
        return self.config

    def paths(self) -> Paths | None:
        """Where the files are, without reading any (None if even that fails)."""
        from agent.files.paths import resolve_paths

        try:
            return resolve_paths(self.config)
        except Exception:  # only used to word an error message
            return None


def colour_choice(flag: bool | None, env: Mapping[str, str] | None = None) -> bool | None:
    """--color/--no-color wins; else NO_COLOR (any non-empty value) turns colour off; else auto."""
    env = os.environ if env is None else env
    if flag is not None:
        return flag
    return False if env.get("NO_COLOR", "") else None


def wants_colour(stream: Any = None) -> bool:
    """Whether this run's output gets colour: the choice made on `followup`, else a terminal."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return ctx.color
    if os.environ.get("NO_COLOR", ""):
        return False
    stream = sys.stdout if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


def _under(path: Path, folder: Path) -> bool:
    """True when `path` is `folder` or inside it."""
    return path == folder or folder in path.parents


def _owner_of(path: Path, paths: Paths | None) -> tuple[str, type[FollowupError]]:
    """What followup keeps at `path` (for the message) and the error kind (its exit code)."""
    if paths is None:
        return "files", StateError
    state = paths.state_db
    if path == paths.lock_file:
        return "run lock", StateError
    if path.parent == state.parent and path.name.startswith(state.name):
        return "state database", StateError
    if path == paths.token_file:
        return "token", AuthError
    if path == paths.config_file:
        return "settings", SettingsError
    if _under(path, paths.templates_dir):
        return "templates", TemplateError
    if _under(state.parent, path):
        return "state folder", StateError
    if _under(paths.token_file.parent, path):
        return "config folder", AuthError
    return "files", StateError


def _os_advice(exc: OSError, path: Path, what: str) -> str:
    """One line: what is wrong with `path` and what to do."""
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder, but followup keeps its {what} there; move the folder aside"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return (
            f"{path}: a file stands where followup needs a folder for its {what}; move it aside"
        )
    if isinstance(exc, PermissionError):
        return (
            f"{path}: permission denied (followup's {what}); make it yours and writable "
            "(chown/chmod), or set FOLLOWUP_HOME to a folder you own"
        )
    if exc.errno == errno.EROFS:
        return f"{path}: read-only file system (followup's {what}); set FOLLOWUP_HOME elsewhere"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: no space left (followup's {what}); free some disk space and run again"
    return f"{path}: {exc.strerror or exc} (followup's {what}); fix it and run again"


def _sqlite_advice(exc: sqlite3.Error, paths: Paths | None) -> str:
    """One line for a state.db failure."""
    db = paths.state_db if paths else Path("state.db")
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return (
            f"{db}: cannot write the state database (read-only); run "
            f"`chmod u+w {db} {db.parent}` or set FOLLOWUP_HOME to a folder you own"
        )
    if "unable to open" in text:
        return f"{db}: cannot open the state database; check that {db.parent} is yours"
    if "disk" in text and ("full" in text or "I/O" in text):
        return f"{db}: {text}; free some disk space (or fix the disk) and run again"
    if "locked" in text or "busy" in text:
        return f"{db}: busy, another process kept it locked ({text}); try again"
    return f"{db}: the state database failed ({text}); if it persists, move it aside"


def as_followup_error(exc: BaseException, paths: Paths | None) -> FollowupError | None:
    """The FollowupError a person can act on for an OSError or sqlite3 error, else None."""
    if isinstance(exc, FollowupError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return StateError(_sqlite_advice(exc, paths))
    if not isinstance(exc, OSError):
        return None
    if exc.filename:
        path = Path(os.fsdecode(exc.filename)).expanduser()
        what, kind = _owner_of(path, paths)
        return kind(_os_advice(exc, path, what))
    if isinstance(exc, ConnectionError | TimeoutError):
        return GoogleUnavailable(f"network trouble ({exc}); check the connection and run again")
    if exc.errno in LOCAL_ERRNOS:
        return StateError(f"{exc.strerror or exc}; fix it and run again")
    return None


def _obj() -> Obj | None:
    """The shared options of the command running now, if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_object(Obj) if ctx else None


def fail(error: FollowupError) -> NoReturn:
    """One line on stderr, then the error's exit code."""
    click.echo(f"followup: {error}", err=True)
    sys.exit(error.exit_code)


def handle(exc: BaseException) -> None:
    """Turn a user-caused failure into one line and its exit code; other errors go on up.

    This is the one place the CLI maps exceptions to exit codes (see README "Exit codes"):
    FollowupError -> its own code; OSError and sqlite3 errors about followup's files -> 7
    (state.db, lock, their folders), 4 (token), 3 (settings), 6 (templates); Ctrl-C -> 130.
    With --debug the original exception (and traceback) is shown instead.
    """
    obj = _obj()
    if isinstance(exc, KeyboardInterrupt):
        click.echo(f"\nfollowup: {INTERRUPTED}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if obj is not None and obj.debug:
        raise exc
    error = as_followup_error(exc, obj.paths() if obj is not None else None)
    if error is None:
        raise exc
    fail(error)


class FollowupGroup(click.Group):
    """The `followup` group: commands load when used; every command's failures reach `handle`.

    `lazy_commands` maps a command's name to "module:attribute"; the module is imported only
    when that command runs or its help is shown (click's lazy-loading group pattern).
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, loaded or not, sorted (as `followup --help` lists them)."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module the first time it is asked for."""
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy_commands[cmd_name].partition(":")
        # __import__ rather than importlib.import_module: `python -X importtime` then shows it.
        command = getattr(__import__(module, fromlist=[attribute]), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, suggesting from every command for a typo, not only the loaded ones."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            name = getattr(exc, "command_name", None)  # click.exceptions.NoSuchCommand (8.4+)
            if name is None or getattr(exc, "possibilities", None):
                raise
            raise type(exc)(name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map user-caused failures and Ctrl-C to one line and an exit code."""
        try:
            return super().invoke(ctx)
        except (FollowupError, OSError, sqlite3.Error, KeyboardInterrupt) as exc:
            handle(exc)


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn FollowupError, OSError and sqlite3 errors into one line and an exit code.

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
        except (FollowupError, OSError, sqlite3.Error) as exc:
            handle(exc)

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


def stamped(text: str, env: Mapping[str, str] | None = None) -> str:
    """A log line with the local time first, unless journald (JOURNAL_STREAM) stamps it."""
    from datetime import datetime

    env = os.environ if env is None else env
    if env.get("JOURNAL_STREAM"):
        return text
    return f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} {text}"
