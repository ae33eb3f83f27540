"""Commands for setting up and running unattended: auth, doctor, run, service."""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import click

from agent.cli.board import refresh_board
from agent.cli.common import (
    EXIT_INTERRUPTED,
    INTERRUPTED,
    Obj,
    as_followup_error,
    fail_cleanly,
    stamped,
)
from agent.cli.daemon import TickOutcome, run_daemon, start_line
from agent.cli.doctor import run_checks, summary
from agent.cli.health import PassLog, stored_problem, watched_files
from agent.cli.runtime import current_time, opened_store, session_for
from agent.cli.service import SYSTEMS, Invocation, current_executable, service_state, this_system
from agent.core.errors import Busy, FollowupError, SettingsError
from agent.core.settings import DaemonSettings, Settings
from agent.engine.tick import tick
from agent.files.paths import resolve_paths
from agent.files.templates import load_templates
from agent.store.db import failed_mid_run
from agent.store.lock import RunLock

LOCAL = (FollowupError, OSError, sqlite3.Error)  # what reading state.db can meet


@click.group(invoke_without_command=True)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the consent URL (and an ssh tunnel line) instead of opening a browser.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=int,
    help="Local port Google redirects to after consent.",
)
@click.option(
    "--client-secret",
    "client_secret",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Desktop OAuth client JSON (default: [google] client_secret_file, "
    "else client_secret.json beside config.toml).",
)
@click.option(
    "--revoke",
    is_flag=True,
    help="Revoke the saved grant where it was made (Google, or the sandbox) and delete the token.",
)
@click.pass_context
@fail_cleanly
def auth(
    ctx: click.Context, no_browser: bool, port: int, client_secret: Path | None, revoke: bool
) -> None:
    """One-time OAuth setup: let followup read your calendar and write drafts.

    `followup auth status` shows the account, the permissions granted and the token file.
    """
    from agent.google.auth import required_scopes
    from agent.google.auth import revoke as revoke_token
    from agent.google.consent import allow_loopback_http, run_auth_flow

    if ctx.invoked_subcommand is not None:
        return
    obj: Obj = ctx.obj
    settings = obj.settings()
    token = settings.paths.token_file
    if revoke:  # where the token was made: Google, or the sandbox that wrote it
        click.echo(revoke_token(token).message)
        return
    secret = client_secret or (
        Path(settings.google.client_secret_file)
        if settings.google.client_secret_file
        else settings.paths.config_file.parent / "client_secret.json"
    )
    scopes = required_scopes(settings.reminders.enabled)
    allow_loopback_http(secret)  # the sandbox's token endpoint is plain http on this machine
    run_auth_flow(
        secret, token, scopes, open_browser=not no_browser, port=port, print_fn=click.echo
    )
    click.echo("Next: `followup doctor`, then `followup tick --dry-run`.")


@auth.command("status")
@click.pass_obj
@fail_cleanly
def auth_status(obj: Obj) -> None:
    """Show the account, the permissions granted, the token file and when the grant ends."""
    import textwrap

    from agent.cli.auth_status import auth_status_lines

    lines, code = auth_status_lines(obj.settings(), current_time())
    for line in lines:  # file paths stay whole on their line
        wrap = len(line) > 80 and not line.startswith("token ")
        click.echo(textwrap.fill(line, 80, subsequent_indent=" " * 10) if wrap else line)
    sys.exit(code)


@click.command()
@click.pass_obj
def doctor(obj: Obj) -> None:
    """Check settings, templates, token, Google, sender, state, lock, files and the service."""
    timezone = ""
    with contextlib.suppress(FollowupError):
        timezone = obj.settings().user.timezone
    problem = stored_problem(resolve_paths(obj.config), timezone, current_time())
    if problem:
        click.echo(click.style(problem, fg="red", bold=True))
    checks = run_checks(lambda: obj.settings(full=True))
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = click.style("OK  ", fg="green") if c.ok else click.style("FAIL", fg="red")
        if c.ok and c.warn:
            mark = click.style("WARN", fg="yellow")
        click.echo(f"{mark} {c.name:<{width}}  {c.detail}")
    click.echo(summary(checks))
    failed = [c for c in checks if not c.ok]
    if failed:
        sys.exit(failed[0].exit_code or 1)


@click.command()
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Minutes between ticks (default: [daemon] interval_minutes).",
)
@click.pass_obj
@fail_cleanly
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
        try:
            with passes.recorded(now):
                return locked_tick(settings, now)
        except Busy:  # another run's pass: it records its own
            return TickOutcome()
        except (OSError, sqlite3.Error) as exc:  # a lock folder, a read-only state.db, ...
            error = as_followup_error(exc, paths)
            if error is None:
                raise
            raise error from exc  # the loop waits for a fix (7) or retries (network trouble)
        finally:
            if passes.changed:  # the board's banner follows the problem line
                with contextlib.suppress(*LOCAL), opened_store(settings) as store:
                    refresh_board(settings, store, now)

    def locked_tick(settings: Settings, now: datetime) -> TickOutcome:
        lock = RunLock(paths.lock_file)
        if not lock.acquire():
            raise Busy("another followup run is active")
        try:
            templates = load_templates(settings.paths.templates_dir)
            with opened_store(settings) as store:
                result = tick(session_for(settings, store, templates), now)
                if result.actions:
                    refresh_board(settings, store, now)
        except sqlite3.Error as exc:
            raise failed_mid_run(exc, paths.state_db) from exc
        finally:
            lock.release()
            gc.collect()  # the tick's services and rows are cycles: free them before the wait
        for action in result.actions:
            click.echo(stamped(f"{action.kind}: {action.detail}"), err=True)
        return TickOutcome(next_due=result.next_due)

    minutes = interval if interval is not None else daemon.interval_minutes
    line = f"followup run: a pass every {minutes:g} minutes"
    if first is not None:  # else the first pass says what is wrong
        with contextlib.suppress(*LOCAL), opened_store(first) as s:
            line = start_line(first, s, minutes, current_time())
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


system_option = click.option(
    "--system",
    type=click.Choice(list(SYSTEMS)),
    default=this_system,
    show_default="this computer's",
    help="The service manager: systemd (Linux), launchd (macOS) or schtasks (Windows). "
    "Another computer's can be printed here; the other commands need its tool on PATH.",
)


@click.group()
def service() -> None:
    """Run followup unattended: systemd (Linux), launchd (macOS) or Task Scheduler (Windows)."""


@service.command("install")
@click.option("--print", "print_only", is_flag=True, help="Show the files; change nothing.")
@system_option
@click.pass_obj
@fail_cleanly
def install(obj: Obj, print_only: bool, system: str) -> None:
    """Install and start the service running `followup run` from each login on."""
    config = obj.checked_config()  # a --config that does not exist: exit 3 first
    cmd = Invocation(current_executable(), os.environ, config)
    if print_only:
        for where, text in SYSTEMS[system].files(cmd).items():
            click.echo(f"# --- {where}\n{text}")
        return
    for line in SYSTEMS[system].install(cmd):
        click.echo(line)


@service.command("uninstall")
@system_option
@fail_cleanly
def uninstall(system: str) -> None:
    """Stop the service and remove what `service install` wrote."""
    for line in SYSTEMS[system].uninstall():
        click.echo(line)


@service.command("status")
@system_option
@fail_cleanly
def status(system: str) -> None:
    """Say whether the service is installed and running, where it is, where it logs."""
    click.echo(service_state(system).describe())
    click.echo(f"logs: {SYSTEMS[system].logs()}")


@click.command()
@click.option("--fast", is_flag=True, help="No pauses between moments.")
@click.option(
    "--keep",
    is_flag=True,
    help="Leave the sandbox serving afterwards, to inspect with `followup status`.",
)
@click.option(
    "--start",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The Monday the simulated weeks begin (default: next Monday).",
)
@fail_cleanly
def demo(fast: bool, keep: bool, start: datetime | None) -> None:
    """Watch the whole story on the built-in sandbox: offline, in seconds, nothing of yours."""
    from datetime import date

    from agent.cli.demo import next_monday, run_demo

    monday = start.date() if start else next_monday(date.today())
    if monday.weekday() != 0:
        raise click.BadParameter(f"{monday} is not a Monday", param_hint="--start")
    played = run_demo(monday, click.echo, pause=0.0 if fast else 0.15, keep=keep)
    if keep:
        click.echo(f"\nThe sandbox is still serving at {played.server.url}. In another terminal:")
        click.echo(f"  FOLLOWUP_HOME={played.home} followup status")
        click.echo("Press Ctrl-C here to stop it (its folder is then removed).")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            played.server.stop()
            import shutil

            shutil.rmtree(played.home, ignore_errors=True)
