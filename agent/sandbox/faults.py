"""Injected faults and the request log."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.sandbox.wire import parse_datetime


@dataclass(frozen=True)
class RequestRecord:
    """One API request the sandbox answered (status 0: no answer, the connection was dropped).

    `units`: Gmail quota units charged; `refused`: turned away by the per-minute quota (429,
    nothing charged); `fault`: the injected fault that hit it ("503", "reset", "close", ...).
    """

    method: str  # discovery method id, e.g. "gmail.users.drafts.create"
    verb: str
    path: str
    query: dict[str, Any]
    status: int
    at: datetime
    body: dict[str, Any] | None = None
    units: int = 0
    refused: bool = False
    fault: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetime as ISO 8601)."""
        return {
            "method": self.method,
            "verb": self.verb,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "at": self.at.isoformat(),
            "body": self.body,
            "units": self.units,
            "refused": self.refused,
            "fault": self.fault,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestRecord:
        """Inverse of to_dict."""
        return cls(
            data["method"],
            data["verb"],
            data["path"],
            dict(data["query"]),
            int(data["status"]),
            parse_datetime(data["at"]),
            data.get("body"),
            int(data.get("units", 0)),
            bool(data.get("refused", False)),
            str(data.get("fault", "")),
        )

    @property
    def is_send(self) -> bool:
        """True for users.messages.send / users.drafts.send on any path."""
        return self.method in SEND_METHODS


SEND_METHODS = frozenset({"gmail.users.messages.send", "gmail.users.drafts.send"})
# Never written to the request log (form fields and query parameters alike).
SECRET_FIELDS = frozenset(
    {"access_token", "refresh_token", "client_secret", "code", "code_verifier", "token",
     "id_token", "assertion", "password", "key"}
)


FAULT_MODES = ("reset", "close")


@dataclass(frozen=True)
class Fault:
    """What to do to matching requests: answer `status` (0: no answer at all).

    With status 0, `mode` says how the connection ends: "reset" (TCP RST; http.client sees
    ConnectionResetError and httplib2 does not re-send) or "close" (a clean close without a
    byte of answer; http.client sees RemoteDisconnected and httplib2 silently re-sends the
    request, whatever its method). `reason` None: the usual reason for the status;
    "": an errors entry without a reason.
    """

    method: str
    status: int
    reason: str | None
    count: int | None = 1
    rate: float | None = None
    delay: float = 0.0
    after: bool = False  # perform the request first, then fail
    mode: str = "reset"

    @property
    def label(self) -> str:
        """How the request log names this fault: "reset", "close" or the status code."""
        return self.mode if self.status == 0 else str(self.status)


@dataclass
class FaultBook:
    """Active faults, consumed in the order they were injected."""

    seed: int | None = None
    faults: list[Fault] = field(default_factory=list)
    remaining: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def add(
        self,
        method: str,
        status: int,
        *,
        count: int | None = 1,
        rate: float | None = None,
        reason: str | None = None,
        delay: float = 0.0,
        after: bool = False,
        mode: str = "reset",
    ) -> Fault:
        """Register a fault; 0 with after=True drops the connection after doing the work."""
        if status != 0 and not 400 <= status <= 599:
            raise ValueError(f"fault status must be 0 or 4xx/5xx, not {status}")
        if mode not in FAULT_MODES:
            raise ValueError(f"fault mode must be one of {FAULT_MODES}, not {mode!r}")
        if mode != "reset" and status != 0:
            raise ValueError(f"fault mode {mode!r} needs status 0 (no answer), not {status}")
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be within [0, 1], not {rate}")
        if count is not None and count < 1:
            raise ValueError(f"fault count must be at least 1, not {count}")
        fault = Fault(
            method,
            status,
            reason if status else None,
            None if rate is not None and count == 1 else count,
            rate,
            max(0.0, delay),
            after,
            mode,
        )
        self.faults.append(fault)
        self.remaining.append(fault.count)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self.faults.clear()
        self.remaining.clear()

    def take(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The fault that hits this request, if any (counts are consumed). A fault's method
        may name one parameter's value too: "gmail.users.messages.get?format=raw"."""
        for i, fault in enumerate(self.faults):
            name, _, only = fault.method.partition("?")
            key, _, value = only.partition("=")
            if name not in ("*", method) or (only and str(params.get(key)) != value):
                continue
            if fault.rate is not None and self.rng.random() >= fault.rate:
                continue
            left = self.remaining[i]
            if left is not None:
                if left <= 0:
                    continue
                self.remaining[i] = left - 1
            return fault
        return None
