"""The state-changing commands outside the tick: stop and resume a sequence."""

from __future__ import annotations

from agent.cli.offline import find_interview, offline_pass
from agent.cli.runtime import opened_store, session_for
from agent.core.errors import NotFound
from agent.core.model import WATCHED, InterviewStatus
from agent.core.settings import Settings
from agent.engine import sequence
from agent.files.templates import load_templates


def stop_interview(settings: Settings, ident: str, *, keep_drafts: bool) -> str:
    """Stop a sequence by the user's word; its unsent drafts go unless kept."""
    with opened_store(settings) as store:
        row = find_interview(store, ident)
        if row.status not in WATCHED:
            return f"{row.interview.title!r} is already {row.status.value}; nothing to stop"
        templates = load_templates(settings.paths.templates_dir)
        p = offline_pass(settings, store, templates, session_for(settings, store, templates))
        seq = p.sequence(row.interview.key)
        assert seq is not None
        removed = sequence.stop(
            seq, InterviewStatus.STOPPED, "stopped by you", remove_drafts=not keep_drafts
        )
    drafts = f"; {removed} unsent draft(s) removed" if removed else ""
    return f"stopped {row.interview.title!r}{drafts}"


def resume_interview(settings: Settings, ident: str) -> str:
    """Resume a paused or user-stopped sequence; missed steps are skipped, not sent in a burst."""
    with opened_store(settings) as store:
        row = find_interview(store, ident)
        if row.status not in (InterviewStatus.PAUSED, InterviewStatus.STOPPED):
            raise NotFound(
                f"{row.interview.title!r} is {row.status.value}; only paused or stopped "
                "sequences can be resumed"
            )
        p = offline_pass(settings, store, load_templates(settings.paths.templates_dir))
        seq = p.sequence(row.interview.key)
        assert seq is not None
        sequence.resume(seq)
    return f"resumed {row.interview.title!r}; the next `followup tick` picks it up"
