"""tick(now): the reconciler, and the only place that orders side effects."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.model import InterviewStatus
from agent.core.ports import CalendarSource, Mailbox
from agent.core.settings import Settings
from agent.core.templating import TemplateSet
from agent.engine.advance import advance
from agent.engine.calendar_sync import apply_calendar, supersede_passed_rounds, token_key
from agent.engine.context import Context, Run
from agent.engine.holiday_dates import load_holidays, save_holidays
from agent.engine.inbox_sync import sync_inbox, waiting_for_inbox
from agent.engine.reminders import sync_reminders
from agent.store import sequences
from agent.store.db import Store
from agent.store.sequences import USER_EMAIL_KEY, ZONE_KEY

log = logging.getLogger(__name__)


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
    session.templates.check_used()  # a broken template stops every tick, not only a due step
    settings, conn = session.settings, session.store.conn
    mailbox = session.mailbox
    mailbox.start_tick()
    load_holidays(session.store, settings.user, now.date())
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
        business=BusinessCalendar.from_settings(settings.user, settings.schedule),
        dry_run=dry_run,
        key_secret=session.key_secret,
    )
    for sync in syncs:
        apply_calendar(ctx, sync, now)
    supersede_passed_rounds(ctx, now)
    sync_inbox(ctx, now, profile_history_id=profile_history_id)
    waiting = waiting_for_inbox(ctx)  # their mail is not searched yet: drafts wait
    for row in sequences.list_interviews(conn, [InterviewStatus.ACTIVE]):
        if row.interview.key in waiting:
            continue
        current = sequences.get_interview(conn, row.interview.key)
        if current is not None and current.status == InterviewStatus.ACTIVE:
            advance(ctx, current, now)
    if settings.reminders.enabled:
        sync_reminders(ctx, now)
    if not dry_run:
        save_holidays(session.store)
    log.info("tick done: %d action(s)", len(ctx.run.actions))
    return ctx.run
