"""Applying calendar changes: new, moved, retitled and cancelled interviews."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from agent.core.formats import moment, short_day
from agent.core.model import InterviewStatus
from agent.core.ports import CalendarSync
from agent.engine.context import Context
from agent.store import calendar_side, sequences

if TYPE_CHECKING:
    from agent.core.events import CalendarEvent, Rejection
    from agent.core.interviews import Interview

log = logging.getLogger(__name__)

NOT_AN_INTERVIEW = "not an interview"


def token_key(calendar_id: str) -> str:
    """The kv key of a calendar's sync token."""
    return f"calendar_sync_token:{calendar_id}"


def apply_calendar(ctx: Context, sync: CalendarSync, now: datetime) -> None:
    """Apply one calendar's changes, then store its new sync token.

    An event that cannot be processed is set aside (see `isolation`): the token moves on.
    """
    if sync.full:
        _forget_missing(ctx, sync, now)
    if sync.events or sync.unreadable:  # an idle tick has none
        _apply_items(ctx, sync, now)
    key = token_key(sync.calendar_id)
    if sequences.get_kv(ctx.store.conn, key) != sync.next_sync_token:
        with ctx.store.write():
            sequences.set_kv(ctx.store.conn, key, sync.next_sync_token)


def _apply_items(ctx: Context, sync: CalendarSync, now: datetime) -> None:
    """Apply each changed event; one that fails, or cannot be read, is set aside."""
    from agent.engine.isolation import guarded, put_aside

    for event in sync.events:
        item = f"{event.calendar_id}/{event.event_id}"
        guarded(ctx, "event", item, event.summary, now, lambda e=event: apply_event(ctx, e, now))
    for bad in sync.unreadable:
        put_aside(ctx, "event", bad.item_id, bad.title, bad.reason, now)


def _forget_missing(ctx: Context, sync: CalendarSync, now: datetime) -> None:
    """After a full sync, interviews whose events vanished are treated as cancelled."""
    from agent.engine.stopping import stop_sequence

    present = {e.event_id for e in sync.events if e.status != "cancelled"}
    for row in sequences.list_interviews(ctx.store.conn, [InterviewStatus.ACTIVE]):
        interview = row.interview
        vanished = interview.calendar_id == sync.calendar_id and interview.event_id not in present
        if vanished and _not_over(interview, now):
            stop_sequence(
                ctx,
                interview.key,
                InterviewStatus.CANCELLED,
                "the event is no longer on the calendar",
                now,
                remove_drafts=True,
            )


def _not_over(interview: Interview, now: datetime) -> bool:
    """True until the interview has ended: cancelled by then, it did not happen."""
    return interview.end > now


def redetect(ctx: Context, event: CalendarEvent) -> Interview | Rejection:
    """Run detection on an event with the command-line notes of its interview."""
    from agent.core.detect import detect
    from agent.core.notes import notes_from_pairs

    key = f"{event.calendar_id}/{event.event_id}"
    pairs = sequences.get_notes(ctx.store.conn, key)
    overrides = notes_from_pairs(pairs) if pairs else None
    return detect(
        event,
        user_email=ctx.user_email,
        settings=ctx.settings.calendar,
        zone=ctx.zone,
        overrides=overrides,
    )


def apply_event(ctx: Context, event: CalendarEvent, now: datetime) -> None:
    """One changed event: store it, then create, update or end its interview."""
    from agent.engine.stopping import stop_sequence
    from agent.store import set_aside

    conn = ctx.store.conn
    key = f"{event.calendar_id}/{event.event_id}"
    with ctx.store.write():
        calendar_side.put_event(conn, event)
        set_aside.clear(conn, "event", key)
    existing = sequences.get_interview(conn, key)
    if event.status == "cancelled":
        with ctx.store.write():
            calendar_side.clear_rejection(conn, event.calendar_id, event.event_id)
        active = existing is not None and existing.status == InterviewStatus.ACTIVE
        if active and existing is not None and _not_over(existing.interview, now):
            stop_sequence(
                ctx,
                key,
                InterviewStatus.CANCELLED,
                "the interview was cancelled",
                now,
                remove_drafts=True,
            )
        return
    from agent.core.events import Rejection  # records load when an event changed

    result = redetect(ctx, event)
    if isinstance(result, Rejection):
        _rejected(ctx, event, result, existing, now)
        return
    save_interview(ctx, result, existing, now)


def _rejected(
    ctx: Context,
    event: CalendarEvent,
    rejection: Rejection,
    existing: sequences.InterviewRow | None,
    now: datetime,
) -> None:
    """Remember why an interview-looking event is ignored; end a sequence it used to be."""
    from agent.engine.stopping import stop_sequence

    conn = ctx.store.conn
    with ctx.store.write():
        quiet = rejection.reason.startswith(NOT_AN_INTERVIEW) or event.is_agent_reminder
        if quiet and existing is None:
            calendar_side.clear_rejection(conn, event.calendar_id, event.event_id)
        else:
            calendar_side.put_rejection(conn, rejection, event.start)
    if existing is not None and existing.status == InterviewStatus.ACTIVE:
        stop_sequence(
            ctx,
            existing.interview.key,
            InterviewStatus.GONE,
            f"no longer followed: {rejection.reason}",
            now,
            remove_drafts=True,
        )


def save_interview(
    ctx: Context, interview: Interview, existing: sequences.InterviewRow | None, now: datetime
) -> None:
    """Store a detected interview; a new one supersedes older sequences with the same company."""
    conn = ctx.store.conn
    from agent.core.titles import sequence_company_key

    company = sequence_company_key(interview.company)
    with ctx.store.write():
        calendar_side.clear_rejection(conn, interview.calendar_id, interview.event_id)
        sequences.put_interview(conn, interview, company, now)
        if existing is None:
            when = moment(interview.start, ctx.zone)
            detail = f"{interview.title!r} with {interview.company} on {when}"
            sequences.journal(conn, now, interview.key, "found", detail)
        elif existing.interview.start != interview.start:
            when = moment(interview.start, ctx.zone)
            sequences.journal(
                conn, now, interview.key, "moved", f"moved to {when}; pending steps follow"
            )
        if existing is not None and existing.status == InterviewStatus.GONE:
            sequences.set_status(conn, interview.key, InterviewStatus.ACTIVE, "", now)
            sequences.reopen_stopped(conn, interview.key, now)
            sequences.journal(
                conn, now, interview.key, "found", "an interview again; sequence resumes"
            )
    if existing is None:
        ctx.run.note("found", interview.key, f"{interview.company}: {interview.title}")
        _supersede(ctx, interview, company, now)
    elif existing.interview.start != interview.start:
        ctx.run.note("moved", interview.key, interview.title)


def _supersede(ctx: Context, interview: Interview, company: str, now: datetime) -> None:
    """A newly found next round ends the older sequences with the same company that have begun.

    One still ahead (another instance of a recurring series, or a round booked together with
    this one) is its own interview until this one begins: see `supersede_passed_rounds`.
    """
    if not company:
        return
    for other in sequences.active_with_company(ctx.store.conn, company):
        earlier = other.interview.start < interview.start and other.interview.start <= now
        if other.interview.key != interview.key and earlier:
            _superseded_by(ctx, other, interview, now)


def supersede_passed_rounds(ctx: Context, now: datetime) -> None:
    """Level-triggered: once a later round with the same company has begun, earlier ones end."""
    for company in sequences.shared_companies(ctx.store.conn):  # two or more active sequences
        starts = sequences.active_starts(ctx.store.conn, company)
        if sum(1 for _, start in starts if start <= now) < 2:
            continue  # nothing to supersede: no interview decoded
        rows = sequences.active_with_company(ctx.store.conn, company)
        interviews = sorted((r.interview for r in rows), key=lambda iv: (iv.start, iv.key))
        begun = [iv for iv in interviews if iv.start <= now]
        if len(begun) < 2:
            continue
        latest = max(begun, key=lambda iv: iv.start)
        for earlier in begun:
            current = sequences.get_interview(ctx.store.conn, earlier.key)
            if earlier.start < latest.start and current is not None:
                _superseded_by(ctx, current, latest, now)


def _superseded_by(
    ctx: Context, old: sequences.InterviewRow, new: Interview, now: datetime
) -> None:
    """End one sequence because a next round with the company took over (drafts stay)."""
    from agent.engine.stopping import stop_sequence

    when = short_day(new.start.astimezone(ctx.zone))
    stop_sequence(
        ctx,
        old.interview.key,
        InterviewStatus.SUPERSEDED,
        f"next round with {new.company} on {when}",
        now,
        remove_drafts=False,
    )
