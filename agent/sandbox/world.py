"""The sandbox world: Gmail mailbox + calendars + auth + faults + log, behind one lock.

The API handlers (gmail, calendar, dispatch) and the control routes work on a World; the
Sandbox in state.py adds the HTTP entry point, so nothing here imports them back.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import formataddr
from pathlib import Path
from typing import Any, Self

from agent.sandbox.calctl import CalendarControls
from agent.sandbox.calendars import CalendarStore
from agent.sandbox.faults import FaultBook, RequestRecord
from agent.sandbox.mailbox import Mailbox
from agent.sandbox.mailctl import MailControls
from agent.sandbox.oauth import AuthBook
from agent.sandbox.units import QuotaMeter
from agent.sandbox.wire import parse_datetime, require_aware, to_ms

log = logging.getLogger(__name__)
STATE_VERSION = 1


class World(MailControls, CalendarControls):
    """An in-memory Gmail + Google Calendar for one user, with control methods for tests."""

    def __init__(
        self,
        user_email: str = "candidate@example.com",
        time_zone: str = "America/New_York",
        now: datetime | None = None,
        seed: int | None = None,
        quota_per_minute: int | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.user_email = user_email
        self.time_zone = time_zone
        self._pinned = require_aware(now, "now") if now is not None else None
        self.mail = Mailbox(user_email)
        self.mail.clock_ms = self._clock_ms
        self.search_lag = 0.0  # seconds: q= searches miss mail younger than this (0: none)
        self.calendar = CalendarStore(user_email, time_zone)
        self.auth = AuthBook()
        self.seed = seed
        self.fault_book = FaultBook(seed)
        self._log: list[RequestRecord] = []
        self.quota = QuotaMeter(quota_per_minute)
        self.send_as = {"display_name": "", "signature": ""}
        self.aliases: list[dict[str, Any]] = []  # {email, display_name, signature, default}
        self.empty_history_pages = "off"  # history.list pages without records: off|first|every

    # -- clock -----------------------------------------------------------------------------

    def set_now(self, dt: datetime) -> None:
        """Pin the sandbox clock (message dates, event `updated`, search's newer_than)."""
        with self._lock:
            self._pinned = require_aware(dt, "now")

    def now(self) -> datetime:
        """The pinned time, else the real current time (UTC)."""
        with self._lock:
            return self._pinned if self._pinned is not None else datetime.now(UTC)

    def _clock_ms(self) -> int:
        return to_ms(self.now())

    def set_search_lag(self, seconds: float) -> None:
        """messages.list with `q` misses mail that arrived less than `seconds` ago (0: off)."""
        if float(seconds) < 0:
            raise ValueError(f"seconds must be 0 or more, not {seconds}")
        with self._lock:
            self.search_lag = float(seconds)

    def indexed(self, arrived_ms: int) -> bool:
        """Whether mail that arrived at this sandbox-clock moment is in the search index yet."""
        with self._lock:
            return arrived_ms <= to_ms(self.now()) - int(self.search_lag * 1000)

    # -- faults and log --------------------------------------------------------------------

    def inject_fault(
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
    ) -> None:
        """Fail matching requests ("*" for all) with `status`, shaped as Google answers it.

        status 0: no answer; mode "reset" resets the connection, mode "close" closes it
        cleanly (httplib2 then re-sends). after=True: perform the request first.
        reason None: the status's usual reason (403: `forbidden`); "": no reason at all.
        """
        with self._lock:
            self.fault_book.add(
                method,
                status,
                count=count,
                rate=rate,
                reason=reason,
                delay=delay,
                after=after,
                mode=mode,
            )

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self.fault_book.clear()

    def record(self, record: RequestRecord) -> None:
        """Append to the request log (called by the dispatcher)."""
        with self._lock:
            self._log.append(record)
        log.debug("%s %s %s -> %s", record.method, record.verb, record.path, record.status)

    def request_log(self) -> list[RequestRecord]:
        """Every API request so far, in order."""
        with self._lock:
            return list(self._log)

    def counts(self) -> dict[str, int]:
        """Requests per method id."""
        with self._lock:
            return dict(Counter(r.method for r in self._log))

    def clear_log(self) -> None:
        """Forget the request log and the quota unit totals."""
        with self._lock:
            self._log.clear()
            self.quota.clear_totals()

    # -- quota -----------------------------------------------------------------------------

    def units(self) -> dict[str, Any]:
        """Gmail quota units used since the last clear_log: {"total", "by_method"}."""
        with self._lock:
            return self.quota.summary()

    def set_quota(self, per_minute: int | None) -> None:
        """Refuse (429) Gmail requests past this many units per minute of sandbox clock."""
        if per_minute is not None and int(per_minute) < 1:
            raise ValueError(f"per_minute must be at least 1 (or None), not {per_minute}")
        with self._lock:
            self.quota.per_minute = None if per_minute is None else int(per_minute)

    # -- settings --------------------------------------------------------------------------

    def set_send_as(self, display_name: str | None = None, signature: str | None = None) -> None:
        """The primary send-as address's display name and HTML signature (None: unchanged)."""
        with self._lock:
            if display_name is not None:
                self.send_as["display_name"] = str(display_name)
            if signature is not None:
                self.send_as["signature"] = str(signature)

    def add_send_as_alias(
        self, email: str, display_name: str = "", signature: str = "", default: bool = True
    ) -> None:
        """A send-as alias with its own name and HTML signature (default: Gmail's From)."""
        with self._lock:
            self.aliases = [a for a in self.aliases if a["email"].lower() != email.lower()]
            if default:
                for alias in self.aliases:
                    alias["default"] = False
            self.aliases.append(
                {"email": email, "display_name": display_name, "signature": signature,
                 "default": bool(default)}
            )

    def default_sender(self) -> str:
        """The From Gmail's composer writes: the default send-as address (with its name)."""
        with self._lock:
            alias = next((a for a in self.aliases if a["default"]), None)
            return formataddr((alias["display_name"], alias["email"])) if alias else self.user_email

    def set_empty_history_pages(self, mode: str) -> None:
        """history.list answers a page without records (and the current historyId) before
        the first page of records ("first"), before every page ("every"), or never ("off")."""
        if mode not in ("off", "first", "every"):
            raise ValueError(f"mode must be off, first or every, not {mode!r}")
        with self._lock:
            self.empty_history_pages = mode

    def send_attempts(self) -> list[RequestRecord]:
        """Every call to messages.send or drafts.send (all refused)."""
        with self._lock:
            return [r for r in self._log if r.is_send]

    # -- auth, scopes, retention -----------------------------------------------------------

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """The scopes every accepted token carries."""
        with self._lock:
            self.auth.scopes = list(scopes)

    def scopes(self) -> list[str]:
        """The current scopes."""
        with self._lock:
            return list(self.auth.scopes)

    def set_tokens(self, tokens: Iterable[str] | None) -> None:
        """Accept only these Bearer tokens (plus ones the token endpoint issues); None: any."""
        with self._lock:
            self.auth.accepted = None if tokens is None else set(tokens)

    def require_token(self, token: str) -> None:
        """Accept only this Bearer token (plus ones the token endpoint issues)."""
        self.set_tokens([token])

    def add_refresh_token(self, token: str) -> None:
        """Make a refresh token valid at the token endpoint."""
        with self._lock:
            self.auth.refresh_tokens.add(token)

    def issue_auth_code(self, scopes: Iterable[str] | None = None) -> str:
        """A one-time code for the authorization_code grant (consented: scopes, else scopes())."""
        with self._lock:
            return self.auth.issue_code(None if scopes is None else list(scopes))

    def set_token_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """This access token carries exactly these scopes (others keep theirs)."""
        with self._lock:
            self.auth.set_token_scopes(token, list(scopes))

    def token_scopes(self, token: str) -> list[str]:
        """The scopes an access token carries."""
        with self._lock:
            return self.auth.scopes_for(f"Bearer {token}")

    def revoke_grants(self) -> None:
        """The user changed their password: every refresh token and access token stops working
        (the token endpoint answers invalid_grant); tokens issued afterwards work."""
        with self._lock:
            self.auth.revoke_all()

    def set_extra_grant(self, scopes: Iterable[str]) -> None:
        """The token endpoint grants these on top of what is asked ([]: exactly what is asked)."""
        with self._lock:
            self.auth.extra_grant = list(scopes)

    def oauth_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token endpoint (used by the server)."""
        with self._lock:
            return self.auth.token_endpoint(form)

    def oauth_revoke(self, token: str) -> tuple[int, dict[str, Any]]:
        """The revoke endpoint (used by the server)."""
        with self._lock:
            return self.auth.revoke(token)

    def expire_history(self) -> None:
        """history.list answers 404 for every startHistoryId older than the current one."""
        with self._lock:
            self.mail.expire_history()

    def expire_sync_tokens(self) -> None:
        """Every calendar syncToken issued so far answers 410."""
        with self._lock:
            self.calendar.token_floor = self.calendar.token_serial

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The whole world as JSON-ready data (faults and the request log are not kept)."""
        with self._lock:
            return {
                "version": STATE_VERSION,
                "user_email": self.user_email,
                "time_zone": self.time_zone,
                "now": self._pinned.isoformat() if self._pinned else None,
                "seed": self.seed,
                "mail": self.mail.to_dict(),
                "calendar": self.calendar.to_dict(),
                "auth": self.auth.to_dict(),
                "send_as": dict(self.send_as),
                "send_as_aliases": [dict(a) for a in self.aliases],
            }

    def save(self, path: Path | str) -> None:
        """Write the state as JSON (atomically)."""
        target = Path(path)
        data = json.dumps(self.to_dict(), separators=(",", ":"))
        tmp = target.with_name(target.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, target)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Inverse of to_dict."""
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported sandbox state version: {data.get('version')!r}")
        sb = cls(
            data["user_email"],
            data["time_zone"],
            parse_datetime(data["now"]) if data.get("now") else None,
            data.get("seed"),
        )
        sb.mail = Mailbox.from_dict(data["mail"])
        sb.mail.clock_ms = sb._clock_ms
        sb.calendar = CalendarStore.from_dict(data["calendar"])
        sb.auth = AuthBook.from_dict(data["auth"])
        sb.send_as.update(data.get("send_as") or {})
        sb.aliases = [dict(a) for a in data.get("send_as_aliases") or []]
        return sb

    @classmethod
    def load(cls, path: Path | str) -> Self:
        """Read a state file written by save()."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
