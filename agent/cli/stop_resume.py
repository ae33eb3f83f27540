"""The state-changing commands outside the tick: stop and resume a sequence."""

from __future__ import annotations

from dataclasses import replace

from agent.cli.offline import find_interview, offline_context
from agent.cli.runtime import build_services_for, current_time, opened_store
from agent.core.errors import NotFound
from agent.core.model import WATCHED, InterviewStatus
from agent.core.settings import Settings
from agent.engine.stopping import stop_sequence
from agent.files.templates import load_templates
from agent.google.calendar import GoogleCalendar
from agent.google.gmail import Gmail
from agent.store import sequences


def stop_interview(settings: Settings, ident: str, *, keep_drafts: bool) -> str:
    """Stop a sequence by the user's word; its unsent drafts go unless kept."""
    now = current_time()
    with opened_store(settings) as store:
        row = find_interview(store, ident)
        if row.status not in WATCHED:
            return f"{row.interview.title!r} is already {row.status.value}; nothing to stop"
        services = build_services_for(settings)
        ctx = replace(
            offline_context(settings, store, load_templates(settings.paths.templates_dir)),
            mailbox=Gmail(services),
            calendar=GoogleCalendar(services),
        )
        removed = stop_sequence(
            ctx,
            row.interview.key,
            InterviewStatus.STOPPED,
            "stopped by you",
            now,
            remove_drafts=not keep_drafts,
        )
    drafts = f"; {removed} unsent draft(s) removed" if removed else ""
    return f"stopped {row.interview.title!r}{drafts}"


def resume_interview(settings: Settings, ident: str) -> str:
    """Resume a paused or user-stopped sequence; missed steps are skipped, not sent in a burst."""
    now = current_time()
    with opened_store(settings) as store:
        row = find_interview(store, ident)
        if row.status not in (InterviewStatus.PAUSED, InterviewStatus.STOPPED):
            raise NotFound(
                f"{row.interview.title!r} is {row.status.value}; only paused or stopped "
                "sequences can be resumed"
            )
        with store.write():
            sequences.set_status(store.conn, row.interview.key, InterviewStatus.ACTIVE, "", now)
            sequences.reopen_stopped(store.conn, row.interview.key, now)
            sequences.journal(store.conn, now, row.interview.key, "resumed", "resumed by you")
    return f"resumed {row.interview.title!r}; the next `followup tick` picks it up"
