"""Finding what Gmail holds for a step by the key header its draft carries.

Every draft the agent makes carries an opaque key of its (interview, step, recipient) row in
an `X-Followup-Key` header (a keyed hash: `core.headers.draft_key_value`), and so does the
message the candidate sends from it. `draft_key` is the one place the engine computes it;
everything that looks for a draft or a sent message by its key compares what Gmail holds
with it.
"""

from __future__ import annotations

from datetime import datetime

from agent.core.headers import draft_key_value
from agent.core.messages import MessageMeta
from agent.core.model import KEY_HEADER, StepState
from agent.core.ports import DraftRef
from agent.engine.context import Context
from agent.store import mail_side, sequences

SENT_LOOK_LIMIT = 50  # messages looked at per search for a key


def draft_key(ctx: Context, row: sequences.StepRow) -> str:
    """The opaque X-Followup-Key value of the draft for one (interview, step, recipient) row."""
    return draft_key_value(ctx.key_secret, row.interview_key, row.step.value, row.recipient)


def key_header(ctx: Context, row: sequences.StepRow) -> str:
    """The key this row's draft carries, as `same_key` compares it."""
    return same_key(draft_key(ctx, row))


def row_keys(ctx: Context, row: sequences.StepRow) -> tuple[str]:
    """The keys a draft of this row may carry."""
    return (key_header(ctx, row),)


def same_key(value: str | None) -> str:
    """A key header value as compared: folding whitespace dropped."""
    return "".join((value or "").split())


def message_key(meta: MessageMeta) -> str:
    """The key header a message carries ('' for none): a draft of ours, sent."""
    return same_key(meta.header(KEY_HEADER))


def draft_index(ctx: Context) -> dict[str, DraftRef]:
    """The drafts state.db does not know, by the key header they carry (built once per run)."""
    if ctx.run.unknown_drafts is None:
        known = {
            r.draft_id
            for r in sequences.steps_in_state(ctx.store.conn, list(StepState))
            if r.draft_id
        }
        index: dict[str, DraftRef] = {}
        for ref in ctx.mailbox.list_drafts():
            if ref.draft_id in known:
                continue
            found_key = same_key(ctx.mailbox.draft_key(ref.draft_id))
            if found_key:
                index[found_key] = ref
        ctx.run.unknown_drafts = index
    return ctx.run.unknown_drafts


def find_draft_for(ctx: Context, row: sequences.StepRow) -> DraftRef | None:
    """A draft made for this row that state.db does not know (an interrupted run, a lost file)."""
    index = draft_index(ctx)
    return next((index[k] for k in row_keys(ctx, row) if k in index), None)


def sent_with_keys(ctx: Context, recipients: list[str], since: datetime) -> list[MessageMeta]:
    """Messages sent to these addresses since a moment that carry a key header of ours.

    Messages already applied are not read again: applying one settled the step its key names.
    """
    addresses = " OR ".join(sorted({r for r in recipients if r}))
    if not addresses:
        return []
    query = f"after:{int(since.timestamp())} in:sent to:({addresses})"
    found = []
    for message_id, _ in ctx.mailbox.search(query, limit=SENT_LOOK_LIMIT):
        if mail_side.message_seen(ctx.store.conn, message_id):
            continue
        meta = ctx.mailbox.metadata(message_id)
        if meta is not None and "SENT" in meta.label_ids and message_key(meta):
            found.append(meta)
    return found


def find_sent_for(ctx: Context, row: sequences.StepRow, since: datetime) -> MessageMeta | None:
    """The candidate sent this row's draft (the key says so) before state.db heard of it."""
    wanted = row_keys(ctx, row)
    for meta in sent_with_keys(ctx, [row.recipient], since):
        if message_key(meta) in wanted:
            return meta
    return None
