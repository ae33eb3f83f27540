"""Work from state.db alone: an interview by its short id, a pass without Google, re-planning."""

from __future__ import annotations

import hashlib
from zoneinfo import ZoneInfo

from agent.cli.runtime import current_time
from agent.core.compose import TemplateSet
from agent.core.errors import NotFound
from agent.core.events import CalendarEvent
from agent.core.interviews import Interview
from agent.core.model import InterviewStatus
from agent.core.settings import Settings
from agent.engine.calendar_sync import redetect, save_interview
from agent.engine.sequence import sync_rows
from agent.engine.work import Offline, Pass, Session, open_pass, zone_of
from agent.store import events, sequences
from agent.store.db import Store
from agent.store.key_secret import load_key_secret


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
    return zone_of(settings, store.conn)


def offline_pass(
    settings: Settings, store: Store, templates: TemplateSet, session: Session | None = None
) -> Pass:
    """A pass over state.db that makes no API call (the mailbox and calendar refuse any),
    unless a session with real ones is given."""
    session = session or Session(
        settings, store, Offline(), Offline(), templates,
        key_secret=load_key_secret(settings.paths.state_db, create=False),
    )
    return open_pass(session, current_time(), online=False)


def replan(p: Pass, key: str) -> None:
    """Re-detect an interview from its stored event and current notes, and move its steps."""
    seq = p.sequence(key)
    if seq is None:
        return
    event: CalendarEvent | None = events.get_event(
        p.conn, seq.interview.calendar_id, seq.interview.event_id
    )
    if event is not None:
        result = redetect(p, event)
        if isinstance(result, Interview):
            save_interview(p, result, seq)
    if seq.status == InterviewStatus.ACTIVE:
        sync_rows(seq)
