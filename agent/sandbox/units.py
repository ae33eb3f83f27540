"""Gmail quota units charged: running totals and a per-minute limit (costs: google/quota.py)."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agent.google.quota import units as cost

WINDOW = timedelta(minutes=1)


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
