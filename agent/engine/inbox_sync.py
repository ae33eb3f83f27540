"""Watching the inbox: history sync (404 -> targeted full sync) and what each message means."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime

from agent.core.detect import PUBLIC_MAIL_DOMAINS
from agent.core.model import WATCHED, InterviewStatus, MessageMeta
from agent.core.ports import HistoryExpired
from agent.core.replies import APPLICANT_TRACKING
from agent.core.text import printable
from agent.engine.apply_message import apply_message
from agent.engine.context import Context
from agent.engine.draft_life import resolve_draft
from agent.store import mail_side, sequences

log = logging.getLogger(__name__)

HISTORY_KEY = "gmail_history_id"
SEARCH_LIMIT = 500  # one page of messages.list per search in a full sync
LAST_LOOK_LIMIT = 20
CAUGHT_UP = "inbox_caught_up:"  # kv key prefix: an interview found late has had its catch-up


def sync_inbox(ctx: Context, now: datetime, *, profile_history_id: str | None) -> None:
    """Apply what reached the mailbox since the stored history id, then store the new id."""
    conn = ctx.store.conn
    start = sequences.get_kv(conn, HISTORY_KEY)
    if start is None:
        current = profile_history_id or ctx.mailbox.profile().history_id
        full_sync(ctx, now)
        _mark_caught_up(ctx, _found_late(ctx), now)  # nothing was applied before: all covered
        _save_cursor(ctx, current)
        return
    try:
        changes = ctx.mailbox.history_since(start)
    except HistoryExpired:
        log.info("Gmail history id %s expired; searching for replies per interview", start)
        current = ctx.mailbox.profile().history_id
        full_sync(ctx, now)
        catch_up(ctx, now)
        _save_cursor(ctx, current)
        return
    watching = sequences.list_interviews(conn, WATCHED)
    drafted_threads = {
        r.thread_id
        for r in sequences.steps_in_state(conn, [sequences.StepState.DRAFTED])
        if r.thread_id
    }
    if watching or drafted_threads:
        added = [m for m in changes.added if "DRAFT" not in m.label_ids]
        for message in added:
            if _seen(ctx, message.message_id):
                continue
            meta = ctx.mailbox.metadata(message.message_id)
            if meta is not None:
                apply_message(ctx, meta, now)
        _resolve_deleted(ctx, changes.deleted, now)
    catch_up(ctx, now)
    _save_cursor(ctx, changes.history_id)


def _save_cursor(ctx: Context, history_id: str) -> None:
    """Store the history id only after its changes are applied (no write when unchanged)."""
    if sequences.get_kv(ctx.store.conn, HISTORY_KEY) == history_id:
        return
    with ctx.store.write():
        sequences.set_kv(ctx.store.conn, HISTORY_KEY, history_id)


def _seen(ctx: Context, message_id: str) -> bool:
    """True when a message was already applied (it never counts twice)."""
    return mail_side.message_seen(ctx.store.conn, message_id)


def _resolve_deleted(ctx: Context, deleted: tuple[str, ...], now: datetime) -> None:
    """A deleted draft message of ours: the draft was edited, sent or thrown away."""
    if not deleted:
        return
    gone = set(deleted)
    for row in sequences.steps_in_state(ctx.store.conn, [sequences.StepState.DRAFTED]):
        if row.draft_message_id in gone:
            resolve_draft(ctx, row, now)


def interview_query(ctx: Context, row: sequences.InterviewRow, *, since: datetime) -> str:
    """A Gmail search for mail that may be the employer's, since a moment.

    From a contact or the company's domain, or from an applicant-tracking system and naming
    the company (a superset of what `classify` takes for the company's answer), so that the
    system's mail about other companies cannot crowd the reply out of the results.
    """
    interview = row.interview
    senders: list[str] = []
    for contact in (*interview.contacts, interview.primary):
        if contact.email and contact.email not in senders:
            senders.append(contact.email)
        domain = contact.email.rpartition("@")[2]
        if domain and domain not in PUBLIC_MAIL_DOMAINS and domain not in senders:
            senders.append(domain)
    clauses = [f"from:({' OR '.join(senders)})"] if senders else []
    company = " ".join(_phrase_safe(interview.company).split())
    if company:
        clauses.append(f'(from:({" OR ".join(APPLICANT_TRACKING)}) "{company}")')
    epoch = int(since.timestamp())
    return f"after:{epoch} -in:drafts {{{' '.join(clauses)}}}"


def _phrase_safe(text: str) -> str:
    """Event text fit to sit between the quotes of a search phrase."""
    return printable(text).replace('"', " ")


def full_sync(ctx: Context, now: datetime) -> None:
    """Bounded catch-up: per watched interview that has begun, search since its start.

    The messages found are applied oldest first, so the first reply is the one that stops.
    """
    conn = ctx.store.conn
    found: dict[str, MessageMeta] = {}
    for row in sequences.list_interviews(conn, WATCHED):
        if row.interview.start <= now:
            _gather(ctx, row, found, lambda message_id: not _seen(ctx, message_id))
    for meta in sorted(found.values(), key=lambda m: (m.internal_date, m.id)):
        apply_message(ctx, meta, now)
    for step in sequences.steps_in_state(conn, [sequences.StepState.DRAFTED]):
            resolve_draft(ctx, step, now)


def catch_up(ctx: Context, now: datetime) -> None:
    """Interviews found after they began: apply to them, once, the mail since their start.

    History sync applied that mail before the agent knew the interview (or never, when
    nothing was watched); a message applied while the interview was known is not redone.
    """
    late = _found_late(ctx)
    if not late:
        return
    found: dict[str, MessageMeta] = {}
    targets: dict[str, set[str]] = {}
    for row in late:
        ids = _gather(
            ctx, row, found, functools.partial(_applied_before, ctx, moment=row.first_seen)
        )
        for message_id in ids:
            targets.setdefault(message_id, set()).add(row.interview.key)
    for message_id in sorted(targets, key=lambda m: (found[m].internal_date, m)):
        apply_message(ctx, found[message_id], now, only=frozenset(targets[message_id]))
    _mark_caught_up(ctx, late, now)


def _found_late(ctx: Context) -> list[sequences.InterviewRow]:
    """Watched interviews first seen after they began and not caught up yet."""
    conn = ctx.store.conn
    return [
        row
        for row in sequences.list_interviews(conn, WATCHED)
        if row.first_seen > row.interview.start
        and sequences.get_kv(conn, CAUGHT_UP + row.interview.key) is None
    ]


def _applied_before(ctx: Context, message_id: str, moment: datetime) -> bool:
    """True when a message was never applied, or only before `moment`."""
    seen = mail_side.seen_at(ctx.store.conn, message_id)
    return seen is None or seen < moment


def _mark_caught_up(ctx: Context, rows: list[sequences.InterviewRow], now: datetime) -> None:
    """Remember that these interviews' mail since their start has been applied."""
    if not rows:
        return
    with ctx.store.write():
        for row in rows:
            sequences.set_kv(ctx.store.conn, CAUGHT_UP + row.interview.key, now.isoformat())


def _gather(
    ctx: Context,
    row: sequences.InterviewRow,
    found: dict[str, MessageMeta],
    wanted: Callable[[str], bool],
) -> set[str]:
    """The wanted messages since an interview began: from its people, to them, in its threads.

    Their metadata is added to `found` (read once, shared across interviews); drafts are left out.
    """
    since = row.interview.start
    ids = ctx.mailbox.search(interview_query(ctx, row, since=since), limit=SEARCH_LIMIT)
    contacts = " OR ".join(sorted({c.email for c in row.interview.contacts}))
    if contacts:
        ids += ctx.mailbox.search(
            f"after:{int(since.timestamp())} in:sent to:({contacts})", limit=SEARCH_LIMIT
        )
    mine: set[str] = set()
    for message_id, _ in ids:
        if message_id in mine or not wanted(message_id):
            continue
        if message_id not in found:
            meta = ctx.mailbox.metadata(message_id)
            if meta is None or "DRAFT" in meta.label_ids:
                continue
            found[message_id] = meta
        mine.add(message_id)
    for thread_id in _sequence_threads(ctx, row.interview.key):
        for meta in ctx.mailbox.thread_messages(thread_id):
            if meta.id in mine or "DRAFT" in meta.label_ids or not wanted(meta.id):
                continue
            found.setdefault(meta.id, meta)
            mine.add(meta.id)
    return mine


def _sequence_threads(ctx: Context, key: str) -> set[str]:
    """Threads of this sequence's drafts and of what the candidate sent."""
    conn = ctx.store.conn
    threads = {r.thread_id for r in sequences.get_steps(conn, key) if r.thread_id}
    threads |= {s.thread_id for s in mail_side.sent_messages(conn, key)}
    return threads


def reply_arrived(ctx: Context, row: sequences.InterviewRow, now: datetime) -> bool:
    """The last look before a draft: did an employer message arrive since the last sync?"""
    query = interview_query(ctx, row, since=row.interview.start)
    for message_id, _ in ctx.mailbox.search(query, limit=LAST_LOOK_LIMIT):
        if _seen(ctx, message_id):
            continue
        meta = ctx.mailbox.metadata(message_id)
        if meta is not None and "DRAFT" not in meta.label_ids:
            apply_message(ctx, meta, now)
    current = sequences.get_interview(ctx.store.conn, row.interview.key)
    return current is None or current.status != InterviewStatus.ACTIVE
