"""events.list: full listing with filters and paging, and incremental sync with syncToken."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent.sandbox import events as ev
from agent.sandbox.calendars import CalendarRec, CalendarStore
from agent.sandbox.wire import (
    ApiError,
    decode_token,
    encode_token,
    page_window,
    parse_datetime,
    rfc3339,
)

SYNC_PREFIX = "sbxsync."
SYNC_FORBIDDEN = (
    "timeMin",
    "timeMax",
    "q",
    "orderBy",
    "updatedMin",
    "iCalUID",
    "privateExtendedProperty",
    "sharedExtendedProperty",
)


def _instant(params: dict[str, Any], name: str) -> datetime | None:
    """A timeMin/timeMax/updatedMin parameter as an aware datetime (400 when malformed)."""
    value = params.get(name)
    if not value:
        return None
    try:
        return parse_datetime(str(value))
    except ValueError as exc:
        raise ApiError(400, "badRequest", f"Bad Request: invalid {name}") from exc


def _check_sync_token(store: CalendarStore, cal: CalendarRec, token: str) -> dict[str, Any]:
    """The payload of a usable sync token, else 410 fullSyncRequired."""
    payload = decode_token(token, SYNC_PREFIX)
    ok = (
        payload is not None
        and payload.get("c") == cal.id
        and isinstance(payload.get("n"), int)
        and isinstance(payload.get("s"), int)
        and store.token_floor < payload["n"] <= store.token_serial
        and payload["s"] <= cal.seq
    )
    if not ok or payload is None:
        raise ApiError(
            410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
        )
    return payload


def _issue(store: CalendarStore, cal: CalendarRec, seq: int, single: bool) -> str:
    """A new sync token for changes after `seq`."""
    store.token_serial += 1
    return encode_token({"c": cal.id, "s": seq, "n": store.token_serial, "se": single}, SYNC_PREFIX)


def _visible(
    event: dict[str, Any],
    cal: CalendarRec,
    params: dict[str, Any],
    window: tuple[datetime | None, datetime | None],
    show_deleted: bool,
) -> bool:
    """Full-listing filters: deleted, time window overlap, q, properties, updatedMin, iCalUID."""
    if event.get("status") == "cancelled" and not show_deleted:
        return False
    t_min, t_max = window
    if event.get("status") != "cancelled" and (t_min or t_max):
        start, end, _ = ev.span(event, cal.time_zone)
        if t_min and end <= t_min and not (start == end == t_min):
            return False
        if t_max and start >= t_max:
            return False
    if params.get("q") and not ev.matches_text(event, str(params["q"])):
        return False
    for kind, name in (
        ("private", "privateExtendedProperty"),
        ("shared", "sharedExtendedProperty"),
    ):
        if params.get(name) and not ev.matches_properties(event, kind, list(params[name])):
            return False
    updated_min = _instant(params, "updatedMin")
    if updated_min and parse_datetime(event["updated"]) < updated_min:
        return False
    return not (params.get("iCalUID") and event.get("iCalUID") != params["iCalUID"])


def _collect(
    store: CalendarStore,
    cal: CalendarRec,
    params: dict[str, Any],
    now: datetime,
    since: int | None,
    single: bool,
    show_deleted: bool,
) -> list[dict[str, Any]]:
    """The events (or instances) one listing returns, before ordering and paging."""
    t_min, t_max = _instant(params, "timeMin"), _instant(params, "timeMax")
    if t_min and t_max and t_max <= t_min:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
    stored = store.events[cal.id]
    changed = store.changed[cal.id]
    out: dict[str, dict[str, Any]] = {}
    for event_id, event in stored.items():
        is_new = since is None or changed.get(event_id, 0) > since
        if event.get("recurrence") and single:
            if not is_new:
                continue
            start, _, _ = ev.span(event, cal.time_zone)
            end_at = t_max or max(now, start) + ev.HORIZON
            for inst in store.expand(cal, event, t_min, end_at):
                if inst["id"] in stored:
                    continue  # an exception replaces it (listed on its own)
                if since is not None or _visible(inst, cal, params, (t_min, t_max), show_deleted):
                    out[inst["id"]] = inst
            continue
        if not is_new:
            continue
        if event.get("recurrence") and since is None:
            start, _, _ = ev.span(event, cal.time_zone)
            end_at = t_max or max(now, start) + ev.HORIZON
            if event.get("status") != "cancelled" and not store.expand(cal, event, t_min, end_at):
                continue
            if _visible(
                event, cal, {**params, "timeMin": None, "timeMax": None}, (None, None), show_deleted
            ):
                out[event_id] = event
            continue
        if since is not None or _visible(event, cal, params, (t_min, t_max), show_deleted):
            out[event_id] = event
    return [ev.present(e) for e in out.values()]


def _start_key(event: dict[str, Any], cal: CalendarRec) -> tuple[float, str]:
    """Sort key by start instant (cancelled stubs use their original start, else sort last)."""
    source = (
        event
        if "start" in event
        else {"start": event.get("originalStartTime"), "end": event.get("originalStartTime")}
    )
    if not source.get("start"):
        return (float("inf"), event["id"])
    start, _, _ = ev.span(source, cal.time_zone)
    return (start.timestamp(), event["id"])


def list_events(
    store: CalendarStore, calendar_id: str, params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """events.list with Google's rules for syncToken, orderBy, paging and nextSyncToken."""
    cal = store.resolve(calendar_id)
    sync_token = params.get("syncToken")
    if sync_token:
        bad = [name for name in SYNC_FORBIDDEN if params.get(name)]
        if bad:
            raise ApiError(400, "invalid", f"Sync token cannot be used with {', '.join(bad)}.")
        token = _check_sync_token(store, cal, str(sync_token))
        since, single, show_deleted = int(token["s"]), bool(token.get("se")), True
    else:
        since, single, show_deleted = (
            None,
            bool(params.get("singleEvents")),
            bool(params.get("showDeleted")),
        )
        order = params.get("orderBy")
        if order == "startTime" and not single:
            raise ApiError(
                400,
                "badRequest",
                "The requested ordering is not available for the particular query.",
            )
        if order not in (None, "", "startTime", "updated"):
            raise ApiError(400, "invalid", f"Invalid value for orderBy: {order}")
    items = _collect(store, cal, params, now, since, single, show_deleted)
    if params.get("orderBy") == "updated":
        items.sort(key=lambda e: (e.get("updated", ""), e["id"]))
    elif single:
        items.sort(key=lambda e: _start_key(e, cal))
    page, next_page, page_payload = page_window(
        items, params.get("pageToken"), params.get("maxResults"), 250, 2500, {"s": cal.seq}
    )
    snapshot = int(page_payload["s"])
    response: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": f'"{cal.seq:016d}"',
        "summary": cal.summary,
        "description": "",
        "updated": rfc3339(now),
        "timeZone": cal.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
        "items": page,
    }
    if next_page:
        response["nextPageToken"] = next_page
    else:
        response["nextSyncToken"] = _issue(store, cal, snapshot, single)
    return response
