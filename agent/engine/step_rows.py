"""Each sequence's step rows kept in line with its plan (nothing written when they match)."""

from __future__ import annotations

from datetime import date, datetime

from agent.core.etiquette import WAITING_PREFIX, MailState, Plan, plan
from agent.core.interviews import PlannedStep
from agent.core.model import EMAIL_STEPS, UNSETTLED, StepName, StepState
from agent.engine.context import Context
from agent.store import mail_side, sequences

WENT_OUT = (StepState.SENT, StepState.SENT_BY_USER)


def sent_times(ctx: Context, key: str, recipient: str) -> dict[StepName, datetime]:
    """The email steps this contact actually got, with the moment each was sent."""
    conn = ctx.store.conn
    when = {s.message_id: s.sent_at for s in mail_side.sent_messages(conn, key)}
    out: dict[StepName, datetime] = {}
    for r in sequences.get_steps(conn, key):
        if r.recipient == recipient and r.state in WENT_OUT:
            out[r.step] = when.get(r.sent_message_id or "", r.updated_at)
    return out


def mail_states(ctx: Context, row: sequences.InterviewRow) -> dict[StepName, MailState]:
    """What became of each email step to the main contact: sent, waiting unsent, deleted."""
    primary = row.interview.primary.email
    rows = [
        r for r in sequences.get_steps(ctx.store.conn, row.interview.key)
        if r.recipient == primary and r.step in EMAIL_STEPS
    ]
    sent = sent_times(ctx, row.interview.key, primary) if any(
        r.state in WENT_OUT for r in rows
    ) else {}
    out: dict[StepName, MailState] = {}
    for r in rows:
        if r.state in (StepState.DRAFTED, StepState.INTENT):
            out[r.step] = MailState(unsent_since=r.updated_at)
        elif r.state in WENT_OUT:
            out[r.step] = MailState(sent_at=sent.get(r.step, r.updated_at))
        elif r.state == StepState.DISMISSED:
            out[r.step] = MailState(dismissed_at=r.updated_at)
    return out


def sent_days(ctx: Context, key: str, recipient: str) -> dict[StepName, date]:
    """The day (in the user's zone) each email step to this contact went out."""
    return {n: at.astimezone(ctx.zone).date() for n, at in sent_times(ctx, key, recipient).items()}


def plan_for(ctx: Context, row: sequences.InterviewRow) -> Plan:
    """The plan of one interview under the current settings, notes and settled steps."""
    delay = date.fromisoformat(row.delay_until) if row.delay_until else None
    return plan(
        row.interview,
        schedule=ctx.settings.schedule,
        zone=ctx.zone,
        calendar=ctx.business,
        delay_until=delay,
        settled=settled_map(sequences.get_steps(ctx.store.conn, row.interview.key)),
        mail=mail_states(ctx, row),
    )


def recipients_of(step: PlannedStep) -> list[str]:
    """Row recipients: one per contact for email steps, '' for cues and the end."""
    return [c.email for c in step.recipients] or [""]


def sync_rows(ctx: Context, row: sequences.InterviewRow, the_plan: Plan, now: datetime) -> None:
    """Create missing rows and move planned rows to their (re)planned time.

    Nothing is written when the rows already match the plan (the usual, idle case).
    """
    conn = ctx.store.conn
    key = row.interview.key
    wanted = {(s.name, r): s.due for s in the_plan.steps for r in recipients_of(s)}
    current = {(r.step, r.recipient): r for r in sequences.get_steps(conn, key)}
    waiting = {(s.name, r): s.reason if s.held else "" for s in the_plan.steps
               for r in recipients_of(s)}
    moved = [
        k
        for k, due in wanted.items()
        if k not in current or (current[k].state == StepState.PLANNED and current[k].due != due)
    ]
    stale = [k for k, r in current.items() if r.state == StepState.PLANNED and k not in wanted]
    reasons = [
        k for k, r in current.items()
        if r.state == StepState.PLANNED and k in waiting and r.reason != waiting[k]
        and (waiting[k] or r.reason.startswith(WAITING_PREFIX))
    ]
    if not moved and not stale and not reasons:
        return
    with ctx.store.write():
        for name, recipient in moved:
            sequences.plan_step(conn, key, name, recipient, wanted[(name, recipient)], now)
        sequences.delete_planned_except(conn, key, set(wanted))
        for k in reasons:
            sequences.update_step(conn, current[k], now, reason=waiting[k])


def settled_map(rows: list[sequences.StepRow]) -> dict[StepName, bool]:
    """A step is settled when none of its rows is still waiting."""
    settled: dict[StepName, bool] = {}
    for r in rows:
        settled[r.step] = settled.get(r.step, True) and r.state not in UNSETTLED
    return settled


def ensure_rows(ctx: Context, row: sequences.InterviewRow, now: datetime) -> None:
    """An interview found in this very run has no step rows yet: plan them before matching."""
    if not sequences.get_steps(ctx.store.conn, row.interview.key):
        sync_rows(ctx, row, plan_for(ctx, row), now)
