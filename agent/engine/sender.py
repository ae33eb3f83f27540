"""Who the drafts are from: the settings' name and signature, else the Gmail account's."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from agent.core.errors import AuthError, FollowupError
from agent.core.signature import SenderIdentity, sender_identity, signed_user
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


def identity(ctx: Context, *, fetch: bool) -> SenderIdentity:
    """The name and signature drafts use; reads Gmail (once per run) only when `fetch` and the
    settings leave one of them empty."""
    user = ctx.settings.user
    if user.name.strip() and user.signature.strip():
        return sender_identity(user)
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
    return sender_identity(user, name, signature)


def sign(ctx: Context, *, fetch: bool) -> None:
    """Put the drafts' name and signature into the run's settings (templates read them there);
    once per run."""
    if ctx.run.signed:
        return
    who = identity(ctx, fetch=fetch)
    ctx.settings = replace(ctx.settings, user=signed_user(ctx.settings.user, who))
    ctx.run.signed = True
