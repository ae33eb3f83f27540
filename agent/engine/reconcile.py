"""What Gmail already holds for an interview, found by key before its first draft.

state.db can be new while Gmail is not: deleted, emptied to 0 bytes, restored from an old
copy. Every draft the agent made, and every message the candidate sent from one, carries
the key header of its (interview, step, recipient) row; an empty state never means that
nothing exists. So once per interview and state.db, when its first email step comes due
(before a draft is made or a missed step skipped) and before a stop removes its drafts,
the drafts state.db does not know (one drafts.list per run) and the mail sent to its
contacts are matched against its rows' keys and adopted. (Each create also takes a last look
for its own key: see `draft_life._made_already`, for a state.db restored from a copy.)
"""

from __future__ import annotations

import logging
from datetime import datetime

from agent.core.model import EMAIL_STEPS, StepState
from agent.engine.context import Context
from agent.engine.draft_life import adopt_draft, mark_sent, record_sent_message
from agent.engine.keys import draft_index, message_key, row_keys, sent_with_keys
from agent.engine.step_rows import ensure_rows
from agent.store import sequences

log = logging.getLogger(__name__)

CHECKED = "keys_checked:"  # kv key prefix: this interview's keys were looked for in Gmail
ADOPTABLE = frozenset({StepState.PLANNED, StepState.INTENT, StepState.SKIPPED})


def reconcile_keys(ctx: Context, row: sequences.InterviewRow, now: datetime) -> None:
    """Adopt the drafts and sent messages that carry this interview's keys (once per state)."""
    conn = ctx.store.conn
    key = row.interview.key
    if ctx.dry_run or sequences.get_kv(conn, CHECKED + key) is not None:
        return
    ensure_rows(ctx, row, now)
    rows = [r for r in sequences.get_steps(conn, key) if r.step in EMAIL_STEPS]
    if not rows or min(r.due for r in rows) > now:
        return  # nothing of it can have been drafted yet
    if not any(r.state in ADOPTABLE for r in rows):
        return  # every step has its draft or was sent: nothing to adopt, nothing to create
    by_key = {k: r for r in rows for k in row_keys(ctx, r)}
    index = draft_index(ctx)
    for r in rows:
        ref = next((index[k] for k in row_keys(ctx, r) if k in index), None)
        if ref is not None and r.state in ADOPTABLE:
            log.info("adopting draft %s for %s %s", ref.draft_id, r.step.value, r.recipient)
            adopt_draft(ctx, r, ref, now)
    for meta in sent_with_keys(ctx, [r.recipient for r in rows], row.interview.start):
        r = by_key.get(message_key(meta))
        if r is not None:
            record_sent_message(ctx, r, meta)
            mark_sent(ctx, r, meta, now)
    with ctx.store.write():
        sequences.set_kv(conn, CHECKED + key, now.isoformat())
