"""Applying one observed message or draft change to the sequences it concerns."""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.delivery import DeliveryReport, looks_like_report, read_report
from agent.core.formats import moment
from agent.core.messages import Classification, MessageKind, MessageMeta
from agent.core.model import EMAIL_STEPS, WATCHED, InterviewStatus, StepState
from agent.core.replies import classify, parse_address, recipient_addresses
from agent.core.return_dates import judge_return
from agent.core.text import printable
from agent.engine.context import Context
from agent.engine.draft_life import mark_sent, sent_draft_of
from agent.engine.isolation import guarded
from agent.engine.keys import message_key
from agent.engine.mail_index import current_index
from agent.engine.step_rows import ensure_rows
from agent.engine.stopping import pause_sequence, stop_sequence
from agent.store import mail_side, sequences

log = logging.getLogger(__name__)

UNSENT = (StepState.PLANNED, StepState.INTENT, StepState.DRAFTED)


def apply_message(
    ctx: Context, meta: MessageMeta, now: datetime, *, only: frozenset[str] | None = None
) -> None:
    """Apply a new message, once; one that cannot be processed is set aside (see `isolation`)."""
    guarded(
        ctx, "message", meta.id, meta.header("Subject"), now, lambda: _apply(ctx, meta, now, only)
    )
    with ctx.store.write():
        mail_side.mark_seen(ctx.store.conn, meta.id, now)


def _apply(
    ctx: Context, meta: MessageMeta, now: datetime, only: frozenset[str] | None
) -> None:
    """Classify a message against the watched sequences it can concern and apply it.

    The tick's index picks those sequences (by thread, address, domain, company), so the
    cost does not grow with the number of interviews; `only` narrows them further.
    """
    conn = ctx.store.conn
    report = delivery_report(ctx, meta)
    index = current_index(ctx)
    extra = (report.failed, report.returned_ids) if report is not None else ((), ())
    for key in index.candidates(meta, ctx.user_email, *extra):
        if only is not None and key not in only:
            continue
        row = sequences.get_interview(conn, key)
        if row is None or row.status not in WATCHED:
            continue
        steps = sequences.get_steps(conn, key)
        sent = mail_side.sent_messages(conn, key)
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
            report=report,
        )
        if verdict.kind == MessageKind.OWN:
            _own_message(ctx, row, meta, now)
            index.link(key, meta.thread_id, meta.header("Message-ID"))
        elif verdict.kind == MessageKind.EMPLOYER_REPLY:
            sender = meta.header("From") or "the employer"
            when = moment(meta.internal_date, ctx.zone)
            stop_sequence(
                ctx,
                key,
                InterviewStatus.REPLIED,
                f"{printable(sender, 200)} replied {when} ({verdict.reason})",
                now,
                remove_drafts=ctx.settings.replies.delete_drafts_on_reply,
            )
        elif verdict.kind == MessageKind.AUTO_REPLY:
            _auto_reply(ctx, row, verdict, meta, now)
        elif verdict.kind == MessageKind.BOUNCE:
            _bounce(ctx, row, verdict.bounced_address or "", now)


def delivery_report(ctx: Context, meta: MessageMeta) -> DeliveryReport | None:
    """A likely bounce read in full (one messages.get, only for such messages), else None."""
    sender = parse_address(meta.header("From"))[1]
    if "SENT" in meta.label_ids or not looks_like_report(meta, sender):
        return None
    raw = ctx.mailbox.delivery_report(meta.id)
    return read_report(raw) if raw else None


def _own_message(
    ctx: Context, row: sequences.InterviewRow, meta: MessageMeta, now: datetime
) -> None:
    """The candidate wrote to a contact: an agent draft was sent, or they wrote their own."""
    if "SENT" not in meta.label_ids or meta.internal_date < row.interview.start:
        return
    conn = ctx.store.conn
    key = row.interview.key
    ensure_rows(ctx, row, now)
    contacts = {c.email for c in (*row.interview.contacts, row.interview.primary)}
    for contact in sorted(recipient_addresses(meta) & contacts):
        with ctx.store.write():
            mail_side.record_sent(
                conn,
                mail_side.SentRow(
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
        steps = [s for s in sequences.get_steps(conn, key) if s.recipient == contact]
        answered = sent_draft_of(ctx, steps, meta)
        if answered is not None:
            mark_sent(ctx, answered, meta, now)
        elif not message_key(meta):  # a draft of ours for another step settles none of these
            written = step_written(steps, meta.internal_date)
            if written is not None:
                when = moment(meta.internal_date, ctx.zone)
                reason = f"you wrote to {contact} yourself on {when}"
                with ctx.store.write():
                    sequences.update_step(
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
                            sequences.update_step(
                                conn, earlier, now, state=StepState.SKIPPED, reason=skipped
                            )
                    sequences.journal(
                        conn, now, key, "sent_by_user", f"{written.step.value}: {reason}"
                    )
                ctx.run.note("sent_by_user", key, f"{written.step.value}: {reason}")


def step_written(steps: list[sequences.StepRow], sent_at: datetime) -> sequences.StepRow | None:
    """The email step an own message stands for: the last one due by then, else the next one.

    A step already drafted but not sent counts: the candidate wrote their own instead.
    """
    open_steps = [s for s in steps if s.step in EMAIL_STEPS and s.state in UNSENT]
    due = [s for s in open_steps if s.due <= sent_at]
    return due[-1] if due else next(iter(open_steps), None)


def _auto_reply(
    ctx: Context,
    row: sequences.InterviewRow,
    verdict: Classification,
    meta: MessageMeta,
    now: datetime,
) -> None:
    """Out of office: a plausible return date holds the next step until the business day after.

    The date is read relative to the reply's own Date; one more than 60 days after it, or
    already past, is ignored and the journal says so.
    """
    key = row.interview.key
    sender = printable(meta.header("From"), 200)
    sent = verdict.message_day or meta.internal_date.date()
    back, why = judge_return(verdict.return_date, sent, now.astimezone(ctx.zone))
    if why:
        detail = f"automatic reply from {sender}: {why}; nothing moved"
    elif back is None:
        detail = f"automatic reply from {sender} ignored (no return date)"
    else:
        day = str(back)
        if row.delay_until and row.delay_until >= day:
            return
        with ctx.store.write():
            sequences.set_delay_until(ctx.store.conn, key, day)
        detail = f"{sender} is away until {day}; the next step waits until the next business day"
    with ctx.store.write():
        sequences.journal(ctx.store.conn, now, key, "auto_reply", detail)
    ctx.run.note("auto_reply", key, detail)


def _bounce(ctx: Context, row: sequences.InterviewRow, address: str, now: datetime) -> None:
    """A follow-up bounced: pause the sequence and say which address."""
    reason = f"{address or 'a follow-up'} bounced; check the address, then `followup resume`"
    pause_sequence(ctx, row.interview.key, reason, now)
