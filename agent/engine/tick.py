"""tick(now): one pass of the reconciler, and the only place that orders its steps.

Sync the calendar, sync the inbox, then for each interview whose time came (or whose inputs
changed): decide what is due, take a last look for the employer's answer, and draft.
"""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.model import InterviewStatus
from agent.engine import messages, reminders, sequence
from agent.engine.calendar_sync import sync_calendars
from agent.engine.inbox import sync_inbox
from agent.engine.work import Pass, Session, open_pass, plan_inputs
from agent.store import kv, sequences

log = logging.getLogger(__name__)


def tick(session: Session, now: datetime, *, dry_run: bool = False) -> Pass:
    """One pass: sync the calendar, sync the inbox, then act on each due step."""
    check_templates(session)
    p = open_pass(session, now, dry_run=dry_run)
    sync_calendars(p)
    waiting = sync_inbox(p)  # interviews whose mail is not searched yet: their drafts wait
    todo, idle_wake = sequences.to_plan(p.conn, now, plan_inputs(p.settings, p.zone.key))
    p.wake_at(idle_wake)
    found = [s for s in map(p.sequence, todo) if s is not None]
    for seq in sorted(found, key=lambda s: (s.interview.start, s.key)):
        if seq.key in waiting or seq.status != InterviewStatus.ACTIVE:
            continue
        step = sequence.decide(seq)
        if step is not None and not messages.reply_arrived(seq):
            sequence.draft_due(seq, step)
    if p.settings.reminders.enabled:
        reminders.sync_reminders(p)
    log.info("tick done: %d action(s)", len(p.actions))
    return p


def check_templates(session: Session) -> None:
    """A broken template stops every pass, not only a due step; unchanged ones are not re-run."""
    fingerprint = session.templates.fingerprint()
    conn = session.store.conn
    if kv.templates_checked(conn) == fingerprint:
        return
    session.templates.check_used()
    with session.store.write():
        kv.set_templates_checked(conn, fingerprint)
