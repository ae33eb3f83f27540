"""What one pass works with, and each interview's state as one unit of work.

A `Pass` holds the parts a tick (or a command) runs with and what it did. A `Sequence` is one
interview's state (the interview, its step rows, the mail the candidate sent), loaded once per
pass and changed only through its methods: moving a step writes its row, its journal line and
the pass's note together, in one transaction, and keeps the loaded state in line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.compose import Sender, TemplateSet, sender_for
from agent.core.errors import FollowupError
from agent.core.interviews import Contact, Interview
from agent.core.messages import MessageMeta
from agent.core.model import WATCHED, InterviewStatus, StepName, StepState
from agent.core.ports import Account, CalendarSource, Mailbox
from agent.core.settings import Settings
from agent.core.text import one_line
from agent.store import kv, sequences, set_aside
from agent.store.db import Store
from agent.store.sequences import InterviewRow, SentRow, StepRow

log = logging.getLogger(__name__)

# Raise when a change to the rules can change what a stored wake-up (store/sequences.py) stands for.
PLAN_VERSION = 1


@dataclass(frozen=True)
class Session:
    """The parts one pass runs with (built per pass: Gmail's unit budget is the mailbox's)."""

    settings: Settings
    store: Store
    mailbox: Mailbox
    calendar: CalendarSource
    templates: TemplateSet
    key_secret: bytes = b""  # behind each draft's opaque key header


@dataclass(frozen=True)
class Action:
    """One thing a pass did (or, in a dry run, would do)."""

    kind: str  # drafted, skipped, stopped, removed, found, moved, cancelled, ...
    interview_key: str
    detail: str


class Offline:
    """The mailbox and calendar of a command that makes no API call: any call is a bug."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"an offline command tried to reach Google ({name})")


@dataclass
class Pass:
    """One pass: its parts, what it loaded, what it did, and when it should wake next."""

    session: Session
    now: datetime
    zone: ZoneInfo
    business: BusinessCalendar
    account: Account
    dry_run: bool = False
    actions: list[Action] = field(default_factory=list)
    next_due: datetime | None = None
    plans: int = 0  # interviews whose plan this pass computed (idle ones are not)
    fresh_account: Account | None = None  # read from the mailbox during this pass
    _sequences: dict[str, Sequence] = field(default_factory=dict)
    _notes: list[Action] | None = None  # notes of the open transaction
    cache: dict[str, Any] = field(default_factory=dict)  # built once per pass (the mail index)

    @property
    def settings(self) -> Settings:
        """The settings."""
        return self.session.settings

    @property
    def conn(self) -> sqlite3.Connection:
        """state.db's connection."""
        return self.session.store.conn

    @property
    def mailbox(self) -> Mailbox:
        """The mailbox."""
        return self.session.mailbox

    @property
    def user(self) -> str:
        """The candidate's primary address."""
        return self.account.address

    @property
    def own_addresses(self) -> frozenset[str]:
        """Every address the candidate's mail comes from."""
        return frozenset({self.account.address, *self.account.own_addresses} - {""})

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction (joined when one is open); notes are kept only when it commits."""
        if self._notes is not None:
            yield self.conn
            return
        self._notes = []
        try:
            with self.session.store.write() as conn:
                yield conn
        except BaseException:
            self._sequences.clear()  # loaded state may be ahead of what was rolled back
            raise
        finally:
            notes, self._notes = self._notes, None
        self.actions.extend(notes)

    def note(self, kind: str, key: str, detail: str) -> None:
        """Record what the pass did (with the open transaction, when there is one)."""
        action = Action(kind, key, detail)
        if self._notes is not None:
            self._notes.append(action)
        else:
            self.actions.append(action)

    def wake_at(self, when: datetime | None) -> None:
        """Keep the earliest future due time."""
        if when is not None and (self.next_due is None or when < self.next_due):
            self.next_due = when

    def sequence(self, key: str) -> Sequence | None:
        """One interview's state, loaded once per pass."""
        if key not in self._sequences:
            row = sequences.get_interview(self.conn, key)
            if row is None:
                return None
            steps = sequences.get_steps(self.conn, key)
            sent = sequences.sent_messages(self.conn, key)
            self._sequences[key] = Sequence(self, row, steps, sent)
        return self._sequences[key]

    def watched(self, statuses: tuple[InterviewStatus, ...] = WATCHED) -> list[Sequence]:
        """The sequences in these statuses, in start order."""
        keys = sequences.keys_with_status(self.conn, statuses)
        found = [s for s in map(self.sequence, keys) if s is not None and s.status in statuses]
        return sorted(found, key=lambda s: (s.interview.start, s.key))

    def refresh_account(self) -> Account:
        """The account as the mailbox tells it now (once per pass), remembered in state.db."""
        if self.fresh_account is None:
            self.fresh_account = self.mailbox.account()
            self.account = dataclasses.replace(self.fresh_account, cursor="")
            if not self.dry_run:
                with self.write():
                    kv.set_account(self.conn, self.account)
        return self.fresh_account

    def sender(self) -> Sender:
        """Who the drafts are from: the settings' name and signature, else the account's."""
        return sender_for(self.settings.user, self.account)


def open_pass(
    session: Session, now: datetime, *, dry_run: bool = False, online: bool = True
) -> Pass:
    """A pass over state.db; with `online`, the account is read from the mailbox when unknown."""
    if now.tzinfo is None:
        raise ValueError("a pass needs an aware `now`")
    settings, conn = session.settings, session.store.conn
    account = kv.account(conn) or Account(address=settings.user.email.lower(), cursor="")
    p = Pass(
        session, now, zone_of(settings, conn),
        BusinessCalendar.from_settings(settings), account,
        dry_run=dry_run,
    )
    if online and not kv.account(conn):
        p.refresh_account()
    if settings.user.email:
        p.account = dataclasses.replace(p.account, address=settings.user.email.lower())
    return p


def zone_of(settings: Settings, conn: sqlite3.Connection) -> ZoneInfo:
    """The candidate's zone: the setting, else the first calendar's as last seen, else UTC."""
    return ZoneInfo(settings.user.timezone or kv.zone(conn) or "UTC")


def plan_inputs(settings: Settings, zone_name: str) -> str:
    """A fingerprint of what every interview's plan depends on besides its own rows."""
    text = f"{PLAN_VERSION}|{settings!r}|{zone_name}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- one interview's state -----------------------------------------------------------------------


@dataclass
class Sequence:
    """One interview's state in this pass; every change goes through its methods."""

    p: Pass
    row: InterviewRow
    steps: list[StepRow]
    sent: list[SentRow]

    @property
    def key(self) -> str:
        """The interview's key."""
        return self.row.interview.key

    @property
    def interview(self) -> Interview:
        """The interview."""
        return self.row.interview

    @property
    def status(self) -> InterviewStatus:
        """Where the sequence stands."""
        return self.row.status

    def contact(self, email: str) -> Contact:
        """The interview's contact with this address."""
        for contact in (*self.interview.contacts, self.interview.primary):
            if contact.email == email:
                return contact
        return Contact(email=email)

    def rows(
        self, step: StepName | None = None, *, recipient: str | None = None,
        states: tuple[StepState, ...] | None = None,
    ) -> list[StepRow]:
        """Step rows, optionally of one step, one recipient, some states (in sequence order)."""
        return [
            r for r in self.steps
            if (step is None or r.step == step)
            and (recipient is None or r.recipient == recipient)
            and (states is None or r.state in states)
        ]

    def current(self, row: StepRow) -> StepRow | None:
        """The row as it is now (another change may have moved it)."""
        same = (row.step, row.recipient)
        return next((r for r in self.steps if (r.step, r.recipient) == same), None)

    def tell(self, kind: str, detail: str, note: str | None = None) -> None:
        """A line of the interview's story, and the pass's note of it."""
        with self.p.write():
            sequences.journal(self.p.conn, self.p.now, self.key, kind, detail)
            self.p.note(kind, self.key, detail if note is None else note)

    def move(
        self, row: StepRow, state: StepState | None = None, reason: str | None = None, *,
        tell: tuple[str, str] | None = None, note: str | None = None, **ids: str | None,
    ) -> StepRow:
        """Change one step row (state, reason, draft and message ids), with a story line (and
        a note of it other than the line, when given)."""
        now = self.p.now
        current = self.current(row) or row
        changes: dict[str, Any] = {"updated_at": now, **ids}
        if state is not None:
            changes["state"] = state
        if reason is not None:
            changes["reason"] = reason
        new = dataclasses.replace(current, **changes)
        with self.p.write():
            sequences.put_step(self.p.conn, new)
            if tell is not None:
                self.tell(*tell, note=note)
        self._keep(new)
        return new

    def plan_row(self, step: StepName, recipient: str, due: datetime) -> None:
        """Create a planned row, or move a still-planned one to its new time."""
        current = self.rows(step, recipient=recipient)
        if current and (current[0].state != StepState.PLANNED or current[0].due == due):
            return
        new = StepRow(self.key, step, recipient, due, StepState.PLANNED, None, None, None, None,
                      current[0].reason if current else "", self.p.now)
        with self.p.write():
            sequences.put_step(self.p.conn, new)
        self._keep(new)

    def drop_row(self, row: StepRow) -> None:
        """Remove a planned row that is no longer in the plan."""
        with self.p.write():
            sequences.delete_step(self.p.conn, row)
        self.steps = [r for r in self.steps if (r.step, r.recipient) != (row.step, row.recipient)]

    def _keep(self, new: StepRow) -> None:
        """Put a written row into the loaded state."""
        others = [r for r in self.steps if (r.step, r.recipient) != (new.step, new.recipient)]
        self.steps = sorted([*others, new], key=sequences.step_order)

    def set_status(
        self, status: InterviewStatus, reason: str, *, tell: tuple[str, str] | None = None,
        note: str | None = None,
    ) -> None:
        """Change the sequence's status, with a story line."""
        with self.p.write():
            sequences.set_status(self.p.conn, self.key, status, reason, self.p.now)
            if tell is not None:
                self.tell(*tell, note=note)
        self.row = dataclasses.replace(
            self.row, status=status, status_reason=reason, status_at=self.p.now
        )

    def set_interview(self, interview: Interview, company_key: str) -> None:
        """Store the interview as detected now."""
        with self.p.write():
            sequences.put_interview(self.p.conn, interview, company_key, self.p.now)
        self.row = dataclasses.replace(self.row, interview=interview)

    def mark(self, mark: str, value: datetime | str | None) -> None:
        """Set one of the interview's bookkeeping columns (see store.sequences.MARKS)."""
        text = value.isoformat() if isinstance(value, datetime) else value
        with self.p.write():
            sequences.set_mark(self.p.conn, self.key, mark, text)
        self.row = dataclasses.replace(
            self.row, **{mark: datetime.fromisoformat(text) if text and mark != "delay_until"
                         else text}
        )

    def record_sent(self, contact: str, meta: MessageMeta) -> None:
        """Remember a message the candidate sent to a contact (the thread later steps answer)."""
        if any(s.message_id == meta.id and s.contact == contact for s in self.sent):
            return
        sent = SentRow(
            self.key, contact, meta.id, meta.thread_id, meta.header("Message-ID"),
            meta.header("Subject"), meta.header("References"), meta.internal_date,
        )
        with self.p.write():
            sequences.record_sent(self.p.conn, sent)
        self.sent = sorted([*self.sent, sent], key=lambda s: (s.sent_at, s.message_id))

    def threads(self) -> frozenset[str]:
        """Threads of this sequence's drafts and of what the candidate sent."""
        return frozenset(r.thread_id for r in self.steps if r.thread_id) | frozenset(
            s.thread_id for s in self.sent if s.thread_id
        )


# --- items that cannot be processed --------------------------------------------------------------

ITEM_SQLITE_ERRORS = (
    sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError, sqlite3.ProgrammingError,
)


def item_fault(exc: BaseException) -> bool:
    """True for a failure that belongs to the item being processed, not to the run."""
    if isinstance(exc, FollowupError):
        return False
    if isinstance(exc, sqlite3.Error):
        return isinstance(exc, ITEM_SQLITE_ERRORS)
    return isinstance(exc, Exception)


def guarded(
    p: Pass, kind: str, item_id: str, title: str, process: Callable[[], object]
) -> bool:
    """Run `process` for one calendar event or message; one that fails is set aside with its
    reason (`followup status` lists it) and the pass goes on. True when it went through.

    Anyone can put an event on the candidate's calendar or a message in their inbox; failures
    of the run itself (Google's, state.db's, every FollowupError) still end the pass.
    """
    try:
        process()
    except Exception as exc:
        if not item_fault(exc):
            raise
        log.warning("%s %s could not be processed", kind, item_id, exc_info=True)
        put_aside(p, kind, item_id, title, f"could not be processed: {type(exc).__name__}: {exc}")
        return False
    return True


def put_aside(p: Pass, kind: str, item_id: str, title: str, reason: str) -> None:
    """Record an item passed over, with why."""
    shown, why = one_line(title, 200), one_line(reason, 300)
    with p.write():
        set_aside.put(p.conn, set_aside.SetAside(kind, item_id, shown, why, p.now))
        p.note("set-aside", item_id, f"{kind} {shown!r}: {why}")
