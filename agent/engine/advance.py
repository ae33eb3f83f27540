"""Keeping each sequence's step rows in line with its plan, and acting on the step that is due."""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.etiquette import select_due
from agent.core.interviews import PlannedStep
from agent.core.model import UNSETTLED, StepName, StepState
from agent.engine.context import Context
from agent.engine.draft_life import draft_step, recover_intent
from agent.engine.inbox_sync import reply_arrived
from agent.engine.reconcile import reconcile_keys
from agent.engine.step_rows import plan_for, settled_map, sync_rows
from agent.engine.stopping import close_sequence
from agent.store import sequences, wakeups

log = logging.getLogger(__name__)

def advance(ctx: Context, row: sequences.InterviewRow, now: datetime) -> None:
    """Bring one active interview's steps up to `now`: skip the missed, act on the due one."""
    conn = ctx.store.conn
    key = row.interview.key
    reconcile_keys(ctx, row, now)
    for r in sequences.get_steps(conn, key):
        recover_intent(ctx, r, now)
    the_plan = plan_for(ctx, row)
    _tell_warnings(ctx, key, the_plan.warnings, now)
    sync_rows(ctx, row, the_plan, now)
    rows = sequences.get_steps(conn, key)
    due = select_due(the_plan, now, settled_map(rows))
    ctx.run.wake_at(due.next_due)
    ctx.run.plans += 1
    for planned, reason in due.skip:
        _settle(ctx, key, planned.name, rows, StepState.SKIPPED, reason, now)
    if due.act is None:
        if not due.skip and all(r.state != StepState.INTENT for r in rows):
            with ctx.store.write():  # nothing to do before next_due unless its inputs change
                wakeups.remember(conn, key, due.next_due, ctx.plan_inputs)
        return
    step = due.act
    if step.name == StepName.ASK:
        _settle(ctx, key, step.name, rows, StepState.DONE, "cue shown in `followup agenda`", now)
        ctx.run.note("ask", key, "ask when to follow up, and with whom")
    elif step.name == StepName.CLOSED:
        why = step.reason if step.branch == "not_sent" else "no response: likely moved on"
        for held in the_plan.steps:
            if held.held:
                _settle(ctx, key, held.name, rows, StepState.STOPPED, f"closed: {why}", now)
        _settle(ctx, key, step.name, rows, StepState.DONE, why, now)
        close_sequence(ctx, key, why, now)
    else:
        _act_on_email(ctx, row, step, rows, now)


def _tell_warnings(ctx: Context, key: str, warnings: tuple[str, ...], now: datetime) -> None:
    """Say each plan warning (an unreadable follow-up date, ...) once: journal and tick output."""
    if not warnings:
        return
    told = {e.detail for e in sequences.read_journal(ctx.store.conn, key) if e.kind == "warning"}
    new = [w for w in dict.fromkeys(warnings) if w not in told]
    if not new:
        return
    with ctx.store.write():
        for warning in new:
            sequences.journal(ctx.store.conn, now, key, "warning", warning)
    for warning in new:
        ctx.run.note("warning", key, warning)


def _settle(
    ctx: Context,
    key: str,
    name: StepName,
    rows: list[sequences.StepRow],
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
            sequences.update_step(ctx.store.conn, r, now, state=to, reason=reason)
        if to == StepState.SKIPPED:
            sequences.journal(ctx.store.conn, now, key, "skipped", f"{name.value}: {reason}")
    if to == StepState.SKIPPED:
        ctx.run.note("skipped", key, f"{name.value}: {reason}")


def _act_on_email(
    ctx: Context,
    row: sequences.InterviewRow,
    step: PlannedStep,
    rows: list[sequences.StepRow],
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
