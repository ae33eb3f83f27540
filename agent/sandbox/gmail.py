"""Gmail v1 method handlers: (sandbox, typed params, JSON body) -> (status, JSON body)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.sandbox import mailviews as views
from agent.sandbox.wire import ApiError, b64url_decode, encode_token, page_window, to_ms

if TYPE_CHECKING:
    from agent.sandbox.world import World

Reply = tuple[int, dict[str, Any] | None]
Handler = Callable[["World", dict[str, Any], dict[str, Any] | None], Reply]


def _user(sb: World, params: dict[str, Any]) -> None:
    """403 unless userId is `me` or the mailbox's own address."""
    user = str(params.get("userId", "me"))
    if user != "me" and user.lower() != sb.user_email.lower():
        raise ApiError(403, "forbidden", f"Delegation denied for {user}")


def _draft_input(body: dict[str, Any] | None) -> tuple[bytes, str | None]:
    """(raw bytes, threadId) from a drafts.create/update body."""
    message = (body or {}).get("message")
    if not isinstance(message, dict) or not message.get("raw"):
        raise ApiError(400, "invalidArgument", "Invalid draft: message.raw is required")
    try:
        raw = b64url_decode(str(message["raw"]))
    except ValueError as exc:
        raise ApiError(400, "invalidArgument", "Invalid value for ByteString: raw") from exc
    if not raw.strip():
        raise ApiError(400, "invalidArgument", "Invalid draft: empty message")
    thread_id = message.get("threadId")
    return raw, str(thread_id) if thread_id else None


def get_profile(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.getProfile."""
    _user(sb, params)
    return 200, views.profile(sb.mail)


def drafts_create(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.drafts.create."""
    _user(sb, params)
    raw, thread_id = _draft_input(body)
    draft_id, msg = sb.mail.create_draft(raw, thread_id, to_ms(sb.now()))
    return 200, {
        "id": draft_id,
        "message": {"id": msg.id, "threadId": msg.thread_id, "labelIds": list(msg.label_ids)},
    }


def drafts_update(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.drafts.update: same draft id, new message id."""
    _user(sb, params)
    raw, thread_id = _draft_input(body)
    _, msg = sb.mail.replace_draft(str(params["id"]), raw, thread_id, to_ms(sb.now()))
    return 200, {
        "id": params["id"],
        "message": {"id": msg.id, "threadId": msg.thread_id, "labelIds": list(msg.label_ids)},
    }


def drafts_get(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.drafts.get."""
    _user(sb, params)
    msg = sb.mail.draft_message(str(params["id"]))
    return 200, views.draft_resource(str(params["id"]), msg, params.get("format") or "full")


def drafts_delete(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.drafts.delete."""
    _user(sb, params)
    sb.mail.delete_draft(str(params["id"]))
    return 204, None


def drafts_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.drafts.list."""
    _user(sb, params)
    items = views.draft_list(sb.mail, params.get("q"), sb.now())
    if params.get("q") and sb.search_lag:  # a q= list is a search: the index is catching up
        items = [(d, m) for d, m in items if sb.indexed(m.arrived_ms)]
    page, next_token, _ = page_window(
        items, params.get("pageToken"), params.get("maxResults"), 100, 500
    )
    out: dict[str, Any] = {"resultSizeEstimate": len(items)}
    if page:
        out["drafts"] = [
            {"id": d, "message": {"id": m.id, "threadId": m.thread_id}} for d, m in page
        ]
    if next_token:
        out["nextPageToken"] = next_token
    return 200, out


def messages_get(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.messages.get."""
    _user(sb, params)
    msg = sb.mail.get(str(params["id"]))
    return 200, views.message_resource(
        msg, params.get("format") or "full", params.get("metadataHeaders")
    )


def messages_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.messages.list."""
    _user(sb, params)
    found = views.search(
        sb.mail,
        params.get("q"),
        params.get("labelIds"),
        bool(params.get("includeSpamTrash")),
        sb.now(),
    )
    if params.get("q") and sb.search_lag:
        found = [m for m in found if sb.indexed(m.arrived_ms)]  # the index is catching up
    page, next_token, _ = page_window(
        found, params.get("pageToken"), params.get("maxResults"), 100, 500
    )
    out: dict[str, Any] = {"resultSizeEstimate": len(found)}
    if page:
        out["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
    if next_token:
        out["nextPageToken"] = next_token
    return 200, out


def threads_get(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.threads.get."""
    _user(sb, params)
    return 200, views.thread_resource(
        sb.mail, str(params["id"]), params.get("format") or "full", params.get("metadataHeaders")
    )


def history_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.history.list: chronological records after startHistoryId."""
    _user(sb, params)
    if not params.get("startHistoryId"):
        raise ApiError(400, "invalidArgument", "Missing required parameter: startHistoryId")
    entries = views.history_since(
        sb.mail, params["startHistoryId"], params.get("historyTypes"), params.get("labelId")
    )
    page, next_token, at = page_window(
        entries, params.get("pageToken"), params.get("maxResults"), 100, 500
    )
    out: dict[str, Any] = {"historyId": str(sb.mail.history_id)}
    mode = sb.empty_history_pages
    if page and at.get("e") != at["o"] and (mode == "every" or (mode == "first" and at["o"] == 0)):
        out["nextPageToken"] = encode_token({**at, "e": at["o"]}, "p")  # records come next
        return 200, out
    if page:
        out["history"] = [views.history_resource(e) for e in page]
    if next_token:
        out["nextPageToken"] = next_token
    return 200, out


def labels_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.labels.list."""
    _user(sb, params)
    return 200, {"labels": views.label_list(sb.mail)}


def send_as_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """users.settings.sendAs.list: the primary address, then the aliases."""
    _user(sb, params)
    aliases = [
        {
            "sendAsEmail": a["email"],
            "displayName": a["display_name"],
            "replyToAddress": "",
            "signature": a["signature"],
            "isDefault": a["default"],
            "treatAsAlias": True,
            "verificationStatus": "accepted",
        }
        for a in sb.aliases
    ]
    primary = {
        "sendAsEmail": sb.user_email,
        "displayName": sb.send_as["display_name"],
        "replyToAddress": "",
        "signature": sb.send_as["signature"],
        "isPrimary": True,
        "isDefault": not any(a["default"] for a in sb.aliases),
        "treatAsAlias": False,
        "verificationStatus": "accepted",
    }
    return 200, {"sendAs": [primary, *aliases]}


HANDLERS: dict[str, Handler] = {
    "gmail.users.getProfile": get_profile,
    "gmail.users.drafts.create": drafts_create,
    "gmail.users.drafts.update": drafts_update,
    "gmail.users.drafts.get": drafts_get,
    "gmail.users.drafts.delete": drafts_delete,
    "gmail.users.drafts.list": drafts_list,
    "gmail.users.messages.get": messages_get,
    "gmail.users.messages.list": messages_list,
    "gmail.users.threads.get": threads_get,
    "gmail.users.history.list": history_list,
    "gmail.users.labels.list": labels_list,
    "gmail.users.settings.sendAs.list": send_as_list,
}
