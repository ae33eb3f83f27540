"""Calendar event resources: time objects, attendees, instances, stubs and list filters."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.sandbox.recurrence import instance_suffix
from agent.sandbox.wire import ApiError, parse_date, parse_datetime

HORIZON = timedelta(days=366)  # how far past now open-ended series are expanded
SERVER_FIELDS = ("kind", "etag", "htmlLink", "created", "updated", "iCalUID", "sequence", "creator")


def zone(name: str) -> ZoneInfo:
    """A ZoneInfo, or 400 for an unknown zone name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(400, "invalid", f"Invalid time zone definition: {name}") from exc


def time_obj(value: datetime | date, zone_name: str) -> dict[str, str]:
    """`{"dateTime": RFC 3339 with offset, "timeZone"}` for a datetime, `{"date"}` for a date."""
    if isinstance(value, datetime):
        local = value.astimezone(zone(zone_name))
        return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": zone_name}
    return {"date": value.isoformat()}


def event_zone(event: dict[str, Any], default: str) -> str:
    """The zone an event's wall times live in: start.timeZone, else the calendar's."""
    return str(event.get("start", {}).get("timeZone") or default)


def parse_time_obj(obj: Any, default_zone: str, what: str) -> tuple[datetime, bool]:
    """(aware start instant in the event's zone, all_day) from a start/end object."""
    if not isinstance(obj, dict):
        raise ApiError(400, "required", f"Missing {what} time.")
    tz = zone(str(obj.get("timeZone") or default_zone))
    try:
        if obj.get("dateTime"):
            text = str(obj["dateTime"])
            try:
                dt = parse_datetime(text)
            except ValueError:
                dt = datetime.fromisoformat(text).replace(tzinfo=tz)  # wall time in timeZone
            return dt.astimezone(tz), False
        if obj.get("date"):
            return datetime.combine(parse_date(str(obj["date"])), time(), tzinfo=tz), True
    except ValueError as exc:
        raise ApiError(400, "invalid", f"Invalid {what} time.") from exc
    raise ApiError(400, "required", f"Missing {what} time.")


def span(event: dict[str, Any], default_zone: str) -> tuple[datetime, datetime, bool]:
    """(start, end, all_day) of a stored event or instance."""
    start, all_day = parse_time_obj(event.get("start"), default_zone, "start")
    end, _ = parse_time_obj(event.get("end"), default_zone, "end")
    return start, end, all_day


def validate_times(event: dict[str, Any], default_zone: str) -> None:
    """400 unless start and end are present, of one kind, and end is not before start."""
    start, end, all_day = span(event, default_zone)
    _, end_all_day = parse_time_obj(event.get("end"), default_zone, "end")
    if all_day != end_all_day:
        raise ApiError(
            400, "invalid", "Start and end times must either both be date or both be dateTime."
        )
    if end < start:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")


def normalize_people(event: dict[str, Any], owner: str) -> None:
    """Fill attendees' responseStatus/self/organizer flags and the organizer's self flag."""
    organizer = event.get("organizer")
    if isinstance(organizer, dict) and organizer.get("email"):
        if organizer["email"].lower() == owner.lower():
            organizer.setdefault("self", True)
        org_email = organizer["email"].lower()
    else:
        org_email = ""
    attendees = event.get("attendees")
    if not attendees:
        event.pop("attendees", None)
        return
    fixed = []
    for raw in attendees:
        person = dict(raw)
        person.setdefault("responseStatus", "needsAction")
        email = str(person.get("email", "")).lower()
        if email and email == owner.lower():
            person.setdefault("self", True)
        if email and email == org_email:
            person.setdefault("organizer", True)
        fixed.append(person)
    event["attendees"] = fixed


def instance(
    master: dict[str, Any], start: datetime, all_day: bool, default_zone: str
) -> dict[str, Any]:
    """One generated occurrence of a recurring event."""
    m_start, m_end, _ = span(master, default_zone)
    zone_name = event_zone(master, default_zone)
    out = copy.deepcopy(master)
    out.pop("recurrence", None)
    out["id"] = f"{master['id']}_{instance_suffix(start, all_day)}"
    out["recurringEventId"] = master["id"]
    if all_day:
        out["start"] = {"date": start.date().isoformat()}
        out["end"] = {"date": (start.date() + (m_end.date() - m_start.date())).isoformat()}
        out["originalStartTime"] = {"date": start.date().isoformat()}
    else:
        out["start"] = time_obj(start, zone_name)
        out["end"] = time_obj(start + (m_end - m_start), zone_name)
        out["originalStartTime"] = time_obj(start, zone_name)
    return out


def stub(event: dict[str, Any]) -> dict[str, Any]:
    """What sync and showDeleted return for a cancelled event."""
    out = {
        "kind": "calendar#event",
        "etag": event.get("etag", ""),
        "id": event["id"],
        "status": "cancelled",
    }
    for key in ("recurringEventId", "originalStartTime"):
        if key in event:
            out[key] = event[key]
    return out


def present(event: dict[str, Any]) -> dict[str, Any]:
    """The API view of an event: a stub when cancelled, else a copy."""
    return stub(event) if event.get("status") == "cancelled" else copy.deepcopy(event)


def matches_text(event: dict[str, Any], q: str) -> bool:
    """events.list `q`: every word appears in summary, description, location or people."""
    people = [event.get("organizer") or {}, *(event.get("attendees") or [])]
    fields = [event.get("summary", ""), event.get("description", ""), event.get("location", "")]
    fields += [f"{p.get('displayName', '')} {p.get('email', '')}" for p in people]
    haystack = " ".join(str(f) for f in fields).lower()
    return all(word in haystack for word in q.lower().split())


def matches_properties(event: dict[str, Any], kind: str, wanted: list[str]) -> bool:
    """privateExtendedProperty / sharedExtendedProperty filters: every `key=value` holds."""
    props = (event.get("extendedProperties") or {}).get(kind) or {}
    for pair in wanted:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ApiError(400, "invalid", f"Invalid extended property constraint: {pair}")
        if props.get(key) != value:
            return False
    return True

