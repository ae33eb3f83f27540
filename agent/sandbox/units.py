"""Gmail quota units: what each method costs, the running totals, and a per-minute limit."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WINDOW = timedelta(minutes=1)
DEFAULT_COST = 5
# Per request, per Google's Gmail quota reference (messages.get / drafts.get / threads.get
# at their 2026 prices). Calendar methods are not metered in units (cost 0).
COSTS = {
    "gmail.users.getProfile": 1,
    "gmail.users.watch": 100,
    "gmail.users.stop": 50,
    "gmail.users.history.list": 2,
    "gmail.users.labels.list": 1,
    "gmail.users.labels.get": 1,
    "gmail.users.labels.create": 5,
    "gmail.users.labels.delete": 5,
    "gmail.users.labels.patch": 5,
    "gmail.users.labels.update": 5,
    "gmail.users.drafts.create": 10,
    "gmail.users.drafts.delete": 10,
    "gmail.users.drafts.get": 20,
    "gmail.users.drafts.list": 5,
    "gmail.users.drafts.send": 100,
    "gmail.users.drafts.update": 15,
    "gmail.users.messages.get": 20,
    "gmail.users.messages.list": 5,
    "gmail.users.messages.send": 100,
    "gmail.users.messages.attachments.get": 5,
    "gmail.users.messages.batchDelete": 50,
    "gmail.users.messages.batchModify": 50,
    "gmail.users.messages.delete": 10,
    "gmail.users.messages.import": 25,
    "gmail.users.messages.insert": 25,
    "gmail.users.messages.modify": 5,
    "gmail.users.messages.trash": 5,
    "gmail.users.messages.untrash": 5,
    "gmail.users.threads.get": 40,
    "gmail.users.threads.list": 10,
    "gmail.users.threads.modify": 10,
    "gmail.users.threads.trash": 10,
    "gmail.users.threads.untrash": 10,
    "gmail.users.threads.delete": 20,
    "gmail.users.settings.sendAs.list": 1,
    "gmail.users.settings.sendAs.get": 1,
}


def cost(method_id: str) -> int:
    """Quota units one request to this method uses (Gmail only; unknown Gmail methods: 5)."""
    if not method_id.startswith("gmail."):
        return 0
    return COSTS.get(method_id, DEFAULT_COST)


@dataclass
class QuotaMeter:
    """Units used per method, and an optional per-user per-minute limit on the sandbox clock.

    The window is sliding: a request is refused when the units charged in the minute before
    it (by the sandbox clock) plus its own cost would pass the limit. Refused requests are
    not charged.
    """

    per_minute: int | None = None
    total: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    window: deque[tuple[datetime, int]] = field(default_factory=deque)

    def used(self, now: datetime) -> int:
        """Units charged within the minute before `now`."""
        while self.window and self.window[0][0] <= now - WINDOW:
            self.window.popleft()
        return sum(units for _, units in self.window)

    def admit(self, method_id: str, now: datetime) -> int | None:
        """Charge one request; its cost, or None when the limit refuses it."""
        units = cost(method_id)
        if not units:
            return 0
        if self.per_minute is not None and self.used(now) + units > self.per_minute:
            return None
        self.window.append((now, units))
        self.total += units
        self.by_method[method_id] += units
        return units

    def clear_totals(self) -> None:
        """Forget the totals (with the request log); the rate window keeps its charges."""
        self.total = 0
        self.by_method.clear()

    def summary(self) -> dict[str, Any]:
        """`{"total": N, "by_method": {method id: units}}`."""
        return {"total": self.total, "by_method": dict(self.by_method)}
