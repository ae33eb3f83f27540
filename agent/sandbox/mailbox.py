"""Gmail state: messages, threads, drafts, labels and the history log (no locking, no HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.sandbox.mime import Parsed, normalize_subject, parse
from agent.sandbox.wire import ApiError, b64url_decode, b64url_encode

SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "DRAFT",
    "UNREAD",
    "SPAM",
    "TRASH",
    "STARRED",
    "IMPORTANT",
    "CHAT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
)
_ID_BASE = 0x19A0_0000_0000_0000
_DRAFT_BASE = 7_000_000_000_000_000_000


@dataclass
class StoredMessage:
    """One message as Gmail keeps it: the raw bytes plus mailbox metadata."""

    id: str
    thread_id: str
    raw: bytes
    label_ids: list[str]
    internal_ms: int
    history_id: int
    arrived_ms: int = 0  # sandbox clock when it reached the mailbox (the search index's lag)

    @property
    def parsed(self) -> Parsed:
        """Its headers and text (parsed once)."""
        return parse(self.raw)


@dataclass
class HistoryEntry:
    """One change to the mailbox (one history record)."""

    id: int
    kind: str  # messagesAdded | messagesDeleted | labelsAdded | labelsRemoved
    message_id: str
    thread_id: str
    label_ids: list[str]  # the message's labels after the change
    changed: list[str] = field(default_factory=list)  # labels added or removed


class Mailbox:
    """The user's mailbox; every mutation appends history and bumps the history id."""

    def __init__(self, user_email: str) -> None:
        self.user = user_email
        self.clock_ms: Callable[[], int] | None = None  # set by the World: its sandbox clock
        self.messages: dict[str, StoredMessage] = {}
        self.threads: dict[str, list[str]] = {}
        self.thread_subjects: dict[str, str] = {}
        self.drafts: dict[str, str] = {}  # draft id -> message id
        self.history: list[HistoryEntry] = []
        self.history_id = 1000
        self.history_floor = 0
        self.counter = 0
        self.user_labels: dict[str, str] = {}  # id -> name
        self.by_msgid: dict[str, list[str]] = {}

    # -- ids and history -------------------------------------------------------------------

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def new_message_id(self) -> str:
        """A fresh Gmail-looking message id (16 hex digits, increasing)."""
        return f"{_ID_BASE + self._next():016x}"

    def new_draft_id(self) -> str:
        """A fresh Gmail-looking draft id ("r" and digits, increasing)."""
        return f"r{_DRAFT_BASE + self._next()}"

    def _record(self, kind: str, msg: StoredMessage, changed: list[str] | None = None) -> None:
        self.history_id += 1
        msg.history_id = self.history_id
        self.history.append(
            HistoryEntry(
                self.history_id,
                kind,
                msg.id,
                msg.thread_id,
                list(msg.label_ids),
                list(changed or []),
            )
        )

    def expire_history(self) -> None:
        """Every startHistoryId older than the current one now answers 404."""
        self.history_floor = self.history_id
        self.history = [h for h in self.history if h.id > self.history_floor]

    def label_names(self) -> dict[str, str]:
        """Label id -> name for system and user labels."""
        return {**{label: label for label in SYSTEM_LABELS}, **self.user_labels}

    def ensure_labels(self, label_ids: list[str]) -> None:
        """Create user labels for ids that are not system labels."""
        for label in label_ids:
            if label not in SYSTEM_LABELS and label not in self.user_labels:
                self.user_labels[label] = label

    # -- threading -------------------------------------------------------------------------

    def thread_of_msgid(self, ref: str) -> str | None:
        """The thread holding a non-draft message with that Message-ID header."""
        for msg_id in reversed(self.by_msgid.get(ref, [])):
            msg = self.messages.get(msg_id)
            if msg is not None and "DRAFT" not in msg.label_ids:
                return msg.thread_id
        return None

    def pick_thread(self, raw: bytes, requested: str | None, by_headers: bool) -> str | None:
        """The thread a new message joins, or None for a new thread.

        It joins when it names a known message of the thread in In-Reply-To/References and its
        subject matches the thread's or the named message's (Re:/Fwd: prefixes aside: a
        message sent with an edited subject can be answered under that subject). With
        `requested` (the API's threadId) only that thread is considered; without it, only when
        `by_headers`.
        """
        parsed = parse(raw)
        subject = normalize_subject(parsed.subject)
        if requested and requested not in self.threads:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        if not requested and not by_headers:
            return None
        for ref in parsed.refs:
            thread = self.thread_of_msgid(ref)
            if thread is None or (requested and thread != requested):
                continue
            if subject in (self.thread_subjects[thread], self._subject_of_msgid(ref)):
                return thread
        return None

    def _subject_of_msgid(self, ref: str) -> str | None:
        """The normalized subject of the newest non-draft message with this Message-ID."""
        for msg_id in reversed(self.by_msgid.get(ref, [])):
            msg = self.messages.get(msg_id)
            if msg is not None and "DRAFT" not in msg.label_ids:
                return normalize_subject(parse(msg.raw).subject)
        return None

    # -- messages --------------------------------------------------------------------------

    def add(
        self,
        raw: bytes,
        label_ids: list[str],
        internal_ms: int,
        thread_id: str | None,
        arrived_ms: int | None = None,
    ) -> StoredMessage:
        """Store a message in thread_id (None: a new thread named after the message).

        arrived_ms: when the search index took it in (default: now on the sandbox clock).
        """
        self.ensure_labels(label_ids)
        msg_id = self.new_message_id()
        thread = thread_id or msg_id
        arrived = arrived_ms
        if arrived is None:
            arrived = self.clock_ms() if self.clock_ms is not None else internal_ms
        labels = list(dict.fromkeys(label_ids))
        msg = StoredMessage(msg_id, thread, raw, labels, internal_ms, 0, arrived)
        self.messages[msg_id] = msg
        if thread not in self.threads:
            self.threads[thread] = []
            self.thread_subjects[thread] = normalize_subject(parse(raw).subject)
        self.threads[thread].append(msg_id)
        ref = parse(raw).message_id
        if ref:
            self.by_msgid.setdefault(ref, []).append(msg_id)
        self._record("messagesAdded", msg)
        return msg

    def remove(self, msg_id: str) -> StoredMessage:
        """Delete a message for good (history: messagesDeleted)."""
        msg = self.get(msg_id)
        del self.messages[msg_id]
        members = self.threads.get(msg.thread_id, [])
        if msg_id in members:
            members.remove(msg_id)
        if not members:
            self.threads.pop(msg.thread_id, None)
            self.thread_subjects.pop(msg.thread_id, None)
        ref = parse(msg.raw).message_id
        if ref and msg_id in self.by_msgid.get(ref, []):
            self.by_msgid[ref].remove(msg_id)
        self._record("messagesDeleted", msg)
        return msg

    def get(self, msg_id: str) -> StoredMessage:
        """A message by id, else 404."""
        msg = self.messages.get(msg_id)
        if msg is None:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        return msg

    def modify_labels(self, msg_id: str, add: list[str], remove: list[str]) -> StoredMessage:
        """Add and remove labels (history: labelsAdded / labelsRemoved)."""
        msg = self.get(msg_id)
        self.ensure_labels(add)
        added = [label for label in add if label not in msg.label_ids]
        removed = [label for label in remove if label in msg.label_ids]
        if added:
            msg.label_ids.extend(added)
            self._record("labelsAdded", msg, added)
        if removed:
            msg.label_ids = [label for label in msg.label_ids if label not in removed]
            self._record("labelsRemoved", msg, removed)
        return msg

    # -- drafts ----------------------------------------------------------------------------

    def draft_message(self, draft_id: str) -> StoredMessage:
        """The message inside a draft, else 404."""
        msg_id = self.drafts.get(draft_id)
        if msg_id is None:
            raise ApiError(404, "notFound", "Requested entity was not found.")
        return self.messages[msg_id]

    def create_draft(
        self, raw: bytes, thread_id: str | None, internal_ms: int
    ) -> tuple[str, StoredMessage]:
        """drafts.create: a DRAFT message, threaded only by threadId + headers + subject."""
        thread = self.pick_thread(raw, thread_id, by_headers=False)
        msg = self.add(raw, ["DRAFT"], internal_ms, thread)
        draft_id = self.new_draft_id()
        self.drafts[draft_id] = msg.id
        return draft_id, msg

    def replace_draft(
        self,
        draft_id: str,
        raw: bytes,
        thread_id: str | None,
        internal_ms: int,
        *,
        keep_thread: bool = False,
        new_id: bool = False,
    ) -> tuple[str, StoredMessage]:
        """drafts.update (or the user editing): a new message inside; new_id: a new draft too.

        The new message is added before the old one is removed (history: messagesAdded, then
        messagesDeleted), so a draft alone in its thread keeps the thread id.
        """
        old = self.draft_message(draft_id)
        if keep_thread:
            thread = old.thread_id
        else:
            thread = self.pick_thread(raw, thread_id, by_headers=False) if thread_id else None
        msg = self.add(raw, ["DRAFT"], internal_ms, thread)
        if new_id:
            del self.drafts[draft_id]
            draft_id = self.new_draft_id()
        self.drafts[draft_id] = msg.id
        self.remove(old.id)
        return draft_id, msg

    def delete_draft(self, draft_id: str) -> None:
        """drafts.delete (or the user discarding it)."""
        msg = self.draft_message(draft_id)
        del self.drafts[draft_id]
        self.remove(msg.id)

    def send_draft(self, draft_id: str, raw: bytes, internal_ms: int) -> StoredMessage:
        """The user sent the draft: it disappears; `raw` (rewritten) appears as SENT in its thread.

        Added before the draft is removed, so a draft alone in its thread keeps the thread id.
        """
        draft = self.draft_message(draft_id)
        sent = self.add(raw, ["SENT"], internal_ms, draft.thread_id)
        del self.drafts[draft_id]
        self.remove(draft.id)
        return sent

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {
            "user": self.user,
            "messages": [
                {**asdict(m), "raw": b64url_encode(m.raw)} for m in self.messages.values()
            ],
            "threads": self.threads,
            "thread_subjects": self.thread_subjects,
            "drafts": self.drafts,
            "history": [asdict(h) for h in self.history],
            "history_id": self.history_id,
            "history_floor": self.history_floor,
            "counter": self.counter,
            "user_labels": self.user_labels,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mailbox:
        """Rebuild from to_dict output."""
        box = cls(data["user"])
        for m in data["messages"]:
            msg = StoredMessage(**{**m, "raw": b64url_decode(m["raw"])})
            box.messages[msg.id] = msg
            ref = parse(msg.raw).message_id
            if ref:
                box.by_msgid.setdefault(ref, []).append(msg.id)
        box.threads = {k: list(v) for k, v in data["threads"].items()}
        box.thread_subjects = dict(data["thread_subjects"])
        box.drafts = dict(data["drafts"])
        box.history = [HistoryEntry(**h) for h in data["history"]]
        box.history_id = int(data["history_id"])
        box.history_floor = int(data["history_floor"])
        box.counter = int(data["counter"])
        box.user_labels = dict(data["user_labels"])
        return box
