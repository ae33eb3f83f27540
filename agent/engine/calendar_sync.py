"""Applying calendar changes: new, moved, retitled and cancelled interviews, and next rounds."""

from __future__ import annotations

import logging

from agent.core.detect import detect
from agent.core.formats import moment, short_day
from agent.core.interviews import CalendarEvent, Interview, Rejection
from agent.core.model import InterviewStatus
from agent.core.notes import notes_from_pairs
from agent.core.ports import CalendarSync
from agent.core.titles import sequence_company_key
from agent.engine import sequence
from agent.engine.work import Pass, Sequence, guarded, put_aside
from agent.store import events, kv, sequences, set_aside

log = logging.getLogger(__name__)

NOT_AN_INTERVIEW = "not an interview"


def sync_calendars(p: Pass) -> None:
    """Read each watched calendar's changes, learn the zone, then apply them and store each
    calendar's new sync token (an event that cannot be processed is set aside: the token moves)."""
    settings = p.settings
    syncs = [
        p.session.calendar.sync(
            calendar_id, kv.calendar_token(p.conn, calendar_id), now=p.now,
            fallback_zone=p.zone.key,
        )
        for calendar_id in settings.calendar.watched
    ]
    zone_name = settings.user.timezone or (syncs[0].time_zone if syncs else "") or p.zone.key
    if zone_name != kv.zone(p.conn):
        with p.write():
            kv.set_zone(p.conn, zone_name)
    if zone_name != p.zone.key:
        p.zone = type(p.zone)(zone_name)
    for sync in syncs:
        _apply_sync(p, sync)
    supersede_passed_rounds(p)


def _apply_sync(p: Pass, sync: CalendarSync) -> None:
    """One calendar's changes, then its token."""
    if sync.full:
        _forget_missing(p, sync)
    for event in sync.events:
        item = f"{event.calendar_id}/{event.event_id}"
        guarded(p, "event", item, event.summary, lambda e=event: apply_event(p, e))
    for bad in sync.unreadable:
        put_aside(p, "event", f"{bad.calendar_id}/{bad.event_id}", bad.title, bad.reason)
    with p.write():
        kv.set_calendar_token(p.conn, sync.calendar_id, sync.next_sync_token)


def _forget_missing(p: Pass, sync: CalendarSync) -> None:
    """After a full sync, interviews whose events vanished are treated as cancelled."""
    present = {e.event_id for e in sync.events if e.status != "cancelled"}
    for seq in p.watched((InterviewStatus.ACTIVE,)):
        interview = seq.interview
        vanished = interview.calendar_id == sync.calendar_id and interview.event_id not in present
        if vanished and interview.end > p.now:
            sequence.stop(seq, InterviewStatus.CANCELLED, "the event is no longer on the calendar",
                          remove_drafts=True)


def redetect(p: Pass, event: CalendarEvent) -> Interview | Rejection:
    """Detection on an event, with the command-line notes of its interview."""
    pairs = sequences.get_notes(p.conn, f"{event.calendar_id}/{event.event_id}")
    return detect(
        event, user_email=p.user, settings=p.settings.calendar, zone=p.zone,
        overrides=notes_from_pairs(pairs) if pairs else None,
    )


def apply_event(p: Pass, event: CalendarEvent) -> None:
    """One changed event: create, update or end its interview (only interviews are kept)."""
    key = f"{event.calendar_id}/{event.event_id}"
    seq = p.sequence(key)
    with p.write():
        set_aside.clear(p.conn, "event", key)
    if event.status == "cancelled":
        with p.write():
            events.clear_rejection(p.conn, event.calendar_id, event.event_id)
            events.forget_event(p.conn, event.calendar_id, event.event_id)
        if seq is not None and seq.status == InterviewStatus.ACTIVE and seq.interview.end > p.now:
            sequence.stop(seq, InterviewStatus.CANCELLED, "the interview was cancelled",
                          remove_drafts=True)
        return
    result = redetect(p, event)
    if isinstance(result, Rejection):
        _rejected(p, event, result, seq)
        return
    with p.write():
        events.put_event(p.conn, event)
    save_interview(p, result, seq)


def _rejected(p: Pass, event: CalendarEvent, rejection: Rejection, seq: Sequence | None) -> None:
    """Remember why an interview-looking event is ignored; end a sequence it used to be."""
    with p.write():
        events.forget_event(p.conn, event.calendar_id, event.event_id)
        quiet = rejection.reason.startswith(NOT_AN_INTERVIEW) or event.is_agent_reminder
        if quiet and seq is None:
            events.clear_rejection(p.conn, event.calendar_id, event.event_id)
        else:
            events.put_rejection(p.conn, rejection, event.start)
    if seq is not None and seq.status == InterviewStatus.ACTIVE:
        sequence.stop(seq, InterviewStatus.GONE, f"no longer followed: {rejection.reason}",
                      remove_drafts=True)


def save_interview(p: Pass, interview: Interview, seq: Sequence | None) -> None:
    """Store a detected interview; a new one supersedes older sequences with the same company."""
    company = sequence_company_key(interview.company)
    when = moment(interview.start, p.zone)
    with p.write():
        events.clear_rejection(p.conn, interview.calendar_id, interview.event_id)
        if seq is None:
            sequences.put_interview(p.conn, interview, company, p.now)
            new = p.sequence(interview.key)
            assert new is not None
            new.tell("found", f"{interview.title!r} with {interview.company} on {when}",
                     note=f"{interview.company}: {interview.title}")
        else:
            moved = seq.interview.start != interview.start
            seq.set_interview(interview, company)
            if moved:
                seq.tell("moved", f"moved to {when}; pending steps follow", note=interview.title)
            if seq.status == InterviewStatus.GONE:
                seq.set_status(InterviewStatus.ACTIVE, "",
                               tell=("found", "an interview again; sequence resumes"))
                sequences.reopen_stopped(p.conn, interview.key, p.now)
                seq.steps = sequences.get_steps(p.conn, interview.key)
    if seq is None:
        _supersede(p, interview, company)


def _supersede(p: Pass, interview: Interview, company: str) -> None:
    """A newly found next round ends the older sequences with the same company that have begun.

    One still ahead (another instance of a recurring series, or a round booked together with
    this one) is its own interview until this one begins: see `supersede_passed_rounds`.
    """
    if not company:
        return
    for key in sequences.active_with_company(p.conn, company):
        other = p.sequence(key)
        if other is None or key == interview.key:
            continue
        if other.interview.start < interview.start and other.interview.start <= p.now:
            _superseded_by(other, interview)


def supersede_passed_rounds(p: Pass) -> None:
    """Level-triggered: once a later round with the same company has begun, earlier ones end."""
    for starts in sequences.active_starts(p.conn).values():
        begun = sorted((start, key) for key, start in starts if start <= p.now)
        if len(begun) < 2:
            continue  # nothing to supersede: no interview decoded
        latest = p.sequence(begun[-1][1])
        for start, key in begun[:-1]:
            earlier = p.sequence(key)
            if latest is not None and earlier is not None and start < begun[-1][0]:
                _superseded_by(earlier, latest.interview)


def _superseded_by(old: Sequence, new: Interview) -> None:
    """End one sequence because a next round with the company took over (drafts stay)."""
    when = short_day(new.start.astimezone(old.p.zone))
    sequence.stop(old, InterviewStatus.SUPERSEDED, f"next round with {new.company} on {when}",
                  remove_drafts=False)
