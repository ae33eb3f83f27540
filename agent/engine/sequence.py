"""One interview's sequence: its plan kept in its step rows, what is due now, and how it ends."""

from __future__ import annotations

import logging
from datetime import date

from agent.core.etiquette import WAITING_PREFIX, MailState, Plan, plan, select_due
from agent.core.interviews import PlannedStep
from agent.core.model import EMAIL_STEPS, UNSETTLED, WATCHED, InterviewStatus, StepName, StepState
from agent.engine import drafts
from agent.engine.wording import WENT_OUT, sent_times
from agent.engine.work import Sequence, plan_inputs
from agent.store import sequences
from agent.store.sequences import StepRow

log = logging.getLogger(__name__)


# --- the plan ----------------------------------------------------------------------------------


def settled_map(rows: list[StepRow]) -> dict[StepName, bool]:
    """A step is settled when none of its rows is still waiting."""
    settled: dict[StepName, bool] = {}
    for r in rows:
        settled[r.step] = settled.get(r.step, True) and r.state not in UNSETTLED
    return settled


def mail_states(seq: Sequence) -> dict[StepName, MailState]:
    """What became of each email step to the main contact: sent, waiting unsent, deleted."""
    primary = seq.interview.primary.email
    sent = sent_times(seq, primary)
    out: dict[StepName, MailState] = {}
    for r in seq.rows(recipient=primary):
        if r.step not in EMAIL_STEPS:
            continue
        if r.state in (StepState.DRAFTED, StepState.INTENT):
            out[r.step] = MailState(unsent_since=r.updated_at)
        elif r.state in WENT_OUT:
            out[r.step] = MailState(sent_at=sent.get(r.step, r.updated_at))
        elif r.state == StepState.DISMISSED:
            out[r.step] = MailState(dismissed_at=r.updated_at)
    return out


def plan_for(seq: Sequence) -> Plan:
    """The interview's plan under the current settings, notes and what became of its steps."""
    p = seq.p
    delay = date.fromisoformat(seq.row.delay_until) if seq.row.delay_until else None
    return plan(
        seq.interview, schedule=p.settings.schedule, zone=p.zone, calendar=p.business,
        delay_until=delay, settled=settled_map(seq.steps), mail=mail_states(seq),
    )


def planned_step(seq: Sequence, name: StepName) -> PlannedStep | None:
    """One step of the interview's plan."""
    return next((s for s in plan_for(seq).steps if s.name == name), None)


def recipients_of(step: PlannedStep) -> list[str]:
    """Row recipients: one per contact for email steps, '' for cues and the end."""
    return [c.email for c in step.recipients] or [""]


def sync_rows(seq: Sequence, the_plan: Plan | None = None) -> None:
    """Create missing rows, move planned rows to their (re)planned time, drop those no longer
    planned and keep each held row's reason (nothing is written when they already match)."""
    the_plan = the_plan or plan_for(seq)
    wanted = {(s.name, r): s for s in the_plan.steps for r in recipients_of(s)}
    current = {(r.step, r.recipient): r for r in seq.steps}
    moved = [
        (k, s.due) for k, s in wanted.items()
        if k not in current or (current[k].state == StepState.PLANNED and current[k].due != s.due)
    ]
    planned = [r for r in current.values() if r.state == StepState.PLANNED]
    stale = [r for r in planned if (r.step, r.recipient) not in wanted]
    reasons = []
    for r in planned:
        step = wanted.get((r.step, r.recipient))
        reason = step.reason if step is not None and step.held else ""
        if step is not None and r.reason != reason and (
            reason or r.reason.startswith(WAITING_PREFIX)
        ):
            reasons.append((r, reason))
    if not moved and not stale and not reasons:
        return
    with seq.p.write():
        for (name, recipient), due in moved:
            seq.plan_row(name, recipient, due)
        for row in stale:
            seq.drop_row(row)
        for row, reason in reasons:
            seq.move(row, reason=reason)


def ensure_rows(seq: Sequence) -> None:
    """An interview found in this very pass has no step rows yet: plan them before matching."""
    if not seq.steps:
        sync_rows(seq)


# --- what is due now -----------------------------------------------------------------------------


def decide(seq: Sequence) -> PlannedStep | None:
    """Bring one active interview's steps up to now: adopt what Gmail holds, skip the missed,
    settle the cue and the end; returns the email step to draft now, if any."""
    p = seq.p
    ensure_rows(seq)  # found in this very pass: rows first, so what Gmail holds has its row
    drafts.adopt_existing(seq)
    drafts.take_over(seq, seq.rows(states=(StepState.INTENT,)))  # left by an interrupted pass
    the_plan = plan_for(seq)
    _tell_warnings(seq, the_plan.warnings)
    sync_rows(seq, the_plan)
    due = select_due(the_plan, p.now, settled_map(seq.steps))
    p.wake_at(due.next_due)
    p.plans += 1
    for planned, reason in due.skip:
        _settle(seq, planned.name, StepState.SKIPPED, reason)
    step = due.act
    if step is None:
        if not due.skip and not seq.rows(states=(StepState.INTENT,)) and not p.dry_run:
            with p.write():  # nothing to do before next_due unless its inputs change
                sequences.remember_wakeup(
                    p.conn, seq.key, due.next_due, plan_inputs(p.settings, p.zone.key)
                )
        return None
    if step.name == StepName.ASK:
        _settle(seq, step.name, StepState.DONE, "cue shown in `followup agenda`")
        p.note("ask", seq.key, "ask when to follow up, and with whom")
        return None
    if step.name == StepName.CLOSED:
        why = step.reason if step.branch == "not_sent" else "no response: likely moved on"
        for held in the_plan.steps:
            if held.held:
                _settle(seq, held.name, StepState.STOPPED, f"closed: {why}")
        _settle(seq, step.name, StepState.DONE, why)
        close(seq, why)
        return None
    return step if seq.rows(step.name, states=UNSETTLED) else None


def draft_due(seq: Sequence, step: PlannedStep) -> None:
    """Make the due step's draft for each recipient still waiting."""
    for row in seq.rows(step.name, states=UNSETTLED):
        drafts.create(seq, step, row)


def _tell_warnings(seq: Sequence, warnings: tuple[str, ...]) -> None:
    """Say each plan warning (an unreadable follow-up date, ...) once."""
    if not warnings:
        return
    told = {e.detail for e in sequences.read_journal(seq.p.conn, seq.key) if e.kind == "warning"}
    for warning in dict.fromkeys(warnings):
        if warning not in told:
            seq.tell("warning", warning)


def _settle(seq: Sequence, name: StepName, to: StepState, reason: str) -> None:
    """Move the waiting rows of one step (planned, or an intent whose draft never came) on."""
    waiting = seq.rows(name, states=UNSETTLED)
    if not waiting:
        return
    with seq.p.write():
        for row in waiting:
            seq.move(row, to, reason)
        if to == StepState.SKIPPED:
            seq.tell("skipped", f"{name.value}: {reason}")


# --- how it ends ---------------------------------------------------------------------------------


def stop(seq: Sequence, status: InterviewStatus, reason: str, *, remove_drafts: bool) -> int:
    """End a watched sequence; returns how many unsent drafts were removed."""
    if seq.status not in WATCHED:
        return 0
    if remove_drafts:
        ensure_rows(seq)
        drafts.adopt_existing(seq)  # drafts made before state.db was lost go too
    with seq.p.write():
        seq.set_status(status, reason, tell=(status.value, reason))
        for row in seq.rows(states=(StepState.PLANNED,)):
            seq.move(row, StepState.STOPPED, reason)
    return drafts.remove_unsent(seq, reason, remove=remove_drafts)


def pause(seq: Sequence, reason: str) -> None:
    """Hold an active sequence until the candidate resumes it (its rows and drafts stay)."""
    if seq.status == InterviewStatus.ACTIVE:
        seq.set_status(InterviewStatus.PAUSED, reason, tell=("paused", reason))


def close(seq: Sequence, reason: str) -> None:
    """The etiquette ran its course with no answer: the sequence ends, nothing more is drafted."""
    seq.set_status(
        InterviewStatus.CLOSED, reason, tell=("closed", f"sequence ended: {reason}"), note=reason
    )


def resume(seq: Sequence) -> None:
    """Put a paused or stopped sequence back to active; missed steps are skipped, not sent."""
    with seq.p.write():
        seq.set_status(InterviewStatus.ACTIVE, "", tell=("resumed", "resumed by you"))
        sequences.reopen_stopped(seq.p.conn, seq.key, seq.p.now)
    seq.steps = sequences.get_steps(seq.p.conn, seq.key)
