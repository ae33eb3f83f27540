"""Assembling a run from the environment: paths, settings, credentials, services, state."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from agent.core.errors import SettingsError
from agent.core.settings import Settings
from agent.core.settings_check import checked_place
from agent.files.paths import resolve_paths
from agent.files.settings_file import load_settings
from agent.store.db import Store, open_store

if TYPE_CHECKING:
    from agent.core.compose import TemplateSet
    from agent.engine.work import Session

log = logging.getLogger(__name__)

NOW_ENV = "FOLLOWUP_NOW"


def current_time(env: Mapping[str, str] | None = None) -> datetime:
    """Now, aware; FOLLOWUP_NOW (ISO 8601 with offset) pins it for tests and the demo."""
    env = os.environ if env is None else env
    pinned = env.get(NOW_ENV, "").strip()
    if not pinned:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SettingsError(f"{NOW_ENV}={pinned!r} is not an ISO 8601 time; unset it") from exc
    if moment.tzinfo is None:
        raise SettingsError(
            f"{NOW_ENV}={pinned!r} needs a UTC offset, e.g. 2026-12-01T19:00:00+00:00"
        )
    return moment


def settings_from_env(
    config_file: Path | None, env: Mapping[str, str] | None = None, *, full: bool = False
) -> Settings:
    """Resolve paths and load validated settings; `full` also checks the place (holidays)."""
    env = os.environ if env is None else env
    settings = load_settings(resolve_paths(config_file, env), env)
    return checked_place(settings) if full else settings


def build_services_for(settings: Settings):
    """Credentials from the token file, then the Gmail and Calendar services."""
    from agent.google.auth import fresh_credentials, required_scopes
    from agent.google.client import build_services

    scopes = required_scopes(settings.reminders.enabled)
    credentials = fresh_credentials(  # a token is used only with the endpoint it was made for
        settings.paths.token_file, scopes, endpoint=settings.google.endpoint
    )
    return build_services(credentials, settings.google)


def session_for(
    settings: Settings, store: Store, templates: TemplateSet, *, dry_run: bool = False
) -> Session:
    """A tick's long-lived parts: settings, state.db, Gmail and Calendar, templates, key secret.

    The key secret file is made beside state.db on first use (never by a dry run).
    """
    from agent.engine.work import Session
    from agent.google.calendar import GoogleCalendar
    from agent.google.gmail import Gmail
    from agent.store.key_secret import load_key_secret

    services = build_services_for(settings)
    secret = load_key_secret(settings.paths.state_db, create=not dry_run)
    return Session(
        settings, store, Gmail(services), GoogleCalendar(services), templates, key_secret=secret
    )


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """state.db, opened and migrated."""
    store = open_store(settings.paths.state_db)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def scratch_copy(settings: Settings) -> Iterator[Store]:
    """A throwaway copy of state.db for a dry run: the real file is never written."""
    import shutil  # here, not at the top: only a dry run needs these two
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory(prefix="followup-dry-") as tmp:
        target = Path(tmp) / "state.db"
        if settings.paths.state_db.exists():
            source = open_store(settings.paths.state_db)
            try:
                dest = sqlite3.connect(target)
                source.conn.backup(dest)
                dest.close()
            finally:
                source.close()
        store = open_store(target)
        try:
            yield store
        finally:
            store.close()
            shutil.rmtree(tmp, ignore_errors=True)
