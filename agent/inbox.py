"""Watching the inbox: history sync (404 -> targeted full sync) and what each message means."""

from __future__ import annotations

import logging
from datetime import datetime

from agent import state
from agent.context import Context
from agent.google.gmail import HistoryExpired
from agent.model import InterviewStatus, MessageMeta
from agent.observe import apply_message

log = logging.getLogger(__name__)

HISTORY_KEY = "gmail_history_id"
WATCHED = (InterviewStatus.ACTIVE, InterviewStatus.PAUSED)
ATS_DOMAINS = (
    "greenhouse.io",
    "greenhouse-mail.io",
    "lever.co",
    "myworkday.com",
    "workday.com",
    "ashbyhq.com",
    "smartrecruiters.com",
    "icims.com",
    "jobvite.com",
    "bamboohr.com",
    "workable.com",
    "recruitee.com",
    "teamtailor.com",
)


def sync_inbox(ctx: Context, now: datetime, *, profile_history_id: str | None) -> None:
    """Apply what reached the mailbox since the stored history id, then store the new id."""
    conn = ctx.store.conn
    start = state.get_kv(conn, HISTORY_KEY)
    if start is None:
        current = profile_history_id or ctx.gmail.profile().history_id
        full_sync(ctx, now)
        _save_cursor(ctx, current)
        return
    try:
        changes = ctx.gmail.history_since(start)
    except HistoryExpired:
        log.info("Gmail history id %s expired; searching for replies per interview", start)
        current = ctx.gmail.profile().history_id
        full_sync(ctx, now)
        _save_cursor(ctx, current)
        return
    watching = state.list_interviews(conn, WATCHED)
    drafted_threads = {
        r.thread_id for r in state.steps_in_state(conn, [state.StepState.DRAFTED]) if r.thread_id
    }
    if watching or drafted_threads:
        added = [(mid, tid) for mid, tid, labels in changes.added if "DRAFT" not in labels]
        for message_id, _thread_id in added:
            if _seen(ctx, message_id):
                continue
            meta = ctx.gmail.metadata(message_id)
            if meta is not None:
                apply_message(ctx, meta, now)
        _resolve_deleted(ctx, changes.deleted, now)
    _save_cursor(ctx, changes.history_id)


def _save_cursor(ctx: Context, history_id: str) -> None:
    """Store the history id only after its changes are applied."""
    with ctx.store.write():
        state.set_kv(ctx.store.conn, HISTORY_KEY, history_id)


def _seen(ctx: Context, message_id: str) -> bool:
    """True when a message was already applied (it never counts twice)."""
    return state.message_seen(ctx.store.conn, message_id)


def _resolve_deleted(ctx: Context, deleted: tuple[str, ...], now: datetime) -> None:
    """A deleted draft message of ours: the draft was edited, sent or thrown away."""
    from agent.observe import resolve_draft

    if not deleted:
        return
    gone = set(deleted)
    for row in state.steps_in_state(ctx.store.conn, [state.StepState.DRAFTED]):
        if row.draft_message_id in gone:
            resolve_draft(ctx, row, now)


def interview_query(ctx: Context, row: state.InterviewRow, *, since: datetime) -> str:
    """A Gmail search for mail that may be the employer's, since a moment."""
    from agent.detect import PUBLIC_MAIL_DOMAINS

    interview = row.interview
    senders: list[str] = []
    for contact in (*interview.contacts, interview.primary):
        if contact.email and contact.email not in senders:
            senders.append(contact.email)
        domain = contact.email.rpartition("@")[2]
        if domain and domain not in PUBLIC_MAIL_DOMAINS and domain not in senders:
            senders.append(domain)
    senders.extend(ATS_DOMAINS)
    epoch = int(since.timestamp())
    return f"after:{epoch} -in:drafts from:({' OR '.join(senders)})"


def full_sync(ctx: Context, now: datetime) -> None:
    """Bounded catch-up: per watched interview, search since its start; apply in time order."""
    conn = ctx.store.conn
    found: dict[str, MessageMeta] = {}
    for row in state.list_interviews(conn, WATCHED):
        since = row.interview.start
        ids = ctx.gmail.search(interview_query(ctx, row, since=since), limit=100)
        contacts = " OR ".join(sorted({c.email for c in row.interview.contacts}))
        if contacts:
            ids += ctx.gmail.search(
                f"after:{int(since.timestamp())} in:sent to:({contacts})", limit=100
            )
        for thread_id in _sequence_threads(ctx, row.interview.key):
            ids += [(m.id, m.thread_id) for m in ctx.gmail.thread_messages(thread_id)]
        for message_id, _ in ids:
            if message_id in found or _seen(ctx, message_id):
                continue
            meta = ctx.gmail.metadata(message_id)
            if meta is not None and "DRAFT" not in meta.label_ids:
                found[message_id] = meta
    for meta in sorted(found.values(), key=lambda m: (m.internal_date, m.id)):
        apply_message(ctx, meta, now)
    for step in state.steps_in_state(conn, [state.StepState.DRAFTED]):
        from agent.observe import resolve_draft

        resolve_draft(ctx, step, now)


def _sequence_threads(ctx: Context, key: str) -> set[str]:
    """Threads of this sequence's drafts and of what the candidate sent."""
    conn = ctx.store.conn
    threads = {r.thread_id for r in state.get_steps(conn, key) if r.thread_id}
    threads |= {s.thread_id for s in state.sent_messages(conn, key)}
    return threads


def reply_arrived(ctx: Context, row: state.InterviewRow, now: datetime) -> bool:
    """The last look before a draft: did an employer message arrive since the last sync?"""
    query = interview_query(ctx, row, since=row.interview.start)
    for message_id, _ in ctx.gmail.search(query, limit=20):
        if _seen(ctx, message_id):
            continue
        meta = ctx.gmail.metadata(message_id)
        if meta is not None and "DRAFT" not in meta.label_ids:
            apply_message(ctx, meta, now)
    current = state.get_interview(ctx.store.conn, row.interview.key)
    return current is None or current.status != InterviewStatus.ACTIVE
