"""Calendar v3 method handlers: (sandbox, typed params, JSON body) -> (status, JSON body)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.sandbox import events as ev
from agent.sandbox.calendars import CalendarRec
from agent.sandbox.calsync import list_events
from agent.sandbox.wire import ApiError, page_window, parse_datetime

if TYPE_CHECKING:
    from agent.sandbox.world import World

Reply = tuple[int, dict[str, Any] | None]
Handler = Callable[["World", dict[str, Any], dict[str, Any] | None], Reply]


def calendar_resource(rec: CalendarRec, owner: str, *, entry: bool) -> dict[str, Any]:
    """calendars.get (entry=False) or a calendarList entry (entry=True)."""
    out: dict[str, Any] = {
        "kind": "calendar#calendarListEntry" if entry else "calendar#calendar",
        "etag": f'"{rec.seq:016d}"',
        "id": rec.id,
        "summary": rec.summary,
        "timeZone": rec.time_zone,
    }
    if entry:
        out.update(accessRole="owner", selected=True, defaultReminders=[])
        if rec.id == owner:
            out["primary"] = True
    return out


def _body(body: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "required", "Missing request body.")
    return body


def calendar_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """calendarList.list."""
    items = [
        calendar_resource(c, sb.calendar.owner, entry=True) for c in sb.calendar.calendars.values()
    ]
    page, next_token, _ = page_window(
        items, params.get("pageToken"), params.get("maxResults"), 100, 250
    )
    out: dict[str, Any] = {"kind": "calendar#calendarList", "etag": '"sandbox"', "items": page}
    if next_token:
        out["nextPageToken"] = next_token
    return 200, out


def calendars_get(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """calendars.get."""
    rec = sb.calendar.resolve(str(params["calendarId"]))
    return 200, calendar_resource(rec, sb.calendar.owner, entry=False)


def events_list(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.list (full listing or incremental sync)."""
    return 200, list_events(sb.calendar, str(params["calendarId"]), params, sb.now())


def events_get(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.get (also cancelled events and generated instances)."""
    return 200, sb.calendar.get(str(params["calendarId"]), str(params["eventId"]))


def events_insert(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.insert."""
    return 200, sb.calendar.insert(str(params["calendarId"]), _body(body), sb.now())


def events_patch(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.patch."""
    return 200, sb.calendar.patch(
        str(params["calendarId"]), str(params["eventId"]), _body(body), sb.now(), api=True
    )


def events_update(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.update."""
    return 200, sb.calendar.patch(
        str(params["calendarId"]),
        str(params["eventId"]),
        _body(body),
        sb.now(),
        replace=True,
        api=True,
    )


def events_delete(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.delete."""
    sb.calendar.delete(str(params["calendarId"]), str(params["eventId"]), sb.now())
    return 204, None


def events_instances(sb: World, params: dict[str, Any], body: dict[str, Any] | None) -> Reply:
    """events.instances: the occurrences of one series, exceptions applied."""
    store = sb.calendar
    cal = store.resolve(str(params["calendarId"]))
    master = store.events[cal.id].get(str(params["eventId"]))
    if master is None or not master.get("recurrence"):
        raise ApiError(404, "notFound", "Not Found")
    try:
        t_min = parse_datetime(params["timeMin"]) if params.get("timeMin") else None
        t_max = parse_datetime(params["timeMax"]) if params.get("timeMax") else None
    except ValueError as exc:
        raise ApiError(400, "badRequest", "Bad Request") from exc
    start, _, _ = ev.span(master, cal.time_zone)
    items = []
    for inst in store.expand(cal, master, t_min, t_max or max(sb.now(), start) + ev.HORIZON):
        shown = store.events[cal.id].get(inst["id"], inst)
        if shown.get("status") == "cancelled" and not params.get("showDeleted"):
            continue
        items.append(ev.present(shown))
    page, next_token, _ = page_window(
        items, params.get("pageToken"), params.get("maxResults"), 250, 2500
    )
    out: dict[str, Any] = {
        "kind": "calendar#events",
        "summary": cal.summary,
        "timeZone": cal.time_zone,
        "accessRole": "owner",
        "items": page,
    }
    if next_token:
        out["nextPageToken"] = next_token
    return 200, out


HANDLERS: dict[str, Handler] = {
    "calendar.calendarList.list": calendar_list,
    "calendar.calendars.get": calendars_get,
    "calendar.events.list": events_list,
    "calendar.events.get": events_get,
    "calendar.events.insert": events_insert,
    "calendar.events.patch": events_patch,
    "calendar.events.update": events_update,
    "calendar.events.delete": events_delete,
    "calendar.events.instances": events_instances,
}
