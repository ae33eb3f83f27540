"""Who the drafts are from: the settings' name and signature, else the Gmail account's."""

from __future__ import annotations

import json
import logging

from agent.core.compose import Sender, sender_for
from agent.core.errors import AuthError, FollowupError
from agent.engine.context import Context
from agent.store import sequences

log = logging.getLogger(__name__)

SEND_AS_KEY = "gmail_send_as"  # the account's display name and signature, as last read


def _stored(ctx: Context) -> tuple[str, str]:
    """The Gmail name and signature as the last run read them ('' when never)."""
    raw = sequences.get_kv(ctx.store.conn, SEND_AS_KEY)
    try:
        data = json.loads(raw) if raw else {}
        return str(data.get("name", "")), str(data.get("signature", ""))
    except (ValueError, AttributeError):
        return "", ""


def _identity(ctx: Context, *, fetch: bool) -> Sender:
    """The drafts' sender; Gmail is read when `fetch` and the settings leave a part empty."""
    user = ctx.settings.user
    if user.name.strip() and user.signature.strip():
        return sender_for(user, "", "", ctx.user_email)
    name, signature = _stored(ctx)
    if fetch:
        try:
            got = ctx.mailbox.sender_identity()
        except AuthError:
            raise
        except FollowupError as exc:
            log.warning("could not read your Gmail name and signature: %s", exc)
        else:
            name, signature = got.display_name, got.signature
            value = json.dumps({"name": name, "signature": signature})
            if value != sequences.get_kv(ctx.store.conn, SEND_AS_KEY):
                with ctx.store.write():
                    sequences.set_kv(ctx.store.conn, SEND_AS_KEY, value)
    return sender_for(user, name, signature, ctx.user_email)


def sender(ctx: Context, *, fetch: bool) -> Sender:
    """The drafts' sender, worked out once per run."""
    if ctx.run.sender is None:
        ctx.run.sender = _identity(ctx, fetch=fetch)
    return ctx.run.sender
