"""Read views of the mailbox: message/thread/draft resources, search listings and history."""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from typing import Any

from agent.sandbox import mime
from agent.sandbox.mailbox import SYSTEM_LABELS, HistoryEntry, Mailbox, StoredMessage
from agent.sandbox.query import matcher, parse_query, scope_labels
from agent.sandbox.wire import ApiError, b64url_encode

FORMATS = ("minimal", "metadata", "full", "raw")
HISTORY_TYPES = {
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}


def message_resource(
    msg: StoredMessage, fmt: str = "full", headers: list[str] | None = None
) -> dict[str, Any]:
    """users.messages.get in one of Gmail's formats."""
    fmt = (fmt or "full").lower()
    if fmt not in FORMATS:
        raise ApiError(400, "invalidArgument", f"Invalid format: {fmt}")
    parsed = mime.parse(msg.raw)
    out: dict[str, Any] = {
        "id": msg.id,
        "threadId": msg.thread_id,
        "labelIds": list(msg.label_ids),
        "snippet": parsed.snippet,
        "sizeEstimate": len(msg.raw),
        "historyId": str(msg.history_id),
        "internalDate": str(msg.internal_ms),
    }
    if fmt == "metadata":
        out["payload"] = mime.payload(msg.raw, with_body=False, header_filter=headers)
    elif fmt == "full":
        out["payload"] = mime.payload(msg.raw, with_body=True)
    elif fmt == "raw":
        out["raw"] = b64url_encode(msg.raw)
    return out


def thread_resource(
    box: Mailbox, thread_id: str, fmt: str, headers: list[str] | None
) -> dict[str, Any]:
    """users.threads.get: the thread's messages (drafts included), oldest first."""
    if thread_id not in box.threads:
        raise ApiError(404, "notFound", "Requested entity was not found.")
    msgs = [box.messages[m] for m in box.threads[thread_id]]
    msgs.sort(key=lambda m: (m.internal_ms, m.id))
    return {
        "id": thread_id,
        "historyId": str(max(m.history_id for m in msgs)),
        "messages": [message_resource(m, fmt, headers) for m in msgs],
    }


def draft_resource(
    draft_id: str, msg: StoredMessage, fmt: str, headers: list[str] | None = None
) -> dict[str, Any]:
    """users.drafts.get / create / update: `{"id", "message": {...}}`."""
    return {"id": draft_id, "message": message_resource(msg, fmt, headers)}


def search(
    box: Mailbox,
    q: str | None,
    label_ids: list[str] | None,
    include_spam_trash: bool,
    now: datetime,
) -> list[StoredMessage]:
    """messages.list: newest first; drafts only when asked for, spam/trash only when included."""
    tree = parse_query(q or "")
    named = scope_labels(tree) | set(label_ids or [])
    anywhere = "ANYWHERE" in named
    hide = set()
    if not (anywhere or "DRAFT" in named):
        hide.add("DRAFT")
    if not (include_spam_trash or anywhere):
        hide |= {"SPAM", "TRASH"} - named
    test = matcher(tree, now, box.label_names())
    wanted = set(label_ids or [])
    found = [
        m
        for m in box.messages.values()
        if not hide.intersection(m.label_ids)
        and wanted.issubset(m.label_ids)
        and test(m)
    ]
    found.sort(key=lambda m: (m.internal_ms, m.id), reverse=True)
    return found


def draft_list(box: Mailbox, q: str | None, now: datetime) -> list[tuple[str, StoredMessage]]:
    """drafts.list: (draft id, message), newest first, optionally filtered by `q`."""
    test = matcher(parse_query(q or ""), now, box.label_names())
    items = [(d, box.messages[m]) for d, m in box.drafts.items()]
    items = [(d, m) for d, m in items if test(m)]
    items.sort(key=lambda dm: (dm[1].internal_ms, dm[1].id), reverse=True)
    return items


def history_since(
    box: Mailbox, start: Any, types: list[str] | None, label_id: str | None
) -> list[HistoryEntry]:
    """history.list records after startHistoryId; 404 when too old, in the future or invalid."""
    try:
        start_id = int(str(start))
    except (TypeError, ValueError):
        start_id = -1
    if start_id < max(box.history_floor, 1) or start_id > box.history_id:
        raise ApiError(404, "notFound", "Requested entity was not found.")
    kinds = {HISTORY_TYPES[t] for t in types or [] if t in HISTORY_TYPES}
    if types and not kinds:
        raise ApiError(400, "invalidArgument", f"Invalid historyTypes: {types}")
    out = []
    for entry in box.history[bisect_right(box.history, start_id, key=lambda h: h.id) :]:
        if kinds and entry.kind not in kinds:
            continue
        if label_id and label_id not in entry.label_ids and label_id not in entry.changed:
            continue
        out.append(entry)
    return out


def history_resource(entry: HistoryEntry) -> dict[str, Any]:
    """One history record as Gmail shows it."""
    ref = {"id": entry.message_id, "threadId": entry.thread_id}
    item: dict[str, Any] = {"message": {**ref, "labelIds": list(entry.label_ids)}}
    if entry.kind in ("labelsAdded", "labelsRemoved"):
        item["labelIds"] = list(entry.changed)
    return {"id": str(entry.id), "messages": [ref], entry.kind: [item]}


def label_list(box: Mailbox) -> list[dict[str, Any]]:
    """labels.list: system labels then user labels."""
    system = [{"id": label, "name": label, "type": "system"} for label in SYSTEM_LABELS]
    user = [
        {
            "id": i,
            "name": n,
            "type": "user",
            "messageListVisibility": "show",
            "labelListVisibility": "labelShow",
        }
        for i, n in box.user_labels.items()
    ]
    return system + user


def profile(box: Mailbox) -> dict[str, Any]:
    """users.getProfile."""
    non_drafts = [m for m in box.messages.values() if "DRAFT" not in m.label_ids]
    return {
        "emailAddress": box.user,
        "messagesTotal": len(non_drafts),
        "threadsTotal": len({m.thread_id for m in non_drafts}),
        "historyId": str(box.history_id),
    }
