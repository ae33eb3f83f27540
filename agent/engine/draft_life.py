"""Turning a due email step into exactly one Gmail draft per recipient."""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.compose import StepText, compose_draft
from agent.core.errors import AuthError, FollowupError, GoogleRefused, GoogleUnavailable
from agent.core.formats import day_name, moment
from agent.core.headers import UnsafeHeader
from agent.core.interviews import Contact, Interview, PlannedStep
from agent.core.messages import MessageMeta, ThreadRef
from agent.core.model import UNSETTLED, StepName, StepState
from agent.core.ports import DraftRef
from agent.core.replies import recipient_addresses
from agent.engine.context import Context
from agent.engine.keys import (
    SENT_LOOK_LIMIT,
    draft_key,
    find_draft_for,
    find_sent_for,
    message_key,
    row_keys,
    same_key,
)
from agent.engine.sender import sender
from agent.engine.step_rows import sent_days
from agent.store import mail_side, sequences

log = logging.getLogger(__name__)

SETTLED_BY_SENDING = (StepState.SENT, StepState.SENT_BY_USER)


def thread_for(ctx: Context, key: str, contact: str, step: StepName) -> ThreadRef | None:
    """The thread a check-in or reminder answers: the last message the candidate sent them."""
    if step == StepName.THANK_YOU:
        return None
    sent = [s for s in mail_side.sent_messages(ctx.store.conn, key) if s.contact == contact]
    if not sent:
        return None
    last = sent[-1]
    if not last.rfc_message_id:
        return None
    return ThreadRef(
        thread_id=last.thread_id,
        message_id_header=last.rfc_message_id,
        references=last.references,
        subject=last.subject,
    )


def contact_for(interview: Interview, email: str) -> Contact:
    """The interview's contact with this address."""
    for contact in (*interview.contacts, interview.primary):
        if contact.email == email:
            return contact
    return Contact(email=email)


def recover_intent(ctx: Context, row: sequences.StepRow, now: datetime) -> bool:
    """An intent left by an interrupted run: adopt the draft it made, or the message the
    candidate sent from it; True when Gmail has either."""
    if row.state != StepState.INTENT or ctx.dry_run:
        return False
    found = find_draft_for(ctx, row)
    if found is not None:
        _store_draft(ctx, row, found, now, recovered=True)
        return True
    interview = sequences.get_interview(ctx.store.conn, row.interview_key)
    since = interview.interview.start if interview is not None else row.due
    sent = find_sent_for(ctx, row, since)
    if sent is None:
        return False
    record_sent_message(ctx, row, sent)
    mark_sent(ctx, row, sent, now)
    return True


def _made_already(
    ctx: Context, interview: Interview, row: sequences.StepRow, now: datetime
) -> bool:
    """The last look before a create: a draft or a sent message to this recipient that carries
    this row's key and state.db does not know (it was restored from an older copy). Adopted.

    Drafts are listed with drafts.list, which is never behind: Gmail's search index can miss a
    draft made moments ago. Search only rules drafts out (those it indexed, to someone else),
    so a drafts.get is spent on a draft to this recipient or one too new for the index, not on
    each of the candidate's own drafts. A message sent from our draft is found by search, and
    also through history, which a restored state.db replays from its older cursor first.
    """
    if ctx.dry_run or row.state != StepState.PLANNED:
        return False
    found = _fresh_or_theirs(ctx, row)
    if found is not None:
        adopt_draft(ctx, row, found, now)
        return True
    conn = ctx.store.conn
    known = {r.sent_message_id for r in sequences.get_steps(conn, row.interview_key)}
    wanted = row_keys(ctx, row)
    query = f"after:{int(interview.start.timestamp())} in:sent to:({row.recipient})"
    for message_id, _ in ctx.mailbox.search(query, limit=SENT_LOOK_LIMIT):
        if message_id in known or mail_side.message_seen(conn, message_id):
            continue
        meta = ctx.mailbox.metadata(message_id)
        if meta is None or "SENT" not in meta.label_ids or message_key(meta) not in wanted:
            continue
        record_sent_message(ctx, row, meta)
        mark_sent(ctx, row, meta, now)
        return True
    return False


def _fresh_or_theirs(ctx: Context, row: sequences.StepRow) -> DraftRef | None:
    """A draft state.db does not know that carries this row's key, from drafts.list."""
    known = {
        r.draft_id for r in sequences.steps_in_state(ctx.store.conn, list(StepState)) if r.draft_id
    }
    unknown = [d for d in ctx.mailbox.list_drafts() if d.draft_id not in known]
    if not unknown:
        return None
    query = f"in:drafts -to:({row.recipient})"  # indexed drafts to someone else
    others = {m for m, _ in ctx.mailbox.search(query, limit=len(unknown) + len(known) + 1)}
    wanted = row_keys(ctx, row)
    for ref in unknown:
        if ref.message_id not in others and same_key(ctx.mailbox.draft_key(ref.draft_id)) in wanted:
            return ref
    return None


def draft_step(
    ctx: Context, interview: Interview, planned: PlannedStep, row: sequences.StepRow, now: datetime
) -> None:
    """Create the draft for one (step, recipient) row, exactly once."""
    conn = ctx.store.conn
    if recover_intent(ctx, row, now) or _made_already(ctx, interview, row, now):
        return
    text = StepText(
        step=row.step,
        interview=interview,
        to=contact_for(interview, row.recipient),
        sender=sender(ctx, fetch=True),
        content=ctx.settings.content,
        today=now.astimezone(ctx.zone).date(),
        branch=planned.branch,
        follow_up_date=_follow_up_text(planned),
        sent=tuple(sent_days(ctx, row.interview_key, row.recipient).items()),
    )
    thread = thread_for(ctx, row.interview_key, row.recipient, row.step)
    try:
        rendered = compose_draft(text, ctx.templates, key=draft_key(ctx, row), thread=thread)
    except UnsafeHeader as exc:
        with ctx.store.write():
            sequences.update_step(
                conn, row, now, state=StepState.SKIPPED, reason=f"unsafe header: {exc}"
            )
            sequences.journal(conn, now, row.interview_key, "skipped", f"{row.step.value}: {exc}")
        ctx.run.note("skipped", row.interview_key, f"{row.step.value} for {row.recipient}: {exc}")
        return
    if ctx.dry_run:
        ctx.run.note(
            "would-draft",
            row.interview_key,
            f"{row.step.value} to {row.recipient}: {rendered.subject}",
        )
        return
    with ctx.store.write():
        current = sequences.get_step(conn, row.interview_key, row.step, row.recipient)
        if current is None or current.state not in UNSETTLED:
            return
        sequences.update_step(conn, current, now, state=StepState.INTENT, reason="")
    try:
        ref = ctx.mailbox.create_draft(rendered.raw, rendered.thread_id)
    except FollowupError as exc:
        _after_failed_create(ctx, row, exc, now)
        return
    _store_draft(ctx, row, ref, now, recovered=False)


def _follow_up_text(planned: PlannedStep) -> str | None:
    """How a named check-in date reads in a template."""
    if planned.name != StepName.CHECK_IN or planned.branch != "named":
        return None
    return day_name(planned.due)  # due is already in the user's zone


def adopt_draft(ctx: Context, row: sequences.StepRow, ref: DraftRef, now: datetime) -> None:
    """A draft Gmail holds for this row that state.db did not know: the step is drafted."""
    _store_draft(ctx, row, ref, now, recovered=True)


def _store_draft(
    ctx: Context, row: sequences.StepRow, ref: DraftRef, now: datetime, *, recovered: bool
) -> None:
    """Record the created draft's id: the step is done."""
    conn = ctx.store.conn
    how = "found after an interrupted run" if recovered else "created"
    with ctx.store.write():
        current = sequences.get_step(conn, row.interview_key, row.step, row.recipient)
        if current is None:
            return
        sequences.update_step(
            conn,
            current,
            now,
            state=StepState.DRAFTED,
            reason="",
            draft_id=ref.draft_id,
            draft_message_id=ref.message_id,
            thread_id=ref.thread_id,
        )
        sequences.journal(
            conn,
            now,
            row.interview_key,
            "drafted",
            f"{row.step.value} draft for {row.recipient} {how} (draft {ref.draft_id})",
        )
    ctx.run.note("drafted", row.interview_key, f"{row.step.value} for {row.recipient}")


def _after_failed_create(
    ctx: Context, row: sequences.StepRow, error: FollowupError, now: datetime
) -> None:
    """drafts.create failed: find out whether it happened anyway before anything else.

    Only a refusal that cannot change (the request itself is wrong) skips the step; any other
    failure leaves the intent waiting, says why in `status`, and ends the run with its code.
    """
    if isinstance(error, GoogleRefused):
        _settle_refused(ctx, row, error, now)
        return
    if isinstance(error, GoogleUnavailable):
        ctx.run.unknown_drafts = None
        try:
            found = find_draft_for(ctx, row)
        except GoogleUnavailable:
            found = None
        if found is not None:
            _store_draft(ctx, row, found, now, recovered=True)
            return
        log.warning("creating a draft did not finish; the next run will check and retry")
    waiting = "waiting: " + (
        "run `followup auth`" if isinstance(error, AuthError) else "the next run tries again"
    )
    with ctx.store.write():
        current = sequences.get_step(ctx.store.conn, row.interview_key, row.step, row.recipient)
        if current is not None and current.state == StepState.INTENT:
            sequences.update_step(ctx.store.conn, current, now, reason=f"{waiting} ({error})")
    raise error


def _settle_refused(
    ctx: Context, row: sequences.StepRow, error: FollowupError, now: datetime
) -> None:
    """Gmail refused the draft for a reason sending it again cannot change: skip the step."""
    conn = ctx.store.conn
    reason = f"Gmail refused the draft, which cannot change by trying again: {error}"
    with ctx.store.write():
        current = sequences.get_step(conn, row.interview_key, row.step, row.recipient)
        if current is not None:
            sequences.update_step(conn, current, now, state=StepState.SKIPPED, reason=reason)
        sequences.journal(conn, now, row.interview_key, "skipped", f"{row.step.value}: {reason}")
    ctx.run.note("skipped", row.interview_key, f"{row.step.value} for {row.recipient}: {error}")


def mark_sent(ctx: Context, step: sequences.StepRow, meta: MessageMeta, now: datetime) -> None:
    """The candidate sent the agent's draft for this step (its id, thread or key says so)."""
    when = moment(meta.internal_date, ctx.zone)
    _drop_second_copy(ctx, step, now)
    with ctx.store.write():
        current = sequences.get_step(ctx.store.conn, step.interview_key, step.step, step.recipient)
        if current is None or current.state in SETTLED_BY_SENDING:
            return
        sequences.update_step(
            ctx.store.conn,
            current,
            now,
            state=StepState.SENT,
            reason=f"you sent it {when}",
            thread_id=meta.thread_id,
            sent_message_id=meta.id,
        )
        sequences.journal(
            ctx.store.conn,
            now,
            step.interview_key,
            "sent",
            f"{step.step.value} to {step.recipient} sent by you {when}",
        )
    ctx.run.note("sent", step.interview_key, f"{step.step.value} to {step.recipient}")


def _drop_second_copy(ctx: Context, step: sequences.StepRow, now: datetime) -> None:
    """The step was sent from an earlier copy of its draft while the one state.db holds is
    still in Gmail: a state.db lost moments after the candidate sent it, when the search
    that would have found the sent message did not return it yet. That second copy goes."""
    conn = ctx.store.conn
    current = sequences.get_step(conn, step.interview_key, step.step, step.recipient)
    if ctx.dry_run or current is None or current.state != StepState.DRAFTED:
        return
    if not current.draft_id or ctx.mailbox.get_draft(current.draft_id) is None:
        return  # the draft state.db holds is the one that was sent
    ctx.mailbox.delete_draft(current.draft_id)
    with ctx.store.write():
        sequences.journal(
            conn,
            now,
            step.interview_key,
            "removed",
            f"a second draft of {step.step.value} for {step.recipient} (it was already sent)",
        )


def sent_draft_of(
    ctx: Context, steps: list[sequences.StepRow], meta: MessageMeta
) -> sequences.StepRow | None:
    """The step whose draft the candidate sent as this message: the one its key header names,
    else the drafted step of its thread whose draft is gone. None when it is no draft of theirs.
    """
    carried = message_key(meta)
    if carried:
        return next((s for s in steps if carried in row_keys(ctx, s)), None)
    for step in steps:
        ours = step.state == StepState.DRAFTED and step.thread_id == meta.thread_id
        if ours and ctx.mailbox.get_draft(step.draft_id or "") is None:
            return step
    return None


def resolve_draft(ctx: Context, step: sequences.StepRow, now: datetime) -> None:
    """Find out what became of one of our drafts: still there, sent, or deleted."""
    conn = ctx.store.conn
    ref = ctx.mailbox.get_draft(step.draft_id or "")
    if ref is not None:
        if ref.message_id != step.draft_message_id:
            with ctx.store.write():
                sequences.update_step(conn, step, now, draft_message_id=ref.message_id)
        return
    claimed = {s.sent_message_id for s in sequences.get_steps(conn, step.interview_key)}
    for meta in ctx.mailbox.thread_messages(step.thread_id or ""):
        if (
            "SENT" in meta.label_ids
            and step.recipient in recipient_addresses(meta)
            and meta.id not in claimed
        ):
            record_sent_message(ctx, step, meta)
            mark_sent(ctx, step, meta, now)
            return
    with ctx.store.write():
        current = sequences.get_step(conn, step.interview_key, step.step, step.recipient)
        if current is None or current.state != StepState.DRAFTED:
            return
        sequences.update_step(
            conn,
            current,
            now,
            state=StepState.DISMISSED,
            reason="you deleted the draft without sending it",
        )
        sequences.journal(
            conn,
            now,
            step.interview_key,
            "dismissed",
            f"{step.step.value} draft for {step.recipient} deleted by you; not made again",
        )
    ctx.run.note("dismissed", step.interview_key, f"{step.step.value} for {step.recipient}")


def record_sent_message(ctx: Context, step: sequences.StepRow, meta: MessageMeta) -> None:
    """Remember a sent draft as the thread later steps answer."""
    with ctx.store.write():
        mail_side.record_sent(
            ctx.store.conn,
            mail_side.SentRow(
                step.interview_key,
                step.recipient,
                meta.id,
                meta.thread_id,
                meta.header("Message-ID"),
                meta.header("Subject"),
                meta.header("References"),
                meta.internal_date,
            ),
        )
