"""What one run of the engine works with, and what it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.compose import Sender, TemplateSet
from agent.core.ports import CalendarSource, DraftRef, Mailbox
from agent.core.settings import Settings
from agent.store.db import Store


@dataclass(frozen=True)
class Action:
    """One thing a tick did (or, in a dry run, would do)."""

    kind: str  # drafted, skipped, stopped, removed, found, moved, cancelled, ...
    interview_key: str
    detail: str


@dataclass
class Run:
    """The mutable record of one tick: actions taken and the next wake-up."""

    actions: list[Action] = field(default_factory=list)
    next_due: datetime | None = None
    unknown_drafts: dict[str, DraftRef] | None = None  # key header -> draft, built on demand
    sender: Sender | None = None  # who the drafts are from (engine/sender.py), once per run
    mail_index: object = None  # engine.mail_index.MailIndex, built on first use in a tick
    plans: int = 0  # interviews whose plan this tick computed (idle ones are not: store/wakeups)

    def note(self, kind: str, key: str, detail: str) -> None:
        """Record an action."""
        self.actions.append(Action(kind, key, detail))

    def wake_at(self, when: datetime | None) -> None:
        """Keep the earliest future due time."""
        if when is not None and (self.next_due is None or when < self.next_due):
            self.next_due = when


@dataclass
class Context:
    """Everything a tick needs, built once per run."""

    settings: Settings
    store: Store
    mailbox: Mailbox
    calendar: CalendarSource
    templates: TemplateSet
    user_email: str
    zone: ZoneInfo
    business: BusinessCalendar
    run: Run = field(default_factory=Run)
    dry_run: bool = False
    key_secret: bytes = b""  # behind each draft's opaque key header (agent/store/key_secret.py)
    plan_inputs: str = ""  # fingerprint of what every plan depends on besides its own rows


class Offline:
    """The mailbox and calendar of a command that makes no API call: any call is a bug."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"an offline command tried to reach Google ({name})")
