"""Every way a sequence ends or pauses: its pending steps stop and, where the rules say, drafts go.

Replied, cancelled, superseded and stopped by the user end here (stop_sequence); a bounce
pauses (pause_sequence); the etiquette's last step closes (close_sequence).
"""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.model import UNSETTLED, WATCHED, InterviewStatus, StepState
from agent.engine.context import Context
from agent.engine.draft_life import resolve_draft
from agent.engine.keys import find_draft_for
from agent.engine.reconcile import reconcile_keys
from agent.store import sequences

log = logging.getLogger(__name__)

def stop_sequence(
    ctx: Context,
    key: str,
    status: InterviewStatus,
    reason: str,
    now: datetime,
    *,
    remove_drafts: bool,
) -> int:
    """Stop an active sequence; returns how many unsent drafts were removed."""
    conn = ctx.store.conn
    found = sequences.get_interview(conn, key)
    if remove_drafts and found is not None and found.status in WATCHED:
        reconcile_keys(ctx, found, now)  # drafts made before state.db was lost go too
    with ctx.store.write():
        row = sequences.get_interview(conn, key)
        if row is None or row.status not in WATCHED:
            return 0
        sequences.set_status(conn, key, status, reason, now)
        for step in sequences.get_steps(conn, key):
            if step.state in UNSETTLED and step.state != StepState.INTENT:
                sequences.update_step(conn, step, now, state=StepState.STOPPED, reason=reason)
        sequences.journal(conn, now, key, status.value, reason)
    ctx.run.note(status.value, key, reason)
    return resolve_intents_and_drafts(ctx, key, reason, now, remove_drafts=remove_drafts)


def resolve_intents_and_drafts(
    ctx: Context, key: str, reason: str, now: datetime, *, remove_drafts: bool
) -> int:
    """After a stop: settle half-done creates, and delete the unsent drafts when asked."""
    conn = ctx.store.conn
    removed = 0
    for step in sequences.get_steps(conn, key):
        draft_id = step.draft_id
        if step.state == StepState.INTENT:
            found = None if ctx.dry_run else find_draft_for(ctx, step)
            if found is None:
                with ctx.store.write():
                    sequences.update_step(conn, step, now, state=StepState.STOPPED, reason=reason)
                continue
            draft_id = found.draft_id
            with ctx.store.write():
                sequences.update_step(
                    conn,
                    step,
                    now,
                    state=StepState.DRAFTED,
                    draft_id=found.draft_id,
                    draft_message_id=found.message_id,
                    thread_id=found.thread_id,
                )
        elif step.state != StepState.DRAFTED:
            continue
        if not remove_drafts or draft_id is None:
            continue
        if ctx.dry_run:
            ctx.run.note("would-remove", key, f"{step.step.value} draft for {step.recipient}")
            continue
        if not ctx.mailbox.delete_draft(draft_id):
            _settle_gone_draft(ctx, key, step, now)
            continue
        detail = f"{step.step.value} draft for {step.recipient} removed ({reason})"
        with ctx.store.write():
            current = sequences.get_step(conn, key, step.step, step.recipient)
            if current is not None:
                sequences.update_step(
                    conn,
                    current,
                    now,
                    state=StepState.STOPPED,
                    reason=f"unsent draft removed: {reason}",
                )
            sequences.journal(conn, now, key, "removed", detail)
        removed += 1
        ctx.run.note("removed", key, detail)
    return removed


def _settle_gone_draft(ctx: Context, key: str, step: sequences.StepRow, now: datetime) -> None:
    """A draft already gone when we came to remove it: the user sent or discarded it."""
    current = sequences.get_step(ctx.store.conn, key, step.step, step.recipient)
    if current is not None and current.state == StepState.DRAFTED:
        resolve_draft(ctx, current, now)


def pause_sequence(ctx: Context, key: str, reason: str, now: datetime) -> None:
    """Hold an active sequence until the user resumes it (its rows and drafts stay)."""
    with ctx.store.write():
        row = sequences.get_interview(ctx.store.conn, key)
        if row is None or row.status != InterviewStatus.ACTIVE:
            return
        sequences.set_status(ctx.store.conn, key, InterviewStatus.PAUSED, reason, now)
        sequences.journal(ctx.store.conn, now, key, "paused", reason)
    ctx.run.note("paused", key, reason)


def close_sequence(ctx: Context, key: str, reason: str, now: datetime) -> None:
    """The etiquette ran its course with no answer: the sequence ends, nothing more is drafted."""
    with ctx.store.write():
        sequences.set_status(ctx.store.conn, key, InterviewStatus.CLOSED, reason, now)
        sequences.journal(ctx.store.conn, now, key, "closed", f"sequence ended: {reason}")
    ctx.run.note("closed", key, reason)
