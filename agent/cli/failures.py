"""The one mapping of a command's failure to one line on stderr and an exit code."""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from pathlib import Path

import click

from agent.cli.options import Obj
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
    if path.is_relative_to(paths.templates_dir):
        return "templates", TemplateError
    if state.parent.is_relative_to(path):
        return "state folder", StateError
    if paths.token_file.parent.is_relative_to(path):
        return "config folder", AuthError
    return "files", StateError


def _os_advice(exc: OSError, path: Path, what: str) -> str:
    """One line: what is wrong with `path` and what to do."""
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder, but followup keeps its {what} there; move the folder aside"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return f"{path}: a file stands where followup needs a folder for its {what}; move it aside"
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


def handle(exc: BaseException) -> None:
    """One line and the exit code for a failure a person can act on; others (or --debug) go up."""
    if isinstance(exc, KeyboardInterrupt):
        click.echo(f"\nfollowup: {INTERRUPTED}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Obj) if ctx else None
    if obj is not None and obj.debug:
        raise exc
    error = as_followup_error(exc, obj.paths() if obj is not None else None)
    if error is None:
        raise exc
    click.echo(f"followup: {error}", err=True)
    sys.exit(error.exit_code)
