"""`followup stop` and `followup resume`: end a sequence by your word, or take it up again."""

from __future__ import annotations

import click

from agent.cli.options import Obj, current_time
from agent.cli.state import find_interview, offline_pass
from agent.cli.tick import session_for
from agent.core.errors import NotFound
from agent.core.model import WATCHED, InterviewStatus
from agent.engine import sequence
from agent.files.templates import load_templates
from agent.store.db import open_store
from agent.store.lock import LockBusy, RunLock


@click.command()
@click.argument("interview_id")
@click.option("--keep-drafts", is_flag=True, help="Leave the agent's unsent drafts in Gmail.")
@click.pass_obj
def stop(obj: Obj, interview_id: str, keep_drafts: bool) -> None:
    """Stop an interview's sequence now (its unsent drafts are removed unless --keep-drafts)."""
    settings = obj.settings()
    try:
        with RunLock(settings.paths.lock_file), open_store(settings.paths.state_db) as store:
            row = find_interview(store, interview_id)
            if row.status not in WATCHED:
                title, state = row.interview.title, row.status.value
                click.echo(f"{title!r} is already {state}; nothing to stop")
                return
            templates = load_templates(settings.paths.templates_dir)
            session = session_for(settings, store, templates)
            seq = offline_pass(settings, store, current_time(), session).sequence(row.interview.key)
            assert seq is not None
            removed = sequence.stop(
                seq, InterviewStatus.STOPPED, "stopped by you", remove_drafts=not keep_drafts
            )
    except LockBusy as busy:
        raise LockBusy(busy.pid, "try again when it has finished") from None
    drafts = f"; {removed} unsent draft(s) removed" if removed else ""
    click.echo(f"stopped {row.interview.title!r}{drafts}")


@click.command()
@click.argument("interview_id")
@click.pass_obj
def resume(obj: Obj, interview_id: str) -> None:
    """Resume a sequence paused by a bounce (after fixing the address) or stopped by you."""
    settings = obj.settings()
    with open_store(settings.paths.state_db) as store:
        row = find_interview(store, interview_id)
        if row.status not in (InterviewStatus.PAUSED, InterviewStatus.STOPPED):
            raise NotFound(
                f"{row.interview.title!r} is {row.status.value}; only paused or stopped "
                "sequences can be resumed"
            )
        seq = offline_pass(settings, store, current_time()).sequence(row.interview.key)
        assert seq is not None
        sequence.resume(seq)
    click.echo(f"resumed {row.interview.title!r}; the next `followup tick` picks it up")
