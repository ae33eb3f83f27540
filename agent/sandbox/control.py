"""The HTTP control surface under /_sandbox/: JSON in, JSON out, one route per control method."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from agent.sandbox.wire import ApiError, b64url_decode, parse_date, parse_datetime

if TYPE_CHECKING:
    from agent.sandbox.world import World

log = logging.getLogger(__name__)
Params = dict[str, Any]
Route = Callable[["World", Params, dict[str, str]], Any]


def when(value: Any) -> datetime | date:
    """An ISO 8601 datetime with offset, or a YYYY-MM-DD date."""
    text = str(value)
    return parse_date(text) if len(text) == 10 else parse_datetime(text)


def encode_view(view: dict[str, Any]) -> dict[str, Any]:
    """A drafts()/messages() entry for JSON: raw as base64, datetimes as ISO 8601."""
    out = dict(view)
    out["raw"] = base64.b64encode(view["raw"]).decode("ascii")
    out["internal_date"] = view["internal_date"].isoformat()
    return out


def decode_view(data: dict[str, Any]) -> dict[str, Any]:
    """Inverse of encode_view."""
    out = dict(data)
    out["raw"] = base64.b64decode(data["raw"])
    out["internal_date"] = parse_datetime(data["internal_date"])
    return out


def _raw(body: Params) -> bytes:
    if "raw" not in body:
        raise ValueError("missing 'raw' (base64 of the RFC 822 message)")
    return b64url_decode(str(body["raw"]))  # standard or URL-safe base64


def _add_event(sb: World, b: Params, m: dict[str, str]) -> Any:
    args = {
        k: b[k]
        for k in (
            "summary",
            "description",
            "attendees",
            "organizer",
            "recurrence",
            "all_day",
            "status",
            "event_id",
            "time_zone",
            "extra",
        )
        if k in b
    }
    return sb.add_event(
        b.get("calendar_id", "primary"), start=when(b["start"]), end=when(b["end"]), **args
    )


def _deliver(sb: World, b: Params, m: dict[str, str]) -> Any:
    extra: dict[str, Any] = {}
    if b.get("label_ids") is not None:
        extra["label_ids"] = tuple(b["label_ids"])
    if b.get("internal_date"):
        extra["internal_date"] = parse_datetime(b["internal_date"])
    return sb.deliver(_raw(b), **extra)


def _fault(sb: World, b: Params, m: dict[str, str]) -> Any:
    sb.inject_fault(
        b["method"],
        int(b["status"]),
        count=b.get("count", 1),
        rate=b.get("rate"),
        reason=b.get("reason"),
        delay=float(b.get("delay", 0.0)),
        after=bool(b.get("after")),
        mode=str(b.get("mode") or "reset"),
    )
    return {}


def _ok(action: Callable[[], Any]) -> Any:
    result = action()
    return {} if result is None else result


POST: dict[str, Route] = {
    "/_sandbox/clock": lambda sb, b, m: _ok(lambda: sb.set_now(parse_datetime(b["now"]))),
    "/_sandbox/calendars": lambda sb, b, m: sb.add_calendar(
        b["calendar_id"], b.get("summary", ""), b.get("time_zone")
    ),
    "/_sandbox/events": _add_event,
    "/_sandbox/events/move": lambda sb, b, m: sb.move_event(
        b.get("calendar_id", "primary"), b["event_id"], when(b["start"]), when(b["end"])
    ),
    "/_sandbox/events/cancel": lambda sb, b, m: _ok(
        lambda: sb.cancel_event(b.get("calendar_id", "primary"), b["event_id"])
    ),
    "/_sandbox/events/patch": lambda sb, b, m: sb.patch_event(
        b.get("calendar_id", "primary"), b["event_id"], b["fields"]
    ),
    "/_sandbox/messages/deliver": _deliver,
    "/_sandbox/messages/send": lambda sb, b, m: sb.user_send_message(_raw(b), b.get("thread_id")),
    "/_sandbox/messages/labels": lambda sb, b, m: sb.modify_labels(
        b["message_id"], b.get("add", ()), b.get("remove", ())
    ),
    r"/_sandbox/drafts/(?P<id>[^/]+)/send": lambda sb, b, m: sb.user_send_draft(
        m["id"], drop_custom_headers=bool(b.get("drop_custom_headers"))
    ),
    r"/_sandbox/drafts/(?P<id>[^/]+)/delete": lambda sb, b, m: _ok(
        lambda: sb.user_delete_draft(m["id"])
    ),
    r"/_sandbox/drafts/(?P<id>[^/]+)/edit": lambda sb, b, m: encode_view(
        sb.user_edit_draft(
            m["id"],
            _raw(b) if b.get("raw") else None,
            new_id=bool(b.get("new_id")),
            drop_custom_headers=bool(b.get("drop_custom_headers")),
        )
    ),
    "/_sandbox/mailbox/seed": lambda sb, b, m: sb.seed_mailbox(
        int(b.get("messages", 0)),
        int(b.get("drafts", 0)),
        days=float(b.get("days", 365)),
        seed=int(b.get("seed", 0)),
    ),
    "/_sandbox/faults": _fault,
    "/_sandbox/faults/clear": lambda sb, b, m: _ok(sb.clear_faults),
    "/_sandbox/log/clear": lambda sb, b, m: _ok(sb.clear_log),
    "/_sandbox/scopes": lambda sb, b, m: _ok(lambda: sb.set_scopes(b["scopes"])),
    "/_sandbox/tokens": lambda sb, b, m: _ok(lambda: sb.set_tokens(b.get("tokens"))),
    "/_sandbox/history/expire": lambda sb, b, m: _ok(sb.expire_history),
    "/_sandbox/history/empty_pages": lambda sb, b, m: _ok(
        lambda: sb.set_empty_history_pages(b["mode"])
    ),
    "/_sandbox/sync/expire": lambda sb, b, m: _ok(sb.expire_sync_tokens),
    "/_sandbox/auth/refresh_tokens": lambda sb, b, m: _ok(lambda: sb.add_refresh_token(b["token"])),
    "/_sandbox/auth/codes": lambda sb, b, m: {"code": sb.issue_auth_code(b.get("scopes"))},
    "/_sandbox/auth/revoke_grants": lambda sb, b, m: _ok(sb.revoke_grants),
    "/_sandbox/auth/extra_scopes": lambda sb, b, m: _ok(lambda: sb.set_extra_grant(b["scopes"])),
    "/_sandbox/tokens/scopes": lambda sb, b, m: _ok(
        lambda: sb.set_token_scopes(b["token"], b["scopes"])
    ),
    "/_sandbox/quota": lambda sb, b, m: _ok(lambda: sb.set_quota(b.get("per_minute"))),
    "/_sandbox/search_lag": lambda sb, b, m: _ok(lambda: sb.set_search_lag(b["seconds"])),
    "/_sandbox/send_as": lambda sb, b, m: _ok(
        lambda: sb.set_send_as(b.get("display_name"), b.get("signature"))
    ),
    "/_sandbox/send_as/aliases": lambda sb, b, m: _ok(
        lambda: sb.add_send_as_alias(
            b["email"], b.get("display_name", ""), b.get("signature", ""), b.get("default", True)
        )
    ),
}

GET: dict[str, Route] = {
    "/_sandbox/health": lambda sb, q, m: {"ok": True},
    "/_sandbox/clock": lambda sb, q, m: {"now": sb.now().isoformat()},
    "/_sandbox/events": lambda sb, q, m: sb.list_events(q.get("calendar_id", "primary")),
    "/_sandbox/events/get": lambda sb, q, m: sb.get_event(
        q.get("calendar_id", "primary"), q["event_id"]
    ),
    "/_sandbox/messages": lambda sb, q, m: [encode_view(v) for v in sb.messages()],
    r"/_sandbox/messages/(?P<id>[^/]+)": lambda sb, q, m: encode_view(sb.get_message(m["id"])),
    "/_sandbox/drafts": lambda sb, q, m: [encode_view(v) for v in sb.drafts()],
    "/_sandbox/log": lambda sb, q, m: [r.to_dict() for r in sb.request_log()],
    "/_sandbox/send_attempts": lambda sb, q, m: [r.to_dict() for r in sb.send_attempts()],
    "/_sandbox/counts": lambda sb, q, m: sb.counts(),
    "/_sandbox/scopes": lambda sb, q, m: {"scopes": sb.scopes()},
    "/_sandbox/history_id": lambda sb, q, m: {"historyId": sb.history_id()},
    "/_sandbox/units": lambda sb, q, m: sb.units(),
    "/_sandbox/quota": lambda sb, q, m: {"per_minute": sb.quota.per_minute},
    "/_sandbox/search_lag": lambda sb, q, m: {"seconds": sb.search_lag},
    "/_sandbox/tokens/scopes": lambda sb, q, m: {"scopes": sb.token_scopes(q["token"])},
    "/_sandbox/send_as": lambda sb, q, m: dict(sb.send_as),
    "/_sandbox/send_as/aliases": lambda sb, q, m: [dict(a) for a in sb.aliases],
    "/_sandbox/history/empty_pages": lambda sb, q, m: {"mode": sb.empty_history_pages},
}

_COMPILED = {
    verb: [(re.compile(f"^{pattern}/?$"), route) for pattern, route in table.items()]
    for verb, table in (("POST", POST), ("GET", GET))
}


def control_call(sb: World, verb: str, path: str, params: Params) -> tuple[int, Any]:
    """Run one control request; (status, JSON-ready result). Errors come back as {"error": ...}."""
    for pattern, route in _COMPILED.get(verb, []):
        found = pattern.match(path)
        if found is None:
            continue
        try:
            return 200, route(sb, params, found.groupdict())
        except ApiError as err:
            return err.status, err.body()
        except (KeyError, ValueError, TypeError) as exc:
            message = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            return 400, {"error": {"code": 400, "message": f"sandbox control: {message}"}}
        except Exception as exc:
            log.exception("sandbox control %s %s failed", verb, path)
            return 500, {"error": {"code": 500, "message": f"sandbox control: {exc!r}"}}
    return 404, {"error": {"code": 404, "message": f"sandbox control: no route {verb} {path}"}}
