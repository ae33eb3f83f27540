"""Control methods for the Gmail side of the sandbox: deliveries and the user's own actions."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime
from typing import Any

from agent.sandbox.filler import fill
from agent.sandbox.mailbox import Mailbox, StoredMessage
from agent.sandbox.mailviews import message_resource
from agent.sandbox.mime import parse, set_headers, to_bytes
from agent.sandbox.wire import from_ms, require_aware, to_ms

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


class MailControls:
    """Mail arriving, and the user sending, editing and discarding drafts in the Gmail UI."""

    _lock: threading.RLock
    mail: Mailbox
    user_email: str
    now: Callable[[], datetime]
    default_sender: Callable[[], str]

    def _complete(self, raw: bytes, *, sender: bool) -> bytes:
        """Add Message-ID and Date (and From for the user's own mail) when missing."""
        parsed = parse(raw)
        missing: dict[str, str] = {}
        if not parsed.header("Message-ID"):
            missing["Message-ID"] = self._fresh_message_id()
        if not parsed.header("Date"):
            missing["Date"] = format_datetime(self.now())
        if sender and not parsed.header("From"):
            missing["From"] = self.default_sender()
        return set_headers(raw, missing) if missing else raw

    def _fresh_message_id(self) -> str:
        return f"<CASBX{self.mail.counter + 1:06d}{secrets.token_hex(6).upper()}@mail.gmail.com>"

    def deliver(
        self,
        raw: bytes | EmailMessage | Message,
        *,
        label_ids: Iterable[str] = ("INBOX", "UNREAD"),
        internal_date: datetime | None = None,
    ) -> dict[str, Any]:
        """An incoming message arrives; it joins a thread by References/In-Reply-To + subject."""
        data = to_bytes(raw)
        with self._lock:
            data = self._complete(data, sender=False)
            when = require_aware(internal_date, "internal_date") if internal_date else self.now()
            thread = self.mail.pick_thread(data, None, by_headers=True)
            msg = self.mail.add(data, list(label_ids), to_ms(when), thread)
            return message_resource(msg, "minimal")

    def seed_mailbox(
        self, messages: int = 0, drafts: int = 0, *, days: float = 365.0, seed: int = 0
    ) -> dict[str, int]:
        """Add unrelated mail fast: `messages` (received, sent, newsletters) and `drafts` of the
        user's, dated evenly over `days` up to an hour ago, already in the search index."""
        with self._lock:
            end = to_ms(self.now()) - HOUR_MS
            fill(self.mail, int(messages), int(drafts), end - int(days * DAY_MS), end, int(seed))
            total = sum("DRAFT" not in m.label_ids for m in self.mail.messages.values())
            return {"messages": total, "drafts": len(self.mail.drafts),
                    "history_id": self.mail.history_id}

    def user_send_draft(
        self, draft_id: str, *, drop_custom_headers: bool = False
    ) -> dict[str, Any]:
        """The user clicks Send: the draft goes; a SENT message (new id and Message-ID) appears.

        drop_custom_headers: the sent copy loses every X- header (the composer may drop them).
        """
        with self._lock:
            draft = self.mail.draft_message(draft_id)
            values = {"Message-ID": self._fresh_message_id(), "Date": format_datetime(self.now())}
            if not parse(draft.raw).header("From"):
                values["From"] = self.default_sender()
            raw = set_headers(draft.raw, values, drop_custom=drop_custom_headers)
            sent = self.mail.send_draft(draft_id, raw, to_ms(self.now()))
            return message_resource(sent, "minimal")

    def user_delete_draft(self, draft_id: str) -> None:
        """The user discards a draft without sending it."""
        with self._lock:
            self.mail.delete_draft(draft_id)

    def user_edit_draft(
        self,
        draft_id: str,
        raw: bytes | EmailMessage | Message | None = None,
        *,
        new_id: bool = False,
        drop_custom_headers: bool = False,
    ) -> dict[str, Any]:
        """The user edits a draft in Gmail: same thread, new message id (raw None: same text).

        new_id: Gmail's web app replaced the draft (a new draft id; the old one answers 404).
        drop_custom_headers: the edited draft loses every X- header.
        """
        with self._lock:
            data = self.mail.draft_message(draft_id).raw if raw is None else to_bytes(raw)
            if drop_custom_headers:
                data = set_headers(data, {}, drop_custom=True)
            draft_id, msg = self.mail.replace_draft(
                draft_id, data, None, to_ms(self.now()), keep_thread=True, new_id=new_id
            )
            return self._view(msg, draft_id)

    def user_send_message(
        self, raw: bytes | EmailMessage | Message, thread_id: str | None = None
    ) -> dict[str, Any]:
        """The user writes and sends a message themselves (label SENT)."""
        data = to_bytes(raw)
        with self._lock:
            data = self._complete(data, sender=True)
            thread = self.mail.pick_thread(data, thread_id, by_headers=thread_id is None)
            msg = self.mail.add(data, ["SENT"], to_ms(self.now()), thread)
            return message_resource(msg, "minimal")

    def modify_labels(
        self, message_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Add/remove labels on a message (e.g. the user reads it: remove UNREAD)."""
        with self._lock:
            msg = self.mail.modify_labels(message_id, list(add), list(remove))
            return message_resource(msg, "minimal")

    def _view(self, msg: StoredMessage, draft_id: str | None = None) -> dict[str, Any]:
        parsed = parse(msg.raw)
        out: dict[str, Any] = {
            "id": msg.id,
            "message_id": msg.id,
            "thread_id": msg.thread_id,
            "threadId": msg.thread_id,
            "label_ids": list(msg.label_ids),
            "internal_date": from_ms(msg.internal_ms),
            "history_id": msg.history_id,
            "raw": msg.raw,
            "headers": _first_headers(parsed.headers),
        }
        if draft_id is not None:
            out["id"] = draft_id
        return out

    def drafts(self) -> list[dict[str, Any]]:
        """Every draft, oldest first: {id, message_id, thread_id, label_ids, raw, headers, ...}."""
        with self._lock:
            return [self._view(self.mail.messages[m], d) for d, m in self.mail.drafts.items()]

    def messages(self) -> list[dict[str, Any]]:
        """Every non-draft message, oldest first (same shape as drafts(), id = message id)."""
        with self._lock:
            msgs = [m for m in self.mail.messages.values() if "DRAFT" not in m.label_ids]
            msgs.sort(key=lambda m: (m.internal_ms, m.id))
            return [self._view(m) for m in msgs]

    def get_message(self, message_id: str) -> dict[str, Any]:
        """One message (drafts' messages too) in the shape of messages()."""
        with self._lock:
            return self._view(self.mail.get(message_id))

    def history_id(self) -> int:
        """The mailbox's current history id."""
        with self._lock:
            return self.mail.history_id


def _first_headers(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Header name -> first value, in message order."""
    out: dict[str, str] = {}
    for name, value in headers:
        out.setdefault(name, value)
    return out
