"""Work from state.db alone: finding an interview by its short id, the zone, re-planning."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agent.core.errors import NotFound
from agent.core.model import InterviewStatus
from agent.core.settings import Settings
from agent.store import calendar_side, sequences
from agent.store.db import Store

if TYPE_CHECKING:  # the engine, holidays and Jinja2 load only for commands that need them
    from agent.core.compose import TemplateSet
    from agent.engine.context import Context


def short_id(key: str) -> str:
    """A short stable id for an interview key, for typing on the command line."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:7]


def find_interview(store: Store, ident: str) -> sequences.InterviewRow:
    """The interview named by a short id, a unique prefix of it, or its full key."""
    rows = sequences.list_interviews(store.conn)
    exact = [r for r in rows if r.interview.key == ident]
    if exact:
        return exact[0]
    matches = [r for r in rows if short_id(r.interview.key).startswith(ident.lower())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no interview with id {ident!r}; `followup status` lists the ids")
    raise NotFound(f"id {ident!r} matches {len(matches)} interviews; give more characters")


def user_zone(settings: Settings, store: Store) -> ZoneInfo:
    """The user's zone: the setting, else the calendar's as last seen, else UTC."""
    return ZoneInfo(
        settings.user.timezone or sequences.get_kv(store.conn, sequences.ZONE_KEY) or "UTC"
    )


def offline_context(settings: Settings, store: Store, templates: TemplateSet) -> Context:
    """A Context for work that makes no API call (the mailbox and calendar refuse any)."""
    from agent.core.business import BusinessCalendar
    from agent.engine.context import Context, Offline
    from agent.store.key_secret import load_key_secret

    return Context(
        key_secret=load_key_secret(settings.paths.state_db, create=False),
        settings=settings,
        store=store,
        mailbox=Offline(),
        calendar=Offline(),
        templates=templates,
        user_email=settings.user.email.lower()
        or sequences.get_kv(store.conn, sequences.USER_EMAIL_KEY)
        or "",
        zone=user_zone(settings, store),
        business=BusinessCalendar.from_settings(settings.user, settings.schedule),
    )


def replan(ctx: Context, key: str, now: datetime) -> None:
    """Re-detect an interview from its stored event and current notes, and move its steps."""
    from agent.core.interviews import Interview
    from agent.engine.calendar_sync import redetect, save_interview
    from agent.engine.step_rows import plan_for, sync_rows

    row = sequences.get_interview(ctx.store.conn, key)
    if row is None:
        return
    event = calendar_side.get_event(
        ctx.store.conn, row.interview.calendar_id, row.interview.event_id
    )
    if event is not None:
        result = redetect(ctx, event)
        if isinstance(result, Interview):
            save_interview(ctx, result, row, now)
    row = sequences.get_interview(ctx.store.conn, key)
    if row is not None and row.status == InterviewStatus.ACTIVE:
        sync_rows(ctx, row, plan_for(ctx, row), now)
