"""Gmail as the engine's Mailbox: the account, history, searches in Gmail's syntax, drafts."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from googleapiclient.errors import HttpError

from agent.core.compose import signature_text
from agent.core.detect import APPLICANT_TRACKING
from agent.core.messages import MessageMeta
from agent.core.model import KEY_HEADER
from agent.core.ports import Account, CursorExpired, Draft, MailChanges, MailQuery, MessageRef
from agent.core.replies import parse_address
from agent.core.robot_mail import AUTO_HEADERS, REPORT_SENDERS, REPORT_SUBJECTS, bounded
from agent.core.text import printable, well_formed
from agent.google.client import Services

METADATA_HEADERS = (
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "Precedence", "Content-Type", "X-Failed-Recipients", "Return-Path",
    KEY_HEADER, *AUTO_HEADERS,
    # the rest of what tells machine-made mail and delivery reports (agent/core/robot_mail.py)
    "List-Id", "X-Auto-Response-Suppress", "X-MS-Exchange-Inbox-Rules-Loop",
    "X-MS-Exchange-Message-Is-Ndr", "List-Unsubscribe", "X-Mailer",
)
HISTORY_TYPES = ["messageAdded", "messageDeleted"]
PAGE_SIZE = 500
QUERY_CHARS = 4000  # a search is split into queries of about this length (URL-safe)
RESERVE_SHARE = 3  # reading stops when less than a third of the budget (and a margin) is left
RESERVE_MARGIN = 20  # one message read


class Gmail:
    """The Gmail calls a pass makes (the engine's Mailbox); drafts only, never a send."""

    def __init__(self, services: Services) -> None:
        self.users = services.gmail.users()
        self.api = services.api
        # built once: the client builds all of a resource's methods each time it is asked for
        self._messages = self.users.messages()
        self._drafts = self.users.drafts()

    def account(self) -> Account:
        """getProfile and settings.sendAs.list: the addresses, cursor and default sender."""
        profile = self.api.read(self.users.getProfile(userId="me"), "reading the Gmail profile")
        address = str(profile["emailAddress"]).lower()
        send_as = self.api.read(
            self.users.settings().sendAs().list(userId="me"), "reading your Gmail send-as addresses"
        )
        entries = [e for e in send_as.get("sendAs") or [] if isinstance(e, dict)]
        chosen = next((e for e in entries if e.get("isDefault")), None) or next(
            (e for e in entries if e.get("isPrimary")), {}
        )
        own = tuple(dict.fromkeys(
            str(e.get("sendAsEmail") or "").lower() for e in entries if e.get("sendAsEmail")
        ))
        return Account(
            address=address,
            cursor=str(profile["historyId"]),
            own_addresses=own or (address,),
            from_address=str(chosen.get("sendAsEmail") or address).lower(),
            name=well_formed(str(chosen.get("displayName") or "")),
            signature=signature_text(str(chosen.get("signature") or "")),
        )

    def changes(self, cursor: str) -> Iterator[MailChanges]:
        """history.list page by page, each with the cursor to resume from once it is applied."""
        # A page's cursor is its last record's id, the last page's the mailbox's position; a
        # page without records before the last names none.
        pages = self.api.pages(
            self.users.history().list, "reading Gmail history", expect=frozenset({404}),
            userId="me", startHistoryId=cursor, historyTypes=HISTORY_TYPES, maxResults=PAGE_SIZE,
        )
        try:
            for page in pages:
                records = page.get("history") or ()
                if not page.get("nextPageToken"):
                    position: str | None = str(page.get("historyId") or cursor)
                else:
                    position = str(records[-1].get("id")) if records else None
                yield MailChanges(*_history_records(records), position)
        except HttpError as exc:
            raise CursorExpired() from exc

    def can_read_more(self) -> bool:
        """True while more than a third of the pass's unit budget (and a margin) is left."""
        return self.api.budget - self.api.spent > self.api.budget // RESERVE_SHARE + RESERVE_MARGIN

    def find(self, query: MailQuery) -> list[MessageRef]:
        """The messages a query names, from as few Gmail searches as its length allows."""
        found: dict[str, MessageRef] = {}
        for q in gmail_queries(query):
            for ref in self._search(q, query.limit):
                found.setdefault(ref.message_id, ref)
        return list(found.values())

    def _search(self, q: str, limit: int) -> list[MessageRef]:
        """messages.list for one query, newest first, up to `limit`."""
        found: list[MessageRef] = []
        pages = self.api.pages(
            self._messages.list, "searching Gmail", userId="me", q=q,
            maxResults=min(PAGE_SIZE, limit),
        )
        for page in pages:
            found += [MessageRef(str(m["id"]), str(m.get("threadId", "")))
                      for m in page.get("messages") or ()]
            if len(found) >= limit:
                break
        return found[:limit]

    def message(self, message_id: str) -> MessageMeta | None:
        """A message's headers, labels, snippet and date; None if it is gone."""
        request = self._messages.get(
            userId="me", id=message_id, format="metadata", metadataHeaders=list(METADATA_HEADERS)
        )
        data = self.api.maybe(request, "reading a message")
        return None if data is None else to_message_meta(data)

    def thread(self, thread_id: str) -> list[MessageMeta]:
        """Metadata of every message in a thread, oldest first; [] if the thread is gone."""
        request = self.users.threads().get(
            userId="me", id=thread_id, format="metadata", metadataHeaders=list(METADATA_HEADERS)
        )
        data = self.api.maybe(request, "reading a thread") or {}
        return [to_message_meta(m) for m in data.get("messages") or ()]

    def full_message(self, message_id: str) -> bytes | None:
        """messages.get format=raw: the message as its sender's server wrote it."""
        request = self._messages.get(userId="me", id=message_id, format="raw")
        data = self.api.maybe(request, "reading a delivery report")
        if data is None:
            return None
        text = str(data.get("raw") or "")
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    def drafts_to(self, recipients: tuple[str, ...]) -> list[Draft]:
        """Every draft but those the search index knows are to someone else."""
        # So: the drafts to these people, and any too new for the index (drafts.list never lags).
        pages = self.api.pages(
            self._drafts.list, "listing drafts", userId="me", maxResults=PAGE_SIZE
        )
        listed = [_draft(d) for page in pages for d in page.get("drafts") or ()]
        if not listed or not recipients:
            return listed
        q = f"in:drafts -to:({' OR '.join(recipients)})"
        others = {r.message_id for r in self._search(q, len(listed) + 1)}
        return [d for d in listed if d.message_id not in others]

    def draft(self, draft_id: str) -> Draft | None:
        """drafts.get with the key header and recipients; None when the draft is gone."""
        request = self._drafts.get(userId="me", id=draft_id, format="metadata")
        data = self.api.maybe(request, "reading a draft") if draft_id else None
        if data is None:
            return None
        meta = to_message_meta(data.get("message") or {})
        to = tuple(
            parse_address(part)[1] for part in meta.header("To").split(",") if part.strip()
        )
        return Draft(str(data["id"]), meta.id, meta.thread_id, meta.header(KEY_HEADER), to)

    def create_draft(self, raw: bytes, thread_id: str | None) -> Draft:
        """drafts.create, exactly one attempt (never retried blindly)."""
        message: dict[str, Any] = {"raw": base64.urlsafe_b64encode(raw).decode("ascii")}
        if thread_id:
            message["threadId"] = thread_id
        request = self._drafts.create(userId="me", body={"message": message})
        return _draft(self.api.write_once(request, "creating a draft"))  # raises a FollowupError

    def delete_draft(self, draft_id: str) -> bool:
        """drafts.delete; False when it was already gone. Safe to retry (idempotent outcome)."""
        request = self._drafts.delete(userId="me", id=draft_id)
        return self.api.maybe(request, "deleting a draft") is not None


def gmail_queries(query: MailQuery) -> list[str]:
    """A MailQuery in Gmail's search syntax: groups of OR-ed clauses, each within QUERY_CHARS."""
    after = f"after:{int(query.since.timestamp())}"
    pieces: list[str] = []
    if query.delivery_reports:
        senders, subjects = " OR ".join(REPORT_SENDERS), " OR ".join(REPORT_SUBJECTS)
        pieces.append(f"{{from:({senders}) subject:({subjects})}}")
    senders_list = [*query.from_addresses, *query.from_domains]
    pieces += [f"from:({' OR '.join(c)})" for c in _chunks(senders_list, QUERY_CHARS // 2)]
    phrases = [p for p in (_phrase(c) for c in query.companies) if p]
    ats = f"from:({' OR '.join(APPLICANT_TRACKING)})"
    room = QUERY_CHARS // 2 - len(ats)
    pieces += [f"({ats} ({' OR '.join(c)}))" for c in _chunks(phrases, room)]
    queries = [f"{after} -in:drafts {{{' '.join(g)}}}" for g in _chunks(pieces, QUERY_CHARS)]
    queries += [
        f"{after} in:sent to:({' OR '.join(c)})" for c in _chunks(list(query.sent_to), QUERY_CHARS)
    ]
    return queries


def _phrase(company: str) -> str:
    """Event text fit to sit between the quotes of a search phrase."""
    text = " ".join(printable(company).replace('"', " ").split())
    return f'"{text}"' if text else ""


def _chunks(terms: list[str], size: int) -> list[list[str]]:
    """Terms in groups whose joined length stays about `size` characters."""
    out: list[list[str]] = []
    current: list[str] = []
    length = 0
    for term in terms:
        if current and length + len(term) + 4 > size:
            out.append(current)
            current, length = [], 0
        current.append(term)
        length += len(term) + 4
    if current:
        out.append(current)
    return out


def _draft(data: dict[str, Any]) -> Draft:
    """A drafts resource (id and message ids only) as a Draft."""
    inner = data.get("message") or {}
    return Draft(str(data["id"]), str(inner.get("id", "")), str(inner.get("threadId", "")))


def _history_records(records: Any) -> tuple[tuple[MessageRef, ...], tuple[str, ...]]:
    """Messages added (id, thread, labels) and ids deleted in a page of history records."""
    added: list[MessageRef] = []
    deleted: list[str] = []
    for record in records:
        for entry in record.get("messagesAdded") or ():
            msg = entry.get("message") or {}
            labels = tuple(msg.get("labelIds") or ())
            added.append(MessageRef(str(msg.get("id")), str(msg.get("threadId", "")), labels))
        for entry in record.get("messagesDeleted") or ():
            deleted.append(str((entry.get("message") or {}).get("id")))
    return tuple(added), tuple(deleted)


def to_message_meta(data: dict[str, Any]) -> MessageMeta:
    """A messages resource (metadata format) as MessageMeta, within the caps on outsiders' text
    (core/robot_mail.py)."""
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
    return bounded(MessageMeta(
        id=str(data.get("id", "")),
        thread_id=str(data.get("threadId", "")),
        internal_date=datetime.fromtimestamp(millis / 1000, tz=UTC),
        label_ids=tuple(data.get("labelIds") or ()),
        headers=headers,
        # Gmail sends the snippet HTML-escaped
        snippet=well_formed(html.unescape(str(data.get("snippet", "")))),
    ))
