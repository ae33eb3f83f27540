"""Keeping each sequence's step rows in line with its plan, and acting on the step that is due."""

from __future__ import annotations

import logging
from datetime import date, datetime

from agent import state
from agent.context import Context
from agent.drafting import draft_step, recover_intent
from agent.etiquette import Plan, plan, select_due
from agent.inbox import reply_arrived
from agent.model import InterviewStatus, PlannedStep, StepName, StepState

log = logging.getLogger(__name__)

UNSETTLED = (StepState.PLANNED, StepState.INTENT)


def plan_for(ctx: Context, row: state.InterviewRow) -> Plan:
    """The plan of one interview under the current settings, notes and settled steps."""
    delay = date.fromisoformat(row.delay_until) if row.delay_until else None
    return plan(
        row.interview,
        schedule=ctx.settings.schedule,
        zone=ctx.zone,
        calendar=ctx.business,
        delay_until=delay,
        settled=settled_map(state.get_steps(ctx.store.conn, row.interview.key)),
    )


def recipients_of(step: PlannedStep) -> list[str]:
    """Row recipients: one per contact for email steps, '' for cues and the end."""
    return [c.email for c in step.recipients] or [""]


def sync_rows(ctx: Context, row: state.InterviewRow, the_plan: Plan, now: datetime) -> None:
    """Create missing rows and move planned rows to their (re)planned time.

    Nothing is written when the rows already match the plan (the usual, idle case).
    """
    conn = ctx.store.conn
    key = row.interview.key
    wanted = {(s.name, r): s.due for s in the_plan.steps for r in recipients_of(s)}
    current = {(r.step, r.recipient): r for r in state.get_steps(conn, key)}
    moved = [
        k
        for k, due in wanted.items()
        if k not in current or (current[k].state == StepState.PLANNED and current[k].due != due)
    ]
    stale = [k for k, r in current.items() if r.state == StepState.PLANNED and k not in wanted]
    if not moved and not stale:
        return
    with ctx.store.write():
        for name, recipient in moved:
            state.plan_step(conn, key, name, recipient, wanted[(name, recipient)], now)
        state.delete_planned_except(conn, key, set(wanted))


def settled_map(rows: list[state.StepRow]) -> dict[StepName, bool]:
    """A step is settled when none of its rows is still waiting."""
    settled: dict[StepName, bool] = {}
    for r in rows:
        settled[r.step] = settled.get(r.step, True) and r.state not in UNSETTLED
    return settled


def advance(ctx: Context, row: state.InterviewRow, now: datetime) -> None:
    """Bring one active interview's steps up to `now`: skip the missed, act on the due one."""
    conn = ctx.store.conn
    key = row.interview.key
    for r in state.get_steps(conn, key):
        recover_intent(ctx, r, now)
    the_plan = plan_for(ctx, row)
    sync_rows(ctx, row, the_plan, now)
    rows = state.get_steps(conn, key)
    due = select_due(the_plan, now, settled_map(rows))
    ctx.run.wake_at(due.next_due)
    for planned, reason in due.skip:
        _settle(ctx, key, planned.name, rows, StepState.SKIPPED, reason, now)
    if due.act is None:
        return
    step = due.act
    if step.name == StepName.ASK:
        _settle(ctx, key, step.name, rows, StepState.DONE, "cue shown in `followup agenda`", now)
        ctx.run.note("ask", key, "ask when to follow up, and with whom")
    elif step.name == StepName.CLOSED:
        _settle(ctx, key, step.name, rows, StepState.DONE, "no response: likely moved on", now)
        with ctx.store.write():
            state.set_status(conn, key, InterviewStatus.CLOSED, "no response: likely moved on", now)
            state.journal(conn, now, key, "closed", "sequence ended: no response, likely moved on")
        ctx.run.note("closed", key, "no response: likely moved on")
    else:
        _act_on_email(ctx, row, step, rows, now)


def _settle(
    ctx: Context,
    key: str,
    name: StepName,
    rows: list[state.StepRow],
    to: StepState,
    reason: str,
    now: datetime,
) -> None:
    """Move the waiting rows of one step (planned, or an intent whose draft never came) on."""
    waiting = [r for r in rows if r.step == name and r.state in UNSETTLED]
    if not waiting:
        return
    with ctx.store.write():
        for r in waiting:
            state.update_step(ctx.store.conn, r, now, state=to, reason=reason)
        if to == StepState.SKIPPED:
            state.journal(ctx.store.conn, now, key, "skipped", f"{name.value}: {reason}")
    if to == StepState.SKIPPED:
        ctx.run.note("skipped", key, f"{name.value}: {reason}")


def _act_on_email(
    ctx: Context,
    row: state.InterviewRow,
    step: PlannedStep,
    rows: list[state.StepRow],
    now: datetime,
) -> None:
    """Draft the due email step for each recipient still waiting, after a last look for a reply."""
    waiting = [r for r in rows if r.step == step.name and r.state in UNSETTLED]
    if not waiting:
        return
    if reply_arrived(ctx, row, now):
        return
    for r in waiting:
        draft_step(ctx, row.interview, step, r, now)
