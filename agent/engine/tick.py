"""tick(now): the reconciler, and the only place that orders side effects."""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.compose import TemplateSet
from agent.core.model import InterviewStatus
from agent.core.ports import CalendarSource, Mailbox
from agent.core.settings import Settings
from agent.engine.calendar_sync import apply_calendar, supersede_passed_rounds, token_key
from agent.engine.context import Context, Run
from agent.engine.holiday_dates import holiday_lookup
from agent.engine.inbox_sync import sync_inbox, waiting_for_inbox
from agent.store import sequences, wakeups
from agent.store.db import Store
from agent.store.sequences import USER_EMAIL_KEY, ZONE_KEY

log = logging.getLogger(__name__)

TEMPLATES_KEY = "templates_checked"  # kv: fingerprint of the template files last found good


@dataclass(frozen=True)
class Session:
    """The long-lived parts a tick runs with."""

    settings: Settings
    store: Store
    mailbox: Mailbox
    calendar: CalendarSource
    templates: TemplateSet
    key_secret: bytes = b""  # behind each draft's opaque key header


def tick(session: Session, now: datetime, *, dry_run: bool = False) -> Run:
    """One pass: sync the calendar, sync the inbox, then act on each due step."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware `now`")
    settings, conn = session.settings, session.store.conn
    _check_templates(session)
    mailbox = session.mailbox
    mailbox.start_tick()
    user_email = settings.user.email.lower() or sequences.get_kv(conn, USER_EMAIL_KEY)
    profile_history_id = None
    if not user_email:
        profile = mailbox.profile()
        user_email = profile.email
        profile_history_id = profile.history_id
        with session.store.write():
            sequences.set_kv(conn, USER_EMAIL_KEY, user_email)
    known_zone = settings.user.timezone or sequences.get_kv(conn, ZONE_KEY) or "UTC"
    syncs = [
        session.calendar.sync(
            calendar_id,
            sequences.get_kv(conn, token_key(calendar_id)),
            now=now,
            fallback_zone=known_zone,
        )
        for calendar_id in settings.calendar.watched
    ]
    zone_name = settings.user.timezone or (syncs[0].time_zone if syncs else "") or known_zone
    if zone_name != sequences.get_kv(conn, ZONE_KEY):
        with session.store.write():
            sequences.set_kv(conn, ZONE_KEY, zone_name)
    ctx = Context(
        settings=settings,
        store=session.store,
        mailbox=mailbox,
        calendar=session.calendar,
        templates=session.templates,
        user_email=user_email,
        zone=ZoneInfo(zone_name),
        business=BusinessCalendar.from_settings(
            settings.user,
            settings.schedule,
            holiday_lookup(session.store, settings.user, now.date(), save=not dry_run),
        ),
        dry_run=dry_run,
        key_secret=session.key_secret,
        plan_inputs=plan_inputs(settings, zone_name),
    )
    for sync in syncs:
        apply_calendar(ctx, sync, now)
    supersede_passed_rounds(ctx, now)
    sync_inbox(ctx, now, profile_history_id=profile_history_id)
    waiting = waiting_for_inbox(ctx)  # their mail is not searched yet: drafts wait
    todo, idle_wake = wakeups.to_plan(conn, now, ctx.plan_inputs)
    ctx.run.wake_at(idle_wake)
    rows = [r for r in map(functools.partial(sequences.get_interview, conn), todo) if r]
    if rows:
        from agent.engine.advance import advance  # the rules load only when something may be due

    for row in sorted(rows, key=lambda r: (r.interview.start, r.interview.key)):
        if row.interview.key in waiting:
            continue
        current = sequences.get_interview(conn, row.interview.key)
        if current is not None and current.status == InterviewStatus.ACTIVE:
            advance(ctx, current, now)
    if settings.reminders.enabled:
        from agent.engine.reminders import sync_reminders  # only for those who want them

        sync_reminders(ctx, now)
    log.info("tick done: %d action(s)", len(ctx.run.actions))
    return ctx.run


# The code whose answer a stored wake-up stands for: an upgrade or edit plans everything again.
_RULES = ("core/etiquette.py", "core/business.py", "core/dates.py", "core/model.py",
          "engine/advance.py", "engine/step_rows.py", "engine/tick.py")


def plan_inputs(settings: Settings, zone_name: str) -> str:
    """A fingerprint of what every interview's plan depends on besides its own rows."""
    root = Path(__file__).resolve().parents[1]
    code = [(name, (root / name).stat().st_mtime_ns) for name in _RULES if (root / name).exists()]
    text = f"{settings!r}|{zone_name}|{code!r}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _check_templates(session: Session) -> None:
    """A broken template stops every tick, not only a due step; unchanged files are not re-run."""
    fingerprint = session.templates.fingerprint()
    if sequences.get_kv(session.store.conn, TEMPLATES_KEY) == fingerprint:
        return
    session.templates.check_used()
    with session.store.write():
        sequences.set_kv(session.store.conn, TEMPLATES_KEY, fingerprint)
