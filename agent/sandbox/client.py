"""A small urllib client for a running sandbox's /_sandbox/ control surface."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import date, datetime
from email.message import EmailMessage, Message
from typing import Any
from urllib.parse import quote, urlencode

from agent.sandbox.control import decode_view
from agent.sandbox.faults import RequestRecord
from agent.sandbox.mime import to_bytes
from agent.sandbox.wire import parse_datetime

SEED_TIMEOUT = 300.0  # seconds: a big seed on a busy machine


class SandboxControlError(RuntimeError):
    """The sandbox refused a control request (bad arguments, unknown id)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"sandbox control error {status}: {message}")
        self.status = status


def _iso(value: datetime | date) -> str:
    return value.isoformat()


def _b64(raw: bytes | EmailMessage | Message) -> str:
    return base64.b64encode(to_bytes(raw)).decode("ascii")


class SandboxClient:
    """Drives a running SandboxServer over HTTP (same method names as Sandbox)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout

    def _call(
        self,
        verb: str,
        route: str,
        payload: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Any:
        target = self.url + "_sandbox/" + route + (f"?{urlencode(query)}" if query else "")
        data = json.dumps(payload or {}).encode() if verb != "GET" else None
        request = urllib.request.Request(
            target, data=data, method=verb, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read())["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = str(err)
            raise SandboxControlError(err.code, message) from None

    # -- clock and calendars ---------------------------------------------------------------

    def set_now(self, dt: datetime) -> None:
        """Pin the sandbox clock."""
        self._call("POST", "clock", {"now": _iso(dt)})

    def now(self) -> datetime:
        """The sandbox clock."""
        return parse_datetime(self._call("GET", "clock")["now"])

    def health(self) -> bool:
        """True when the server answers."""
        return bool(self._call("GET", "health").get("ok"))

    def add_calendar(
        self, calendar_id: str, summary: str = "", time_zone: str | None = None
    ) -> dict[str, Any]:
        """Create a secondary calendar."""
        return self._call(
            "POST",
            "calendars",
            {"calendar_id": calendar_id, "summary": summary, "time_zone": time_zone},
        )

    def add_event(
        self,
        calendar_id: str = "primary",
        *,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        **fields: Any,
    ) -> dict[str, Any]:
        """Put an event on a calendar (keyword fields as Sandbox.add_event)."""
        payload = {
            "calendar_id": calendar_id,
            "summary": summary,
            "start": _iso(start),
            "end": _iso(end),
        }
        payload.update({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()})
        return self._call("POST", "events", payload)

    def move_event(
        self, calendar_id: str, event_id: str, start: datetime | date, end: datetime | date
    ) -> dict[str, Any]:
        """Reschedule an event or instance."""
        return self._call(
            "POST",
            "events/move",
            {
                "calendar_id": calendar_id,
                "event_id": event_id,
                "start": _iso(start),
                "end": _iso(end),
            },
        )

    def cancel_event(self, calendar_id: str, event_id: str) -> None:
        """Cancel an event, series or instance."""
        self._call("POST", "events/cancel", {"calendar_id": calendar_id, "event_id": event_id})

    def patch_event(
        self, calendar_id: str, event_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Change fields of an event or instance."""
        return self._call(
            "POST",
            "events/patch",
            {"calendar_id": calendar_id, "event_id": event_id, "fields": fields},
        )

    def get_event(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """One event or instance."""
        return self._call(
            "GET", "events/get", query={"calendar_id": calendar_id, "event_id": event_id}
        )

    def list_events(self, calendar_id: str = "primary") -> list[dict[str, Any]]:
        """Every stored event of a calendar."""
        return self._call("GET", "events", query={"calendar_id": calendar_id})

    # -- mail ------------------------------------------------------------------------------

    def deliver(
        self,
        raw: bytes | EmailMessage | Message,
        *,
        label_ids: Iterable[str] = ("INBOX", "UNREAD"),
        internal_date: datetime | None = None,
    ) -> dict[str, Any]:
        """An incoming message arrives."""
        payload: dict[str, Any] = {"raw": _b64(raw), "label_ids": list(label_ids)}
        if internal_date is not None:
            payload["internal_date"] = _iso(internal_date)
        return self._call("POST", "messages/deliver", payload)

    def user_send_draft(
        self, draft_id: str, *, drop_custom_headers: bool = False
    ) -> dict[str, Any]:
        """The user sends a draft (drop_custom_headers: the sent copy has no X- headers)."""
        return self._call(
            "POST",
            f"drafts/{quote(draft_id, safe='')}/send",
            {"drop_custom_headers": drop_custom_headers},
        )

    def user_delete_draft(self, draft_id: str) -> None:
        """The user discards a draft."""
        self._call("POST", f"drafts/{quote(draft_id, safe='')}/delete")

    def user_edit_draft(
        self,
        draft_id: str,
        raw: bytes | EmailMessage | Message | None = None,
        *,
        new_id: bool = False,
        drop_custom_headers: bool = False,
    ) -> dict[str, Any]:
        """The user edits a draft: a new message id (new_id: a new draft id too, as Gmail's web
        app may give; drop_custom_headers: without X- headers; raw None: the same text)."""
        payload: dict[str, Any] = {"new_id": new_id, "drop_custom_headers": drop_custom_headers}
        if raw is not None:
            payload["raw"] = _b64(raw)
        return decode_view(
            self._call("POST", f"drafts/{quote(draft_id, safe='')}/edit", payload)
        )

    def seed_mailbox(
        self, messages: int = 0, drafts: int = 0, *, days: float = 365.0, seed: int = 0
    ) -> dict[str, int]:
        """Add unrelated mail fast: {"messages", "drafts", "history_id"} afterwards."""
        return dict(
            self._call(
                "POST",
                "mailbox/seed",
                {"messages": messages, "drafts": drafts, "days": days, "seed": seed},
                timeout=max(self.timeout, SEED_TIMEOUT),
            )
        )

    def user_send_message(
        self, raw: bytes | EmailMessage | Message, thread_id: str | None = None
    ) -> dict[str, Any]:
        """The user writes and sends a message themselves."""
        return self._call("POST", "messages/send", {"raw": _b64(raw), "thread_id": thread_id})

    def modify_labels(
        self, message_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Add/remove labels on a message."""
        return self._call(
            "POST",
            "messages/labels",
            {"message_id": message_id, "add": list(add), "remove": list(remove)},
        )

    def drafts(self) -> list[dict[str, Any]]:
        """Every draft (raw as bytes, internal_date as datetime)."""
        return [decode_view(d) for d in self._call("GET", "drafts")]

    def messages(self) -> list[dict[str, Any]]:
        """Every non-draft message."""
        return [decode_view(m) for m in self._call("GET", "messages")]

    def get_message(self, message_id: str) -> dict[str, Any]:
        """One message."""
        return decode_view(self._call("GET", f"messages/{quote(message_id, safe='')}"))

    def history_id(self) -> int:
        """The mailbox's current history id."""
        return int(self._call("GET", "history_id")["historyId"])

    # -- faults, log, auth, retention ------------------------------------------------------

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
        """Fail matching requests (see Sandbox.inject_fault)."""
        self._call(
            "POST",
            "faults",
            {
                "method": method,
                "status": status,
                "count": count,
                "rate": rate,
                "reason": reason,
                "delay": delay,
                "after": after,
                "mode": mode,
            },
        )

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._call("POST", "faults/clear")

    def request_log(self) -> list[RequestRecord]:
        """Every API request so far."""
        return [RequestRecord.from_dict(r) for r in self._call("GET", "log")]

    def send_attempts(self) -> list[RequestRecord]:
        """Every refused send call."""
        return [RequestRecord.from_dict(r) for r in self._call("GET", "send_attempts")]

    def counts(self) -> dict[str, int]:
        """Requests per method id."""
        return {k: int(v) for k, v in self._call("GET", "counts").items()}

    def clear_log(self) -> None:
        """Forget the request log."""
        self._call("POST", "log/clear")

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """The scopes tokens carry."""
        self._call("POST", "scopes", {"scopes": list(scopes)})

    def set_tokens(self, tokens: Iterable[str] | None) -> None:
        """Accept only these Bearer tokens (None: any)."""
        self._call("POST", "tokens", {"tokens": None if tokens is None else list(tokens)})

    def require_token(self, token: str) -> None:
        """Accept only this Bearer token."""
        self.set_tokens([token])

    def add_refresh_token(self, token: str) -> None:
        """Make a refresh token valid."""
        self._call("POST", "auth/refresh_tokens", {"token": token})

    def issue_auth_code(self, scopes: Iterable[str] | None = None) -> str:
        """A one-time authorization code (consented to `scopes`, else the sandbox's scopes)."""
        payload = {} if scopes is None else {"scopes": list(scopes)}
        return str(self._call("POST", "auth/codes", payload)["code"])

    def set_token_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """This access token carries exactly these scopes."""
        self._call("POST", "tokens/scopes", {"token": token, "scopes": list(scopes)})

    def token_scopes(self, token: str) -> list[str]:
        """The scopes an access token carries."""
        return list(self._call("GET", "tokens/scopes", query={"token": token})["scopes"])

    def set_extra_grant(self, scopes: Iterable[str]) -> None:
        """The token endpoint grants these on top of what is asked."""
        self._call("POST", "auth/extra_scopes", {"scopes": list(scopes)})

    # -- quota and settings ----------------------------------------------------------------

    def units(self) -> dict[str, Any]:
        """Gmail quota units used since the last clear_log: {"total", "by_method"}."""
        return dict(self._call("GET", "units"))

    def set_quota(self, per_minute: int | None) -> None:
        """Refuse (429) Gmail requests past this many units per minute (None: no limit)."""
        self._call("POST", "quota", {"per_minute": per_minute})

    def set_search_lag(self, seconds: float) -> None:
        """q= searches miss mail that arrived less than `seconds` of sandbox clock ago (0: off)."""
        self._call("POST", "search_lag", {"seconds": seconds})

    def search_lag(self) -> float:
        """The search index's lag in seconds (0: off)."""
        return float(self._call("GET", "search_lag")["seconds"])

    def set_send_as(self, display_name: str | None = None, signature: str | None = None) -> None:
        """The primary send-as address's display name and HTML signature (None: unchanged)."""
        self._call("POST", "send_as", {"display_name": display_name, "signature": signature})

    def add_send_as_alias(
        self, email: str, display_name: str = "", signature: str = "", default: bool = True
    ) -> None:
        """A send-as alias with its own name and HTML signature (default: Gmail's From)."""
        self._call(
            "POST",
            "send_as/aliases",
            {"email": email, "display_name": display_name, "signature": signature,
             "default": default},
        )

    def set_empty_history_pages(self, mode: str) -> None:
        """history.list pages without records before the first ("first") or every ("every")
        page of records, or never ("off")."""
        self._call("POST", "history/empty_pages", {"mode": mode})

    def revoke_grants(self) -> None:
        """The user changed their password: every refresh and access token stops working."""
        self._call("POST", "auth/revoke_grants")

    def expire_history(self) -> None:
        """Old startHistoryIds answer 404."""
        self._call("POST", "history/expire")

    def expire_sync_tokens(self) -> None:
        """Issued syncTokens answer 410."""
        self._call("POST", "sync/expire")
