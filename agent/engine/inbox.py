"""Watching the inbox: its changes since the stored cursor, and a search per interview after a gap.

A change names a message's thread and labels. A message is read only when it is in a thread a
sequence knows, was sent by the candidate, or is among what one combined search for the
employers' mail and delivery reports finds; the rest is skipped without a read. Search lags
behind the inbox, so a message the search did not return is kept and looked for again by the
next passes (`INDEX_LAG`); a finished full sync is followed by one more search once the index
has caught up. The cursor moves only past changes that are applied; a pass that may not read
more keeps what it did, and the next goes on from there.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from agent.core.messages import MessageMeta
from agent.core.model import WATCHED, StepState, domain_of
from agent.core.ports import CursorExpired, MailChanges, MailQuery, MessageRef
from agent.engine import drafts, messages
from agent.engine.work import Pass, Sequence
from agent.store import kv, mail, sequences
from agent.store.sequences import StepRow

log = logging.getLogger(__name__)

# Gmail's search index is eventually consistent: a message history already names can be missing
# from search for seconds to minutes. One the combined search did not return is looked for
# again by the next passes' searches until it has been in the mailbox this long; after that it
# is taken for mail of no interview (it is never read).
INDEX_LAG = timedelta(minutes=30)
SEARCH_OVERLAP = timedelta(days=1)  # the combined search looks this far before the last one
SEARCH_LIMIT = 500


def sync_inbox(p: Pass) -> set[str]:
    """Apply what reached the mailbox since the stored cursor, moving the cursor as it goes;
    returns the interviews whose mail is not searched yet (their drafts wait for it)."""
    cursor = kv.inbox_cursor(p.conn)
    if cursor is None or kv.full_sync(p.conn) is not None:
        _full_sync(p, first=cursor is None)
    else:
        try:
            done = _follow_changes(p, cursor)
        except CursorExpired:
            log.info("the inbox cursor %s expired; searching for replies per interview", cursor)
            _full_sync(p, first=False)
        else:
            if done and _recheck(p):
                _catch_up(p)
    waiting = {s.key for s in _found_late(p)}
    if kv.full_sync(p.conn) is not None:
        waiting |= {s.key for s in p.watched() if s.row.searched_at is None}
    return waiting


# --- following the changes ------------------------------------------------------------------------


def _follow_changes(p: Pass, cursor: str) -> bool:
    """Apply the changes since the cursor page by page; False when reading had to stop."""
    pages = list(p.mailbox.changes(cursor))
    if not sequences.keys_with_status(p.conn, WATCHED):  # nothing decoded for an idle pass
        for page in pages:
            _resolve_deleted(p, page.deleted)
        with p.write():
            mail.drop_pending(p.conn)  # nothing is watched: none of it can matter
        _save_cursor(p, pages)
        return True
    wanted, earlier = _worth_reading(p, pages)
    for done, message_id in enumerate(earlier):  # arrived before these changes, found only now
        if not _read(p, message_id):
            with p.write():  # found: kept past the window until it is read
                mail.renew_pending(p.conn, earlier[done:], p.now)
            return False
        with p.write():
            mail.drop_pending(p.conn, [message_id])
    for index, page in enumerate(pages):
        for ref in page.added:
            if ref.message_id in wanted and not _read(p, ref.message_id):
                return False
        _resolve_deleted(p, page.deleted)
        _save_cursor(p, pages[: index + 1])
    return True


def _save_cursor(p: Pass, applied: list[MailChanges]) -> None:
    """Move the cursor to the last position the applied pages name (a page without records
    names none: the cursor stays behind it)."""
    cursor = next((page.cursor for page in reversed(applied) if page.cursor), None)
    if cursor is not None:
        with p.write():
            kv.set_inbox_cursor(p.conn, cursor)


def _read(p: Pass, message_id: str, *, only: frozenset[str] | None = None) -> bool:
    """Read and apply one message not applied yet; False (nothing read) when reading must stop."""
    if mail.seen_at(p.conn, message_id) is not None:
        return True
    if not p.mailbox.can_read_more():
        log.info("inbox reading paused to keep this pass's allowance for drafts; the next goes on")
        return False
    messages.read_and_apply(p, message_id, only=only)
    return True


def _worth_reading(p: Pass, pages: list[MailChanges]) -> tuple[set[str], list[str]]:
    """Ids of the added messages that can matter (known thread, sent by the candidate, or
    found by the combined search), and the ids kept from earlier passes found now."""
    kept = mail.pending(p.conn)
    if not kept and not any(page.added for page in pages):
        return set(), []  # nothing new: the index of every watched interview is not built
    index = messages.mail_index(p)
    wanted: set[str] = set()
    open_ones: dict[str, MessageRef] = {}
    for page in pages:
        for ref in page.added:
            if "DRAFT" in ref.label_ids:
                continue
            if index.has_thread(ref.thread_id) or "SENT" in ref.label_ids:
                wanted.add(ref.message_id)
            else:
                open_ones[ref.message_id] = ref
    kept = [k for k in kept if k.message_id not in open_ones and k.message_id not in wanted]
    found = _combined_search(p) if open_ones or kept else set()
    wanted |= open_ones.keys() & found
    earlier = [k.message_id for k in kept if k.message_id in found or index.has_thread(k.thread_id)]
    expired = [  # this search was the last look: it ran after the window (passes can be far apart)
        k.message_id for k in kept
        if k.message_id not in earlier and k.first_seen <= p.now - INDEX_LAG
    ]
    missing = [
        mail.Pending(m.message_id, m.thread_id, p.now)
        for m in open_ones.values() if m.message_id not in found
    ]
    settled = [k.message_id for k in mail.pending(p.conn) if k.message_id in wanted]
    if missing or expired or settled:
        with p.write():
            mail.keep_pending(p.conn, missing)
            mail.drop_pending(p.conn, [*expired, *settled])
    return wanted, earlier


def everyones_mail(p: Pass, since: datetime, *, sent_too: bool = False) -> MailQuery:
    """One query for every watched employer's mail, the delivery reports, and (with `sent_too`)
    what the candidate wrote to the contacts."""
    each = [messages.employer_query(seq, since) for seq in p.watched()]
    domains = tuple(dict.fromkeys(d for q in each for d in q.from_domains))
    people = tuple(dict.fromkeys(a.strip().lower() for q in each for a in q.from_addresses))
    return MailQuery(
        since=since, from_addresses=tuple(a for a in people if domain_of(a) not in domains),
        from_domains=domains, companies=tuple(dict.fromkeys(c for q in each for c in q.companies)),
        delivery_reports=True, sent_to=people if sent_too else (), limit=SEARCH_LIMIT,
    )


def _combined_search(p: Pass) -> set[str]:
    """Ids of recent mail from any watched employer, or a delivery report."""
    last = kv.searched_at(p.conn) or p.now
    query = everyones_mail(p, min(last, p.now) - SEARCH_OVERLAP)
    found = {r.message_id for r in p.mailbox.find(query)}
    with p.write():
        kv.set_searched_at(p.conn, p.now)
    return found


def _resolve_deleted(p: Pass, deleted: tuple[str, ...]) -> None:
    """A deleted draft message of ours: the draft was edited, sent or thrown away."""
    gone = set(deleted)
    for seq, row in _drafted(p) if gone else []:
        if row.draft_message_id in gone:
            drafts.resolve(seq, row)


def _drafted(p: Pass) -> list[tuple[Sequence, StepRow]]:
    """Every step whose draft waits in Gmail, whatever its sequence's status."""
    keys = sorted({r.interview_key for r in sequences.steps_in_state(p.conn, [StepState.DRAFTED])})
    found = [s for s in map(p.sequence, keys) if s is not None]
    return [(s, r) for s in found for r in s.rows(states=(StepState.DRAFTED,))]


# --- a search per interview ----------------------------------------------------------------------


def _full_sync(p: Pass, *, first: bool) -> None:
    """Start or go on with a search per interview; at its end store the cursor taken at its
    start. Progress is kept per interview, so a pass that must stop loses nothing."""
    state = kv.full_sync(p.conn)
    if state is None:
        state = kv.FullSync(first=first, target=p.refresh_account().cursor, started=p.now)
        with p.write():
            kv.set_full_sync(p.conn, state)
    begun = [s for s in p.watched() if s.interview.start <= p.now]
    for seq in sorted(begun, key=lambda s: s.interview.start, reverse=True):  # recent ones first
        if seq.row.searched_at is not None:
            continue
        if not p.mailbox.can_read_more():
            log.info("the inbox search paused to keep this pass's allowance for drafts")
            return
        for meta in _gather(seq, lambda message_id: mail.seen_at(p.conn, message_id) is None):
            messages.apply(p, meta)
        seq.mark("searched_at", p.now)
    if begun and not state.reports_done:
        if not p.mailbox.can_read_more():
            return
        since = min(s.interview.start for s in begun)
        reports = p.mailbox.find(MailQuery(since=since, delivery_reports=True, limit=SEARCH_LIMIT))
        fresh = [r.message_id for r in reports if mail.seen_at(p.conn, r.message_id) is None]
        for meta in sorted(_metas(p, fresh), key=lambda m: (m.internal_date, m.id)):
            messages.apply(p, meta)
        state = dataclasses.replace(state, reports_done=True)
        with p.write():
            kv.set_full_sync(p.conn, state)
    for seq, row in _drafted(p):
        drafts.resolve(seq, row)
    if state.first:
        _mark_caught_up(p, _found_late(p))  # nothing was applied before: all of it is covered
    elif not _catch_up(p):
        return
    with p.write():
        kv.set_inbox_cursor(p.conn, state.target)
        kv.set_full_sync(p.conn, None)
        kv.set_recheck(p.conn, (p.now + INDEX_LAG, state.started))
        for seq in p.watched():
            if seq.row.searched_at is not None:
                seq.mark("searched_at", None)


def _recheck(p: Pass) -> bool:
    """Once the index has caught up with a finished full sync, search again for the mail that
    reached the mailbox shortly before its searches; apply what was not applied yet. False when
    reading had to stop (the next pass goes on)."""
    planned = kv.recheck(p.conn)
    if planned is None or planned[0] > p.now:
        return True
    started = planned[1]
    if any(s.interview.start <= started for s in p.watched()):  # else nothing was searched
        query = everyones_mail(p, started - INDEX_LAG, sent_too=True)
        found = {r.message_id for r in p.mailbox.find(query)}
        for message_id in sorted(found, key=lambda m: (len(m), m)):  # ids grow: oldest first
            if not _read(p, message_id):
                return False
    with p.write():
        kv.set_recheck(p.conn, None)
    return True


def _found_late(p: Pass) -> list[Sequence]:
    """Watched interviews first seen after they began whose mail since then is not applied."""
    found = map(p.sequence, sequences.found_late(p.conn, WATCHED))
    return sorted((s for s in found if s is not None), key=lambda s: (s.interview.start, s.key))


def _catch_up(p: Pass) -> bool:
    """Interviews found after they began: apply to them, once, the mail since their start
    (applied before the agent knew them, or never). False when reading had to stop."""
    for seq in _found_late(p):
        if not p.mailbox.can_read_more():
            log.info("the inbox catch-up paused to keep this pass's allowance for drafts")
            return False
        found_at = seq.row.first_seen

        def not_applied_since(message_id: str, moment: datetime = found_at) -> bool:
            seen = mail.seen_at(p.conn, message_id)
            return seen is None or seen < moment

        only = frozenset({seq.key})
        for meta in _gather(seq, not_applied_since):
            messages.apply(p, meta, only=only)
        _mark_caught_up(p, [seq])
    return True


def _mark_caught_up(p: Pass, late: list[Sequence]) -> None:
    """Remember that these interviews' mail since their start is applied."""
    with p.write():
        for seq in late:
            seq.mark("caught_up_at", p.now)


def _gather(seq: Sequence, wanted: Callable[[str], bool]) -> list[MessageMeta]:
    """The wanted messages since an interview began (from its people, to them, in its threads),
    drafts left out, oldest first (so the first reply is the one that stops)."""
    p = seq.p
    since = seq.interview.start
    refs = p.mailbox.find(messages.employer_query(seq, since))
    contacts = tuple(sorted({c.email for c in seq.interview.contacts if c.email}))
    if contacts:
        refs += p.mailbox.find(MailQuery(since=since, sent_to=contacts, limit=SEARCH_LIMIT))
    ids = [r.message_id for r in refs if wanted(r.message_id)]
    found = {m.id: m for m in _metas(p, list(dict.fromkeys(ids)))}
    for thread_id in sorted(seq.threads()):
        for meta in p.mailbox.thread(thread_id):
            if "DRAFT" not in meta.label_ids and wanted(meta.id):
                found.setdefault(meta.id, meta)
    return sorted(found.values(), key=lambda m: (m.internal_date, m.id))


def _metas(p: Pass, message_ids: list[str]) -> list[MessageMeta]:
    """The messages (drafts left out), each read once per pass."""
    read: dict[str, MessageMeta | None] = p.cache.setdefault("messages_read", {})
    out = []
    for message_id in message_ids:
        if message_id not in read:
            read[message_id] = p.mailbox.message(message_id)
        meta = read[message_id]
        if meta is not None and "DRAFT" not in meta.label_ids:
            out.append(meta)
    return out
