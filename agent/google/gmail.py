"""Gmail adapter: profile, history sync, search, message metadata and drafts."""

from __future__ import annotations

import base64
import html
import logging
from datetime import UTC, datetime
from typing import Any

from agent.core.headers import KEY_HEADER
from agent.core.model import MessageMeta
from agent.core.ports import AddedMessage, DraftRef, HistoryChanges, HistoryExpired, Profile
from agent.core.text import well_formed
from agent.google.client import Services

log = logging.getLogger(__name__)

METADATA_HEADERS = (
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "Content-Type",
    "X-Failed-Recipients",
    "Return-Path",
    KEY_HEADER,
)
HISTORY_TYPES = ["messageAdded", "messageDeleted"]
PAGE_SIZE = 500


class Gmail:
    """The Gmail calls the engine makes (the engine's Mailbox)."""

    def __init__(self, services: Services) -> None:
        self.users = services.gmail.users()
        self.api = services.api

    def profile(self) -> Profile:
        """getProfile: the mailbox address and its current historyId."""
        data = self.api.read(self.users.getProfile(userId="me"), "reading the Gmail profile")
        return Profile(str(data["emailAddress"]).lower(), str(data["historyId"]))

    def history_since(self, start_history_id: str) -> HistoryChanges:
        """Every message added/deleted since the id, all pages; HistoryExpired on 404."""
        from googleapiclient.errors import HttpError

        added: list[AddedMessage] = []
        deleted: list[str] = []
        page_token: str | None = None
        latest = start_history_id
        while True:
            request = self.users.history().list(
                userId="me",
                startHistoryId=start_history_id,
                historyTypes=HISTORY_TYPES,
                maxResults=PAGE_SIZE,
                pageToken=page_token,
            )
            try:
                page = self.api.read(request, "reading Gmail history", expect=frozenset({404}))
            except HttpError as exc:
                raise HistoryExpired() from exc
            for record in page.get("history") or ():
                for entry in record.get("messagesAdded") or ():
                    msg = entry.get("message") or {}
                    labels = tuple(msg.get("labelIds") or ())
                    added.append(
                        AddedMessage(str(msg.get("id")), str(msg.get("threadId", "")), labels)
                    )
                for entry in record.get("messagesDeleted") or ():
                    deleted.append(str((entry.get("message") or {}).get("id")))
            latest = str(page.get("historyId") or latest)
            page_token = page.get("nextPageToken")
            if not page_token:
                return HistoryChanges(tuple(added), tuple(deleted), latest)

    def search(self, query: str, *, limit: int = 100) -> list[tuple[str, str]]:
        """(message id, thread id) of messages matching a Gmail query, newest first."""
        found: list[tuple[str, str]] = []
        page_token: str | None = None
        while len(found) < limit:
            request = self.users.messages().list(
                userId="me", q=query, maxResults=min(PAGE_SIZE, limit), pageToken=page_token
            )
            page = self.api.read(request, "searching Gmail")
            found.extend(
                (str(m["id"]), str(m.get("threadId", ""))) for m in page.get("messages") or ()
            )
            page_token = page.get("nextPageToken")
            if not page_token:
                break
        return found[:limit]

    def metadata(self, message_id: str) -> MessageMeta | None:
        """A message's headers, labels, snippet and date; None if it is gone."""
        from googleapiclient.errors import HttpError

        request = self.users.messages().get(
            userId="me", id=message_id, format="metadata", metadataHeaders=list(METADATA_HEADERS)
        )
        try:
            data = self.api.read(request, "reading a message", expect=frozenset({404}))
        except HttpError:
            return None
        return to_message_meta(data)

    def thread_messages(self, thread_id: str) -> list[MessageMeta]:
        """Metadata of every message in a thread, oldest first; [] if the thread is gone."""
        from googleapiclient.errors import HttpError

        request = self.users.threads().get(
            userId="me", id=thread_id, format="metadata", metadataHeaders=list(METADATA_HEADERS)
        )
        try:
            data = self.api.read(request, "reading a thread", expect=frozenset({404}))
        except HttpError:
            return []
        return [to_message_meta(m) for m in data.get("messages") or ()]

    def create_draft(self, raw: bytes, thread_id: str | None) -> DraftRef:
        """drafts.create, exactly one attempt (never retried blindly)."""
        message: dict[str, Any] = {"raw": base64.urlsafe_b64encode(raw).decode("ascii")}
        if thread_id:
            message["threadId"] = thread_id
        request = self.users.drafts().create(userId="me", body={"message": message})
        data = self.api.write_once(request, "creating a draft")  # raises a FollowupError
        inner = data.get("message") or {}
        return DraftRef(str(data["id"]), str(inner.get("id", "")), str(inner.get("threadId", "")))

    def get_draft(self, draft_id: str) -> DraftRef | None:
        """The draft now, or None when it is gone (sent or deleted)."""
        from googleapiclient.errors import HttpError

        request = self.users.drafts().get(userId="me", id=draft_id, format="minimal")
        try:
            data = self.api.read(request, "reading a draft", expect=frozenset({404}))
        except HttpError:
            return None
        inner = data.get("message") or {}
        return DraftRef(str(data["id"]), str(inner.get("id", "")), str(inner.get("threadId", "")))

    def draft_key(self, draft_id: str) -> str | None:
        """The X-Followup-Key header value of a draft, as written; None if the draft is gone."""
        from googleapiclient.errors import HttpError

        request = self.users.drafts().get(userId="me", id=draft_id, format="metadata")
        try:
            data = self.api.read(request, "reading a draft", expect=frozenset({404}))
        except HttpError:
            return None
        return to_message_meta(data.get("message") or {}).header(KEY_HEADER) or None

    def list_drafts(self) -> list[DraftRef]:
        """Every draft in the mailbox (all pages)."""
        refs: list[DraftRef] = []
        page_token: str | None = None
        while True:
            request = self.users.drafts().list(
                userId="me", maxResults=PAGE_SIZE, pageToken=page_token
            )
            page = self.api.read(request, "listing drafts")
            for d in page.get("drafts") or ():
                inner = d.get("message") or {}
                refs.append(
                    DraftRef(str(d["id"]), str(inner.get("id", "")), str(inner.get("threadId", "")))
                )
            page_token = page.get("nextPageToken")
            if not page_token:
                return refs

    def delete_draft(self, draft_id: str) -> bool:
        """drafts.delete; False when it was already gone. Safe to retry (idempotent outcome)."""
        from googleapiclient.errors import HttpError

        request = self.users.drafts().delete(userId="me", id=draft_id)
        try:
            self.api.read(request, "deleting a draft", expect=frozenset({404}))
        except HttpError:
            return False
        return True


def to_message_meta(data: dict[str, Any]) -> MessageMeta:
    """Convert a messages resource (metadata format) into MessageMeta."""
    payload = data.get("payload") or {}
    headers = tuple(
        (well_formed(str(h.get("name", ""))), well_formed(str(h.get("value", ""))))
        for h in payload.get("headers") or ()
        if isinstance(h, dict)
    )
    try:
        millis = int(data.get("internalDate") or 0)
    except (TypeError, ValueError):
        millis = 0
    return MessageMeta(
        id=str(data.get("id", "")),
        thread_id=str(data.get("threadId", "")),
        internal_date=datetime.fromtimestamp(millis / 1000, tz=UTC),
        label_ids=tuple(data.get("labelIds") or ()),
        headers=headers,
        # Gmail sends the snippet HTML-escaped
        snippet=well_formed(html.unescape(str(data.get("snippet", "")))),
    )
