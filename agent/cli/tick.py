"""`followup tick`: one pass, as cron runs it; and the wiring of every pass that reaches Google."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import click

from agent.cli.health import PassLog
from agent.cli.options import Obj, current_time
from agent.cli.state import short_id
from agent.core.compose import TemplateSet
from agent.core.settings import Settings
from agent.core.text import printable
from agent.engine.tick import tick as run_tick
from agent.engine.work import Pass, Session
from agent.files.templates import load_templates
from agent.google.auth import fresh_credentials, required_scopes
from agent.google.calendar import GoogleCalendar
from agent.google.client import Services, build_services
from agent.google.gmail import Gmail
from agent.store.db import Store, failed_mid_run, open_store
from agent.store.key_secret import load_key_secret
from agent.store.lock import LockBusy, RunLock


def build_services_for(settings: Settings) -> Services:
    """Credentials from the token file, then the Gmail and Calendar services."""
    scopes = required_scopes(settings.reminders.enabled)
    credentials = fresh_credentials(  # a token is used only with the endpoint it was made for
        settings.paths.token_file, scopes, endpoint=settings.google.endpoint
    )
    return build_services(credentials, settings.google)


def session_for(
    settings: Settings, store: Store, templates: TemplateSet, *, dry_run: bool = False
) -> Session:
    """A pass's parts: Gmail and Calendar, templates, and the key secret (made on first use)."""
    services = build_services_for(settings)
    secret = load_key_secret(settings.paths.state_db, create=not dry_run)
    return Session(
        settings, store, Gmail(services), GoogleCalendar(services), templates, key_secret=secret
    )


@contextmanager
def scratch_copy(settings: Settings) -> Iterator[Store]:
    """A throwaway copy of state.db for a dry run: the real file is never written."""
    with tempfile.TemporaryDirectory(prefix="followup-dry-", ignore_cleanup_errors=True) as tmp:
        target = Path(tmp) / "state.db"
        if settings.paths.state_db.exists():
            with open_store(settings.paths.state_db) as source:
                dest = sqlite3.connect(target)
                source.conn.backup(dest)
                dest.close()
        with open_store(target) as store:
            yield store


def locked_pass(settings: Settings, now: datetime, *, dry_run: bool = False) -> Pass:
    """One pass under the run lock (else LockBusy); SQLite failing in it is StateWriteError."""
    with RunLock(settings.paths.lock_file):
        templates = load_templates(settings.paths.templates_dir)
        try:
            db = scratch_copy(settings) if dry_run else open_store(settings.paths.state_db)
            with db as store:
                session = session_for(settings, store, templates, dry_run=dry_run)
                return run_tick(session, now, dry_run=dry_run)
        except sqlite3.Error as exc:
            raise failed_mid_run(exc, settings.paths.state_db) from exc


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing anywhere.")
@click.pass_obj
def tick(obj: Obj, dry_run: bool) -> None:
    """Run one pass: sync calendar and inbox, draft what is due (for cron)."""
    settings = obj.settings()
    now = current_time()
    try:
        with nullcontext() if dry_run else PassLog(settings.paths).recorded(now):  # in state.db
            done = locked_pass(settings, now, dry_run=dry_run)
    except LockBusy as busy:  # another run does the work: not a failure
        click.echo(str(busy))
        sys.exit(0)
    for action in done.actions:
        click.echo(f"{action.kind}: {printable(action.detail)} [{short_id(action.interview_key)}]")
    if dry_run:
        click.echo("dry run: nothing was written to Gmail, Calendar or state.db")
    elif not done.actions:
        click.echo("nothing to do")
