"""Searching per interview: the full sync (no usable history id) and the catch-up of late finds.

Both record their progress per interview, so a tick stopped by Gmail's quota or its unit
budget loses nothing: the next tick goes on with the interviews not done yet.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from agent.core.model import WATCHED
from agent.core.text import printable
from agent.engine.context import Context
from agent.store import sequences

if TYPE_CHECKING:
    from agent.core.messages import MessageMeta

log = logging.getLogger(__name__)

HISTORY_KEY = "gmail_history_id"
FULL_SYNC_KEY = "inbox_full_sync"  # kv: "<first|expired>:<history id to store when done>"
FULL_SYNC_DONE = "inbox_full_sync_done:"  # kv key prefix: this interview's search is applied
REPORTS_DONE = FULL_SYNC_DONE + "#delivery-reports"  # the one search for bounces is applied
CAUGHT_UP = "inbox_caught_up:"  # kv key prefix: an interview found late has had its catch-up
SEARCH_LIMIT = 500  # one page of messages.list per search in a full sync
INTERVIEW_RESERVE = 100  # units an interview's searches take before its messages are read


def interview_query(row: sequences.InterviewRow, *, since: datetime) -> str:
    """A Gmail search for mail that may be the employer's, since a moment.

    From a contact or the company's domain, or from an applicant-tracking system and naming
    the company (a superset of what `classify` takes for the company's answer), so that the
    system's mail about other companies cannot crowd the reply out of the results.
    """
    from agent.core.detect import PUBLIC_MAIL_DOMAINS
    from agent.core.replies import APPLICANT_TRACKING

    interview = row.interview
    senders: list[str] = []
    for contact in (*interview.contacts, interview.primary):
        if contact.email and contact.email not in senders:
            senders.append(contact.email)
        domain = contact.email.rpartition("@")[2]
        if domain and domain not in PUBLIC_MAIL_DOMAINS and domain not in senders:
            senders.append(domain)
    clauses = [f"from:({' OR '.join(senders)})"] if senders else []
    company = company_phrase(interview.company)
    if company:
        clauses.append(f'(from:({" OR ".join(APPLICANT_TRACKING)}) "{company}")')
    epoch = int(since.timestamp())
    return f"after:{epoch} -in:drafts {{{' '.join(clauses)}}}"


def company_phrase(company: str) -> str:
    """Event text fit to sit between the quotes of a search phrase."""
    return " ".join(printable(company).replace('"', " ").split())


def has_budget(ctx: Context, reserve: int) -> bool:
    """True while this tick may still spend more than `reserve` units on the inbox."""
    left = ctx.mailbox.units_left()
    return left is None or left > reserve


def seen(ctx: Context, message_id: str) -> bool:
    """True when a message was already applied (it never counts twice)."""
    from agent.store import mail_side  # the mail rows load with the first message

    return mail_side.message_seen(ctx.store.conn, message_id)


def full_sync(ctx: Context, now: datetime, *, reserve: int) -> bool:
    """Search per watched interview that has begun, since its start; True when all are done.

    Each interview's messages are applied oldest first, so the first reply is the one that
    stops; an interview done is recorded, and the next tick skips it.
    """
    from agent.engine.apply_message import apply_message
    from agent.engine.draft_life import resolve_draft

    conn = ctx.store.conn
    rows = [r for r in sequences.list_interviews(conn, WATCHED) if r.interview.start <= now]
    rows.sort(key=lambda r: r.interview.start, reverse=True)  # the most recent are due first
    for row in rows:
        done_key = FULL_SYNC_DONE + row.interview.key
        if sequences.get_kv(conn, done_key) is not None:
            continue
        if not has_budget(ctx, reserve + INTERVIEW_RESERVE):
            log.info("full inbox sync paused at the tick's unit budget; the next tick goes on")
            return False
        found: dict[str, MessageMeta] = {}
        gather(ctx, row, found, lambda message_id: not seen(ctx, message_id))
        for meta in sorted(found.values(), key=lambda m: (m.internal_date, m.id)):
            apply_message(ctx, meta, now)
        with ctx.store.write():
            sequences.set_kv(conn, done_key, now.isoformat())
    if rows and not _delivery_reports(ctx, rows, now, reserve=reserve):
        return False
    for step in sequences.steps_in_state(conn, [sequences.StepState.DRAFTED]):
        resolve_draft(ctx, step, now)
    return True


def _delivery_reports(
    ctx: Context, rows: list[sequences.InterviewRow], now: datetime, *, reserve: int
) -> bool:
    """Bounces since the earliest interview began, found by one search: a report often comes
    from a server that is neither the employer's nor in a follow-up's thread. False when the
    budget stopped it (the next tick goes on)."""
    conn = ctx.store.conn
    if sequences.get_kv(conn, REPORTS_DONE) is not None:
        return True
    if not has_budget(ctx, reserve + INTERVIEW_RESERVE):
        log.info("full inbox sync paused at the tick's unit budget; the next tick goes on")
        return False
    from agent.core.delivery import report_search
    from agent.engine.apply_message import apply_message

    since = min(r.interview.start for r in rows)
    query = f"after:{int(since.timestamp())} -in:drafts {report_search()}"
    found: list[MessageMeta] = []
    for message_id, _ in ctx.mailbox.search(query, limit=SEARCH_LIMIT):
        if seen(ctx, message_id):
            continue
        meta = ctx.mailbox.metadata(message_id)
        if meta is not None and "DRAFT" not in meta.label_ids:
            found.append(meta)
    for meta in sorted(found, key=lambda m: (m.internal_date, m.id)):
        apply_message(ctx, meta, now)
    with ctx.store.write():
        sequences.set_kv(conn, REPORTS_DONE, now.isoformat())
    return True


def finish_full_sync(ctx: Context) -> None:
    """Forget the per-interview progress of a finished full sync."""
    conn = ctx.store.conn
    with ctx.store.write():
        conn.execute("DELETE FROM kv WHERE key LIKE ?", (FULL_SYNC_DONE + "%",))
        sequences.delete_kv(conn, FULL_SYNC_KEY)


def full_sync_waiting(ctx: Context) -> set[str]:
    """Keys of watched interviews a running full sync has not searched for yet."""
    conn = ctx.store.conn
    if sequences.get_kv(conn, FULL_SYNC_KEY) is None:
        return set()
    done = {
        r[0][len(FULL_SYNC_DONE):]
        for r in conn.execute("SELECT key FROM kv WHERE key LIKE ?", (FULL_SYNC_DONE + "%",))
    }
    return {r.interview.key for r in sequences.list_interviews(conn, WATCHED)} - done


def catch_up(ctx: Context, now: datetime, *, reserve: int) -> bool:
    """Interviews found after they began: apply to them, once, the mail since their start.

    History sync applied that mail before the agent knew the interview (or never, when
    nothing was watched); a message applied while the interview was known is not redone.
    Each interview is marked caught up when done; False when the budget stopped it.
    """
    for row in found_late(ctx):
        from agent.engine.apply_message import apply_message  # the mail rules, on use

        if not has_budget(ctx, reserve + INTERVIEW_RESERVE):
            log.info("inbox catch-up paused at the tick's unit budget; the next tick goes on")
            return False
        found: dict[str, MessageMeta] = {}
        ids = gather(
            ctx, row, found, functools.partial(_applied_before, ctx, moment=row.first_seen)
        )
        only = frozenset({row.interview.key})
        for message_id in sorted(ids, key=lambda m: (found[m].internal_date, m)):
            apply_message(ctx, found[message_id], now, only=only)
        mark_caught_up(ctx, [row], now)
    return True


def found_late(ctx: Context) -> list[sequences.InterviewRow]:
    """Watched interviews first seen after they began and not caught up yet."""
    return sequences.late_candidates(ctx.store.conn, WATCHED, CAUGHT_UP)


def _applied_before(ctx: Context, message_id: str, moment: datetime) -> bool:
    """True when a message was never applied, or only before `moment`."""
    from agent.store import mail_side

    seen_at = mail_side.seen_at(ctx.store.conn, message_id)
    return seen_at is None or seen_at < moment


def mark_caught_up(ctx: Context, rows: list[sequences.InterviewRow], now: datetime) -> None:
    """Remember that these interviews' mail since their start has been applied."""
    if not rows:
        return
    with ctx.store.write():
        for row in rows:
            sequences.set_kv(ctx.store.conn, CAUGHT_UP + row.interview.key, now.isoformat())


def gather(
    ctx: Context,
    row: sequences.InterviewRow,
    found: dict[str, MessageMeta],
    wanted: Callable[[str], bool],
) -> set[str]:
    """The wanted messages since an interview began: from its people, to them, in its threads.

    Their metadata is added to `found` (read once, shared across interviews); drafts are left out.
    """
    since = row.interview.start
    ids = ctx.mailbox.search(interview_query(row, since=since), limit=SEARCH_LIMIT)
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
    from agent.store import mail_side

    conn = ctx.store.conn
    threads = {r.thread_id for r in sequences.get_steps(conn, key) if r.thread_id}
    threads |= {s.thread_id for s in mail_side.sent_messages(conn, key)}
    return threads
