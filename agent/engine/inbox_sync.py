"""Watching the inbox: history sync page by page, fetching only what can matter.

A history record names a message's thread and labels. A message is read (`messages.get`)
only when it is in a thread a sequence knows, was sent by the user, or is among the ids of
one combined search for the employers' senders and for delivery reports; the rest is
skipped without a request. Gmail's search index lags behind history, so what the search
did not return is kept and looked for again by the next ticks' searches (`INDEX_LAG`), and
a finished full sync is followed by one more search once the index has caught up. The
history id is stored after each page is applied, and a tick that runs out of budget or hits
Gmail's quota keeps what it did.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from agent.core.model import WATCHED, InterviewStatus
from agent.core.ports import AddedMessage, HistoryChanges, HistoryExpired
from agent.engine.context import Context
from agent.engine.full_sync import (
    FULL_SYNC_KEY,
    HISTORY_KEY,
    catch_up,
    company_phrase,
    finish_full_sync,
    found_late,
    full_sync,
    full_sync_waiting,
    has_budget,
    interview_query,
    mark_caught_up,
    seen,
)
from agent.store import pending_mail, sequences

log = logging.getLogger(__name__)

LAST_LOOK_LIMIT = 20
SEARCHED_KEY = "inbox_searched_at"  # kv: when the last combined search ran
SEARCH_OVERLAP = timedelta(days=1)  # the combined search looks this far before the last one
QUERY_CHARS = 4000  # a combined search is split into queries of about this length (URL-safe)
COMBINED_LIMIT = 500
MESSAGE_UNITS = 20  # messages.get
# Gmail's search index is eventually consistent: a message history already names can be missing
# from search for seconds to minutes. One the combined search did not return is looked for
# again by the next ticks' searches until it has been in the mailbox this long; after that it
# is taken for mail of no interview (no messages.get is ever spent on it).
INDEX_LAG = timedelta(minutes=30)
FULL_SYNC_STARTED = "inbox_full_sync_started"  # kv: when the running full sync began
RECHECK_KEY = "inbox_recheck_at"  # kv: when to search again behind a finished full sync


def sync_inbox(ctx: Context, now: datetime, *, profile_history_id: str | None) -> None:
    """Apply what reached the mailbox since the stored history id, storing the id as it goes.

    A third of what the tick may still spend is kept for the drafts due after this.
    """
    conn = ctx.store.conn
    left = ctx.mailbox.units_left()
    reserve = 0 if left is None else left // 3
    start = sequences.get_kv(conn, HISTORY_KEY)
    if start is None or sequences.get_kv(conn, FULL_SYNC_KEY) is not None:
        _run_full_sync(ctx, now, start, profile_history_id, reserve)
        return
    try:
        done = _history_sync(ctx, start, now, reserve)
    except HistoryExpired:
        log.info("Gmail history id %s expired; searching for replies per interview", start)
        _run_full_sync(ctx, now, start, None, reserve)
        return
    if done and _recheck(ctx, now, reserve):
        catch_up(ctx, now, reserve=reserve)


def waiting_for_inbox(ctx: Context) -> set[str]:
    """Interviews whose mail has not been searched yet (their drafts wait for it)."""
    waiting = full_sync_waiting(ctx)
    return waiting | {row.interview.key for row in found_late(ctx)}


def _run_full_sync(
    ctx: Context, now: datetime, start: str | None, profile_history_id: str | None, reserve: int
) -> None:
    """Start or go on with a full sync; at its end store the history id taken at its start."""
    conn = ctx.store.conn
    state = sequences.get_kv(conn, FULL_SYNC_KEY)
    if state is None:
        current = profile_history_id or ctx.mailbox.profile().history_id
        state = f"{'first' if start is None else 'expired'}:{current}"
        with ctx.store.write():
            sequences.set_kv(conn, FULL_SYNC_KEY, state)
            sequences.set_kv(conn, FULL_SYNC_STARTED, now.isoformat())
    kind, _, target = state.partition(":")
    if not full_sync(ctx, now, reserve=reserve):
        return
    if kind == "first":
        mark_caught_up(ctx, found_late(ctx), now)  # nothing was applied before: all covered
    elif not catch_up(ctx, now, reserve=reserve):
        return
    _save_cursor(ctx, target)
    finish_full_sync(ctx)
    with ctx.store.write():  # what arrived just before the searches may not have been indexed
        sequences.set_kv(conn, RECHECK_KEY, (now + INDEX_LAG).isoformat())


def _recheck(ctx: Context, now: datetime, reserve: int) -> bool:
    """Once the index has caught up with a finished full sync, search again for the mail that
    reached Gmail shortly before its searches (before the history id it stored); apply what
    was not applied yet. False when the budget stopped it (the next tick goes on)."""
    conn = ctx.store.conn
    due = sequences.get_kv(conn, RECHECK_KEY)
    if due is None or datetime.fromisoformat(due) > now:
        return True
    started = datetime.fromisoformat(sequences.get_kv(conn, FULL_SYNC_STARTED) or due)
    begun = [r for r in sequences.list_interviews(conn, WATCHED) if r.interview.start <= started]
    if begun:  # else nothing was searched
        epoch = int((started - INDEX_LAG).timestamp())
        contacts = sorted({c.email for r in begun for c in r.interview.contacts if c.email})
        queries = [f"after:{epoch} -in:drafts {clause}" for clause in _combined_clauses(ctx)]
        queries += [  # and what the candidate wrote to them (their own mail settles steps)
            f"after:{epoch} in:sent to:({' OR '.join(group)})"
            for group in _chunks(contacts, QUERY_CHARS)
        ]
        found: set[str] = set()
        for query in queries:
            found |= {m for m, _ in ctx.mailbox.search(query, limit=COMBINED_LIMIT)}
        for message_id in sorted(found, key=lambda m: (len(m), m)):  # ids grow: oldest first
            if not seen(ctx, message_id) and not _read(ctx, message_id, reserve, now):
                return False
    with ctx.store.write():
        sequences.delete_kv(conn, RECHECK_KEY)
        sequences.delete_kv(conn, FULL_SYNC_STARTED)
    return True


def _history_sync(ctx: Context, start: str, now: datetime, reserve: int) -> bool:
    """Apply the history since `start` page by page; False when the budget stopped it."""
    pages = list(ctx.mailbox.history_pages(start))
    conn = ctx.store.conn
    watching = sequences.any_with_status(conn, WATCHED)
    if not watching:
        for page in pages:
            _resolve_deleted(ctx, page.deleted, now)
        if pending_mail.waiting(conn):
            with ctx.store.write():
                pending_mail.clear(conn)  # nothing is watched: none of it can matter
        _save_cursor(ctx, pages[-1].history_id)
        return True
    wanted, earlier = _worth_reading(ctx, pages, now)
    for done, message_id in enumerate(earlier):  # arrived before this history, found only now
        if not seen(ctx, message_id) and not _read(ctx, message_id, reserve, now):
            with ctx.store.write():  # found: kept past the window until it is read
                pending_mail.renew(conn, earlier[done:], now)
            return False
        with ctx.store.write():
            pending_mail.drop(conn, [message_id])
    for page in pages:
        for message in page.added:
            if message.message_id not in wanted or seen(ctx, message.message_id):
                continue
            if not _read(ctx, message.message_id, reserve, now):
                return False
        _resolve_deleted(ctx, page.deleted, now)
        _save_cursor(ctx, page.history_id)
    return True


def _read(ctx: Context, message_id: str, reserve: int, now: datetime) -> bool:
    """Read one message and apply it; False (nothing read) when the budget is spent."""
    if not has_budget(ctx, reserve + MESSAGE_UNITS):
        log.info("inbox sync paused at the tick's unit budget; the next tick goes on")
        return False
    meta = ctx.mailbox.metadata(message_id)
    if meta is not None and "DRAFT" not in meta.label_ids:
        from agent.engine.apply_message import apply_message  # the mail rules, on use

        apply_message(ctx, meta, now)
    return True


def _worth_reading(
    ctx: Context, pages: list[HistoryChanges], now: datetime
) -> tuple[set[str], list[str]]:
    """Ids of the added messages that can matter (known thread, sent by the user, or found),
    and the ids kept from earlier ticks that the search (or a thread now known) finds now.

    The combined search runs only when some message is not settled by its thread or labels.
    One it does not return may not be indexed yet: it is kept (`store/pending_mail.py`) and
    looked for by the next ticks' searches until it is older than `INDEX_LAG`.
    """
    conn = ctx.store.conn
    kept = pending_mail.waiting(conn)
    if not kept and not any(page.added for page in pages):
        return set(), []  # nothing new: the index (every watched interview) is not built
    from agent.engine.mail_index import current_index

    index = current_index(ctx)
    wanted: set[str] = set()
    open_ones: dict[str, AddedMessage] = {}
    for page in pages:
        for message in page.added:
            if "DRAFT" in message.label_ids:
                continue
            if _settled(index.has_thread(message.thread_id), message):
                wanted.add(message.message_id)
            else:
                open_ones[message.message_id] = message
    kept = [p for p in kept if p.message_id not in open_ones and p.message_id not in wanted]
    found = _combined_search(ctx, now) if open_ones or kept else set()
    wanted |= open_ones.keys() & found
    earlier = [p.message_id for p in kept if p.message_id in found or index.has_thread(p.thread_id)]
    expired = [  # this search was the last look: it ran after the window (ticks can be far apart)
        p.message_id
        for p in kept
        if p.message_id not in earlier and p.first_seen <= now - INDEX_LAG
    ]
    missing = [
        pending_mail.Pending(m.message_id, m.thread_id, now)
        for m in open_ones.values()
        if m.message_id not in found
    ]
    settled_now = [p.message_id for p in pending_mail.waiting(conn) if p.message_id in wanted]
    if missing or expired or settled_now:
        with ctx.store.write():
            pending_mail.keep(conn, missing)
            pending_mail.drop(conn, [*expired, *settled_now])
    return wanted, earlier


def _settled(known_thread: bool, message: AddedMessage) -> bool:
    """A message worth reading for its thread or for being the user's own."""
    return known_thread or "SENT" in message.label_ids


def _combined_search(ctx: Context, now: datetime) -> set[str]:
    """Ids of recent mail from any watched employer, or a delivery report (a few searches)."""
    conn = ctx.store.conn
    last = sequences.get_kv(conn, SEARCHED_KEY)
    since = datetime.fromisoformat(last) if last else now
    epoch = int((min(since, now) - SEARCH_OVERLAP).timestamp())
    found: set[str] = set()
    for clause in _combined_clauses(ctx):
        query = f"after:{epoch} -in:drafts {clause}"
        found |= {m for m, _ in ctx.mailbox.search(query, limit=COMBINED_LIMIT)}
    with ctx.store.write():
        sequences.set_kv(conn, SEARCHED_KEY, now.isoformat())
    return found


def _combined_clauses(ctx: Context) -> list[str]:
    """Queries for the employers' senders, ATS mail naming a company, and delivery reports."""
    from agent.core.delivery import report_search
    from agent.core.detect import PUBLIC_MAIL_DOMAINS
    from agent.core.replies import APPLICANT_TRACKING

    senders: dict[str, None] = {}  # in order, each once (a set would reorder the queries)
    companies: dict[str, None] = {}
    for row in sequences.list_interviews(ctx.store.conn, WATCHED):
        for contact in (*row.interview.contacts, row.interview.primary):
            addr = contact.email.strip().lower()
            domain = addr.rpartition("@")[2]
            term = domain if domain and domain not in PUBLIC_MAIL_DOMAINS else addr
            if term:
                senders[term] = None
        phrase = company_phrase(row.interview.company)
        if phrase:
            companies[f'"{phrase}"'] = None
    ats = f"from:({' OR '.join(APPLICANT_TRACKING)})"
    pieces = [report_search()]  # delivery reports from any server, several languages
    pieces += [f"from:({' OR '.join(c)})" for c in _chunks(list(senders), QUERY_CHARS // 2)]
    room = QUERY_CHARS // 2 - len(ats)
    pieces += [f"({ats} ({' OR '.join(c)}))" for c in _chunks(list(companies), room)]
    return ["{" + " ".join(group) + "}" for group in _chunks(pieces, QUERY_CHARS)]


def _chunks(terms: list[str], size: int) -> list[list[str]]:
    """Terms in groups whose joined length stays about `size` characters."""
    out: list[list[str]] = []
    current: list[str] = []
    length = 0
    for term in terms:
        if current and length + len(term) + 4 > size:
            out.append(current)
            current, length = [], 0
        current.append(term)
        length += len(term) + 4
    if current:
        out.append(current)
    return out


def _save_cursor(ctx: Context, history_id: str) -> None:
    """Store the history id only after its changes are applied (no write when unchanged)."""
    if sequences.get_kv(ctx.store.conn, HISTORY_KEY) == history_id:
        return
    with ctx.store.write():
        sequences.set_kv(ctx.store.conn, HISTORY_KEY, history_id)


def _resolve_deleted(ctx: Context, deleted: tuple[str, ...], now: datetime) -> None:
    """A deleted draft message of ours: the draft was edited, sent or thrown away."""
    if not deleted:
        return
    from agent.engine.draft_life import resolve_draft

    gone = set(deleted)
    for row in sequences.steps_in_state(ctx.store.conn, [sequences.StepState.DRAFTED]):
        if row.draft_message_id in gone:
            resolve_draft(ctx, row, now)


def reply_arrived(ctx: Context, row: sequences.InterviewRow, now: datetime) -> bool:
    """The last look before a draft: did an employer message arrive since the last sync?"""
    from agent.engine.apply_message import apply_message

    query = interview_query(row, since=row.interview.start)
    for message_id, _ in ctx.mailbox.search(query, limit=LAST_LOOK_LIMIT):
        if seen(ctx, message_id):
            continue
        meta = ctx.mailbox.metadata(message_id)
        if meta is not None and "DRAFT" not in meta.label_ids:
            apply_message(ctx, meta, now)
    current = sequences.get_interview(ctx.store.conn, row.interview.key)
    return current is None or current.status != InterviewStatus.ACTIVE
