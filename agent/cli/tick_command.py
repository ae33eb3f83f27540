"""`followup tick`: one pass, as cron and the systemd timer run it."""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click

from agent.cli.common import Obj, fail_cleanly, take_lock
from agent.cli.health import PassLog
from agent.cli.offline import short_id
from agent.cli.runtime import current_time, opened_store, scratch_copy, session_for
from agent.core.text import printable
from agent.engine.tick import tick as run_tick
from agent.files.templates import load_templates

EXIT_LOCKED = 0


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing anywhere.")
@click.pass_obj
@fail_cleanly
def tick(obj: Obj, dry_run: bool) -> None:
    """Run one pass: sync calendar and inbox, draft what is due (for cron)."""
    settings = obj.settings()
    now = current_time()
    with nullcontext() if dry_run else PassLog(settings.paths).recorded(now):  # into state.db
        lock = take_lock(settings)
        if lock is None:
            sys.exit(EXIT_LOCKED)
        try:
            templates = load_templates(settings.paths.templates_dir)
            opener = scratch_copy if dry_run else opened_store
            with opener(settings) as store:
                session = session_for(settings, store, templates, dry_run=dry_run)
                run = run_tick(session, now, dry_run=dry_run)
        finally:
            lock.release()
    for action in run.actions:
        click.echo(f"{action.kind}: {printable(action.detail)} [{short_id(action.interview_key)}]")
    if dry_run:
        click.echo("dry run: nothing was written to Gmail, Calendar or state.db")
    elif not run.actions:
        click.echo("nothing to do")
