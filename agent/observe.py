"""Applying one observed message or draft change to the sequences it concerns."""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import getaddresses

from agent import mailstate, state
from agent.context import Context
from agent.model import (
    EMAIL_STEPS,
    InterviewStatus,
    MessageKind,
    MessageMeta,
    StepState,
)
from agent.replies import classify
from agent.sequence import stop_sequence
from agent.text import printable

log = logging.getLogger(__name__)

WATCHED = (InterviewStatus.ACTIVE, InterviewStatus.PAUSED)
UNSENT = (StepState.PLANNED, StepState.DRAFTED)


def _addresses(meta: MessageMeta) -> set[str]:
    """Every address in To and Cc (quoted display names may hold commas: "Doe, Jane")."""
    pairs = getaddresses([meta.header("To"), meta.header("Cc")])
    return {addr.strip().lower() for _, addr in pairs if "@" in addr}


def apply_message(
    ctx: Context, meta: MessageMeta, now: datetime, *, only: frozenset[str] | None = None
) -> None:
    """Classify a new message against every watched sequence (or `only` those) and apply it."""
    conn = ctx.store.conn
    for row in state.list_interviews(conn, WATCHED):
        key = row.interview.key
        if only is not None and key not in only:
            continue
        steps = state.get_steps(conn, key)
        sent = mailstate.sent_messages(conn, key)
        threads = frozenset(s.thread_id for s in steps if s.thread_id) | frozenset(
            s.thread_id for s in sent
        )
        ids = frozenset(s.rfc_message_id for s in sent if s.rfc_message_id)
        verdict = classify(
            meta,
            row.interview,
            user_email=ctx.user_email,
            sequence_thread_ids=threads,
            sequence_message_ids=ids,
        )
        if verdict.kind == MessageKind.OWN:
            _own_message(ctx, row, meta, now)
        elif verdict.kind == MessageKind.EMPLOYER_REPLY:
            sender = meta.header("From") or "the employer"
            when = meta.internal_date.astimezone(ctx.zone).strftime("%a %Y-%m-%d %H:%M")
            stop_sequence(
                ctx,
                key,
                InterviewStatus.REPLIED,
                f"{printable(sender, 200)} replied {when} ({verdict.reason})",
                now,
                remove_drafts=ctx.settings.replies.delete_drafts_on_reply,
            )
        elif verdict.kind == MessageKind.AUTO_REPLY:
            _auto_reply(ctx, row, verdict.return_date, meta, now)
        elif verdict.kind == MessageKind.BOUNCE:
            _bounce(ctx, row, verdict.bounced_address or "", now)
    with ctx.store.write():
        mailstate.mark_seen(conn, meta.id, now)


def _own_message(ctx: Context, row: state.InterviewRow, meta: MessageMeta, now: datetime) -> None:
    """The candidate wrote to a contact: an agent draft was sent, or they wrote their own."""
    if "SENT" not in meta.label_ids or meta.internal_date < row.interview.start:
        return
    conn = ctx.store.conn
    key = row.interview.key
    _ensure_rows(ctx, row, now)
    contacts = {c.email for c in (*row.interview.contacts, row.interview.primary)}
    for contact in sorted(_addresses(meta) & contacts):
        with ctx.store.write():
            mailstate.record_sent(
                conn,
                mailstate.SentRow(
                    key,
                    contact,
                    meta.id,
                    meta.thread_id,
                    meta.header("Message-ID"),
                    meta.header("Subject"),
                    meta.header("References"),
                    meta.internal_date,
                ),
            )
        steps = [s for s in state.get_steps(conn, key) if s.recipient == contact]
        for step in steps:
            ours = step.state == StepState.DRAFTED and step.thread_id == meta.thread_id
            if ours and ctx.gmail.get_draft(step.draft_id or "") is None:
                _mark_sent(ctx, step, meta, now)
                break
        else:
            written = step_written(steps, meta.internal_date)
            if written is not None:
                when = meta.internal_date.astimezone(ctx.zone).strftime("%a %Y-%m-%d %H:%M")
                reason = f"you wrote to {contact} yourself on {when}"
                with ctx.store.write():
                    state.update_step(
                        conn,
                        written,
                        now,
                        state=StepState.SENT_BY_USER,
                        reason=reason,
                        thread_id=meta.thread_id,
                        sent_message_id=meta.id,
                    )
                    for earlier in steps[: steps.index(written)]:
                        if earlier.step in EMAIL_STEPS and earlier.state == StepState.PLANNED:
                            skipped = f"{reason}, for the {written.step.value}"
                            state.update_step(
                                conn, earlier, now, state=StepState.SKIPPED, reason=skipped
                            )
                    state.journal(conn, now, key, "sent_by_user", f"{written.step.value}: {reason}")
                ctx.run.note("sent_by_user", key, f"{written.step.value}: {reason}")


def _ensure_rows(ctx: Context, row: state.InterviewRow, now: datetime) -> None:
    """An interview found in this very run has no step rows yet: plan them before matching."""
    from agent.due import plan_for, sync_rows  # due imports the inbox, which imports this

    if not state.get_steps(ctx.store.conn, row.interview.key):
        sync_rows(ctx, row, plan_for(ctx, row), now)


def step_written(steps: list[state.StepRow], sent_at: datetime) -> state.StepRow | None:
    """The email step an own message stands for: the last one due by then, else the next one.

    A step already drafted but not sent counts: the candidate wrote their own instead.
    """
    open_steps = [s for s in steps if s.step in EMAIL_STEPS and s.state in UNSENT]
    due = [s for s in open_steps if s.due <= sent_at]
    return due[-1] if due else next(iter(open_steps), None)


def _mark_sent(ctx: Context, step: state.StepRow, meta: MessageMeta, now: datetime) -> None:
    """The candidate sent the agent's draft."""
    when = meta.internal_date.astimezone(ctx.zone).strftime("%a %Y-%m-%d %H:%M")
    with ctx.store.write():
        current = state.get_step(ctx.store.conn, step.interview_key, step.step, step.recipient)
        if current is None or current.state != StepState.DRAFTED:
            return
        state.update_step(
            ctx.store.conn,
            current,
            now,
            state=StepState.SENT,
            reason=f"you sent it {when}",
            thread_id=meta.thread_id,
            sent_message_id=meta.id,
        )
        state.journal(
            ctx.store.conn,
            now,
            step.interview_key,
            "sent",
            f"{step.step.value} to {step.recipient} sent by you {when}",
        )
    ctx.run.note("sent", step.interview_key, f"{step.step.value} to {step.recipient}")


def resolve_draft(ctx: Context, step: state.StepRow, now: datetime) -> None:
    """Find out what became of one of our drafts: still there, sent, or deleted."""
    conn = ctx.store.conn
    ref = ctx.gmail.get_draft(step.draft_id or "")
    if ref is not None:
        if ref.message_id != step.draft_message_id:
            with ctx.store.write():
                state.update_step(conn, step, now, draft_message_id=ref.message_id)
        return
    claimed = {s.sent_message_id for s in state.get_steps(conn, step.interview_key)}
    for meta in ctx.gmail.thread_messages(step.thread_id or ""):
        if (
            "SENT" in meta.label_ids
            and step.recipient in _addresses(meta)
            and meta.id not in claimed
        ):
            _own_message_record(ctx, step, meta)
            _mark_sent(ctx, step, meta, now)
            return
    with ctx.store.write():
        current = state.get_step(conn, step.interview_key, step.step, step.recipient)
        if current is None or current.state != StepState.DRAFTED:
            return
        state.update_step(
            conn,
            current,
            now,
            state=StepState.DISMISSED,
            reason="you deleted the draft without sending it",
        )
        state.journal(
            conn,
            now,
            step.interview_key,
            "dismissed",
            f"{step.step.value} draft for {step.recipient} deleted by you; not made again",
        )
    ctx.run.note("dismissed", step.interview_key, f"{step.step.value} for {step.recipient}")


def _own_message_record(ctx: Context, step: state.StepRow, meta: MessageMeta) -> None:
    """Remember a sent draft as the thread later steps answer."""
    with ctx.store.write():
        mailstate.record_sent(
            ctx.store.conn,
            mailstate.SentRow(
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


def _auto_reply(
    ctx: Context, row: state.InterviewRow, back: object, meta: MessageMeta, now: datetime
) -> None:
    """Out of office: a return date holds the next step until the business day after it."""
    key = row.interview.key
    sender = printable(meta.header("From"), 200)
    if back is None:
        detail = f"automatic reply from {sender} ignored (no return date)"
    else:
        day = str(back)
        if row.delay_until and row.delay_until >= day:
            return
        with ctx.store.write():
            state.set_delay_until(ctx.store.conn, key, day)
        detail = f"{sender} is away until {day}; the next step waits until the next business day"
    with ctx.store.write():
        state.journal(ctx.store.conn, now, key, "auto_reply", detail)
    ctx.run.note("auto_reply", key, detail)


def _bounce(ctx: Context, row: state.InterviewRow, address: str, now: datetime) -> None:
    """A follow-up bounced: pause the sequence and say which address."""
    key = row.interview.key
    if row.status != InterviewStatus.ACTIVE:
        return
    reason = f"{address or 'a follow-up'} bounced; check the address, then `followup resume`"
    with ctx.store.write():
        state.set_status(ctx.store.conn, key, InterviewStatus.PAUSED, reason, now)
        state.journal(ctx.store.conn, now, key, "paused", reason)
    ctx.run.note("paused", key, reason)
