"""A draft's whole life: made exactly once, recognised by its key, followed until sent or deleted.

Every draft followup makes carries an opaque key of its (interview, step, recipient) row in an
`X-Followup-Key` header, and so does the message the candidate sends from it. Before a draft
is made, an intent row is committed; after it, the draft's id. Whatever interrupts that (a
kill, a lost answer, a state.db deleted or restored from an older copy), Gmail's drafts and
sent mail to that recipient are looked through for the key before anything is made again.
Looking is by recipient, so it costs what the interview's contacts cost, never the mailbox.
"""

from __future__ import annotations

import logging

from agent.core.compose import compose_draft
from agent.core.errors import AuthError, FollowupError, GoogleRefused, GoogleUnavailable
from agent.core.formats import moment
from agent.core.headers import UnsafeHeader
from agent.core.interviews import PlannedStep
from agent.core.messages import MessageMeta
from agent.core.model import EMAIL_STEPS, KEY_HEADER, UNSETTLED, StepState
from agent.core.ports import Draft, MailQuery
from agent.core.replies import recipient_addresses
from agent.engine.wording import draft_key, step_text, thread_for
from agent.engine.work import Pass, Sequence
from agent.store import mail, sequences
from agent.store.sequences import StepRow

log = logging.getLogger(__name__)

SENT_LOOK_LIMIT = 50  # sent messages looked at per search for a key
ADOPTABLE = (StepState.PLANNED, StepState.INTENT, StepState.SKIPPED)
SETTLED_BY_SENDING = (StepState.SENT, StepState.SENT_BY_USER)


def row_key(p: Pass, row: StepRow) -> str:
    """The key this row's draft carries."""
    return draft_key(p, row.interview_key, row.step, row.recipient)


def message_key(meta: MessageMeta) -> str:
    """The key header a message carries ('' for none), folding whitespace dropped."""
    return "".join(meta.header(KEY_HEADER).split())


# --- what Gmail already holds --------------------------------------------------------------------


def unknown_drafts(p: Pass, recipients: tuple[str, ...]) -> dict[str, Draft]:
    """Drafts to these people that state.db does not know, by the key they carry (read once
    per pass; a draft is read only when it may be to them)."""
    listed: dict[tuple[str, ...], list[Draft]] = p.cache.setdefault("drafts_to", {})
    read: dict[str, Draft] = p.cache.setdefault("draft_reads", {})
    wanted = tuple(sorted(set(recipients)))
    if wanted not in listed:
        listed[wanted] = p.mailbox.drafts_to(wanted)
    known = sequences.known_draft_ids(p.conn)
    found: dict[str, Draft] = {}
    for ref in listed[wanted]:
        if ref.draft_id in known:
            continue
        if ref.draft_id not in read or read[ref.draft_id].message_id != ref.message_id:
            draft = p.mailbox.draft(ref.draft_id)
            if draft is None:
                continue
            read[ref.draft_id] = draft
        draft = read[ref.draft_id]
        if draft.key:
            found.setdefault("".join(draft.key.split()), draft)
    return found


def forget_listings(p: Pass) -> None:
    """A draft was made or its making is in doubt: list drafts afresh."""
    p.cache.pop("drafts_to", None)


def sent_with_keys(seq: Sequence, recipients: tuple[str, ...]) -> list[MessageMeta]:
    """Mail sent to these people since the interview began that carries a key header (mail
    already applied is not read again: applying it settled the step its key names)."""
    p = seq.p
    query = MailQuery(since=seq.interview.start, sent_to=recipients, limit=SENT_LOOK_LIMIT)
    known = {r.sent_message_id for r in seq.steps}
    found = []
    for ref in p.mailbox.find(query):
        if ref.message_id in known or mail.seen_at(p.conn, ref.message_id) is not None:
            continue
        meta = p.mailbox.message(ref.message_id)
        if meta is not None and "SENT" in meta.label_ids and message_key(meta):
            found.append(meta)
    return found


def take_over(seq: Sequence, rows: list[StepRow]) -> bool:
    """Adopt what Gmail holds for these rows: a draft carrying a row's key becomes its draft,
    a sent message carrying it settles the row. True when anything was adopted."""
    if seq.p.dry_run or not rows:
        return False
    by_key = {row_key(seq.p, r): r for r in rows}
    recipients = tuple(sorted({r.recipient for r in rows}))
    adopted = False
    for key, draft in unknown_drafts(seq.p, recipients).items():
        row = seq.current(by_key[key]) if key in by_key else None
        if row is not None and row.state in ADOPTABLE:
            log.info("adopting draft %s for %s %s", draft.draft_id, row.step.value, row.recipient)
            _store_draft(seq, row, draft, "found after an interrupted run")
            adopted = True
    for meta in sent_with_keys(seq, recipients):
        row = by_key.get(message_key(meta))
        if row is not None:
            mark_sent(seq, row, meta)
            adopted = True
    return adopted


def adopt_existing(seq: Sequence) -> None:
    """Once per interview and state.db, when its first email step has come: adopt the drafts
    and sent mail carrying its keys (state.db may be new while Gmail is not)."""
    if seq.p.dry_run or seq.row.keys_checked_at is not None:
        return
    rows = [r for r in seq.steps if r.step in EMAIL_STEPS]
    if not rows or min(r.due for r in rows) > seq.p.now:
        return  # nothing of it can have been drafted yet
    if any(r.state in ADOPTABLE for r in rows):
        take_over(seq, rows)
    seq.mark("keys_checked_at", seq.p.now)


# --- making one ---------------------------------------------------------------------------------


def create(seq: Sequence, planned: PlannedStep, row: StepRow) -> None:
    """Make the draft of one (step, recipient) row, exactly once."""
    p = seq.p
    if row.state in UNSETTLED and take_over(seq, [row]):  # made by an interrupted pass
        return
    if not p.dry_run:
        p.refresh_account()  # the name, signature and From address drafts carry, as they are now
    today = p.now.astimezone(p.zone).date()
    try:
        rendered = compose_draft(
            step_text(seq, planned, seq.contact(row.recipient), today),
            p.session.templates,
            key=row_key(p, row),
            thread=thread_for(seq, row.recipient, row.step),
        )
    except UnsafeHeader as exc:
        seq.move(row, StepState.SKIPPED, f"unsafe header: {exc}",
                 tell=("skipped", f"{row.step.value}: {exc}"),
                 note=f"{row.step.value} for {row.recipient}: {exc}")
        return
    if p.dry_run:
        p.note("would-draft", seq.key, f"{row.step.value} to {row.recipient}: {rendered.subject}")
        return
    current = seq.current(row)
    if current is None or current.state not in UNSETTLED:
        return
    row = seq.move(current, StepState.INTENT, "")
    try:
        draft = p.mailbox.create_draft(rendered.raw, rendered.thread_id)
    except FollowupError as exc:
        _after_failed_create(seq, row, exc)
        return
    forget_listings(p)
    _store_draft(seq, row, draft, "created")


def _store_draft(seq: Sequence, row: StepRow, draft: Draft, how: str) -> None:
    """Record the draft's id: the step is drafted."""
    seq.move(
        row, StepState.DRAFTED, "", draft_id=draft.draft_id,
        draft_message_id=draft.message_id, thread_id=draft.thread_id,
        tell=("drafted", f"{row.step.value} draft for {row.recipient} {how} "
                         f"(draft {draft.draft_id})"),
        note=f"{row.step.value} for {row.recipient}",
    )


def _after_failed_create(seq: Sequence, row: StepRow, error: FollowupError) -> None:
    """drafts.create failed: find out whether it happened anyway before anything else.

    Only a refusal that cannot change (the request itself is wrong) skips the step; any other
    failure leaves the intent waiting, says why in `status`, and ends the pass with its code.
    """
    if isinstance(error, GoogleRefused):
        reason = f"Gmail refused the draft, which cannot change by trying again: {error}"
        seq.move(row, StepState.SKIPPED, reason, tell=("skipped", f"{row.step.value}: {reason}"))
        return
    if isinstance(error, GoogleUnavailable):
        forget_listings(seq.p)
        try:
            if take_over(seq, [row]):
                return
        except GoogleUnavailable:
            pass
        log.warning("creating a draft did not finish; the next run will check and retry")
    waiting = "run `followup auth`" if isinstance(error, AuthError) else "the next run tries again"
    current = seq.current(row)
    if current is not None and current.state == StepState.INTENT:
        seq.move(current, reason=f"waiting: {waiting} ({error})")
    raise error


# --- what became of one ---------------------------------------------------------------------------


def mark_sent(seq: Sequence, row: StepRow, meta: MessageMeta) -> None:
    """The candidate sent the draft of this step (its id, thread or key says so)."""
    seq.record_sent(row.recipient, meta)
    _drop_second_copy(seq, row)
    current = seq.current(row)
    if current is None or current.state in SETTLED_BY_SENDING:
        return
    when = moment(meta.internal_date, seq.p.zone)
    seq.move(
        current, StepState.SENT, f"you sent it {when}", thread_id=meta.thread_id,
        sent_message_id=meta.id,
        tell=("sent", f"{row.step.value} to {row.recipient} sent by you {when}"),
        note=f"{row.step.value} to {row.recipient}",
    )


def _drop_second_copy(seq: Sequence, row: StepRow) -> None:
    """The step was sent from an earlier copy of its draft while the one state.db holds is
    still in Gmail (state.db lost moments after the send, the search behind): that copy goes."""
    current = seq.current(row)
    if seq.p.dry_run or current is None or current.state != StepState.DRAFTED:
        return
    if not current.draft_id or seq.p.mailbox.draft(current.draft_id) is None:
        return  # the draft state.db holds is the one that was sent
    seq.p.mailbox.delete_draft(current.draft_id)
    seq.tell("removed", f"a second draft of {row.step.value} for {row.recipient} "
                        "(it was already sent)")


def sent_draft_of(seq: Sequence, meta: MessageMeta, recipient: str) -> StepRow | None:
    """The step whose draft the candidate sent as this message: the one its key names, else
    the drafted step to this recipient in its thread whose draft is gone."""
    rows = seq.rows(recipient=recipient)
    carried = message_key(meta)
    if carried:
        return next((r for r in rows if row_key(seq.p, r) == carried), None)
    for row in rows:
        ours = row.state == StepState.DRAFTED and row.thread_id == meta.thread_id
        if ours and seq.p.mailbox.draft(row.draft_id or "") is None:
            return row
    return None


def resolve(seq: Sequence, row: StepRow) -> None:
    """Find out what became of one of our drafts: still there, edited under a new id, sent, or
    deleted. A draft that vanished is looked for (by key, or in its thread to its recipient)
    before it counts as deleted."""
    p = seq.p
    draft = p.mailbox.draft(row.draft_id or "")
    if draft is not None:
        if draft.message_id != row.draft_message_id:
            seq.move(row, draft_message_id=draft.message_id)
        return
    replaced = _replacement(seq, row)
    if replaced is not None:
        seq.move(row, draft_id=replaced.draft_id, draft_message_id=replaced.message_id,
                 thread_id=replaced.thread_id,
                 tell=("edited", f"{row.step.value} draft for {row.recipient} edited in Gmail "
                                 f"(now draft {replaced.draft_id})"))
        return
    claimed = {r.sent_message_id for r in seq.steps}
    for meta in p.mailbox.thread(row.thread_id or ""):
        if "SENT" in meta.label_ids and row.recipient in recipient_addresses(meta) and (
            meta.id not in claimed
        ):
            mark_sent(seq, row, meta)
            return
    current = seq.current(row)
    if current is None or current.state != StepState.DRAFTED:
        return
    seq.move(
        current, StepState.DISMISSED, "you deleted the draft without sending it",
        tell=("dismissed", f"{row.step.value} draft for {row.recipient} deleted by you; "
                           "not made again"),
        note=f"{row.step.value} for {row.recipient}",
    )


def _replacement(seq: Sequence, row: StepRow) -> Draft | None:
    """A draft state.db does not know that took this one's place: it carries the row's key,
    or (Gmail's web app may drop the header when it saves) it is to the same recipient in the
    same thread and carries no key."""
    forget_listings(seq.p)
    found = unknown_drafts(seq.p, (row.recipient,))
    if row_key(seq.p, row) in found:
        return found[row_key(seq.p, row)]
    read: dict[str, Draft] = seq.p.cache.get("draft_reads", {})
    known = sequences.known_draft_ids(seq.p.conn)
    for draft in read.values():
        if draft.draft_id in known or draft.key or draft.thread_id != row.thread_id:
            continue
        if row.recipient in draft.to:
            return draft
    return None


def remove_unsent(seq: Sequence, reason: str, *, remove: bool) -> int:
    """After a stop: settle half-made drafts, and delete the unsent ones when asked; returns how
    many were removed."""
    p = seq.p
    removed = 0
    for row in list(seq.steps):
        if row.state == StepState.INTENT:
            found = None if p.dry_run else unknown_drafts(p, (row.recipient,)).get(row_key(p, row))
            if found is None:
                seq.move(row, StepState.STOPPED, reason)
                continue
            row = seq.move(row, StepState.DRAFTED, draft_id=found.draft_id,
                           draft_message_id=found.message_id, thread_id=found.thread_id)
        elif row.state != StepState.DRAFTED:
            continue
        if not remove or row.draft_id is None:
            continue
        if p.dry_run:
            p.note("would-remove", seq.key, f"{row.step.value} draft for {row.recipient}")
            continue
        if not p.mailbox.delete_draft(row.draft_id):
            resolve(seq, row)  # gone already: the candidate sent or discarded it
            continue
        detail = f"{row.step.value} draft for {row.recipient} removed ({reason})"
        seq.move(row, StepState.STOPPED, f"unsent draft removed: {reason}",
                 tell=("removed", detail))
        removed += 1
    return removed
