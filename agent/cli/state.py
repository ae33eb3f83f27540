"""state.db for the commands: opened, an interview by its short id, a pass without Google."""

from __future__ import annotations

import hashlib
from datetime import datetime

from agent.core.errors import NotFound
from agent.core.settings import Settings
from agent.engine.work import Offline, Pass, Session, open_pass
from agent.files.templates import load_templates
from agent.store import sequences
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


def offline_pass(
    settings: Settings, store: Store, now: datetime, session: Session | None = None
) -> Pass:
    """A pass over state.db that makes no API call, unless `session` brings Google's parts."""
    session = session or Session(
        settings, store, Offline(), Offline(), load_templates(settings.paths.templates_dir),
        key_secret=load_key_secret(settings.paths.state_db, create=False),
    )
    return open_pass(session, now, online=False)
