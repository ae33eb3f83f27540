"""Calendar state: calendars, events, recurring exceptions, change sequence (no lock, no HTTP)."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from agent.sandbox import events as ev
from agent.sandbox.recurrence import parse_suffix, starts
from agent.sandbox.wire import ApiError, rfc3339

_SECOND = timedelta(seconds=1)


@dataclass
class CalendarRec:
    """One calendar and its change counter."""

    id: str
    summary: str
    time_zone: str
    seq: int = 0


class CalendarStore:
    """Every calendar's events, keyed by calendar id then event id (insertion ordered)."""

    def __init__(self, owner: str, time_zone: str) -> None:
        self.owner = owner
        self.calendars: dict[str, CalendarRec] = {}
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.changed: dict[str, dict[str, int]] = {}
        self.counter = 0
        self.token_serial = 0  # sync tokens issued so far
        self.token_floor = 0  # tokens with a serial at or below this answer 410
        self.add_calendar(owner, owner, time_zone)

    # -- calendars -------------------------------------------------------------------------

    def add_calendar(self, calendar_id: str, summary: str, time_zone: str) -> CalendarRec:
        """Create a calendar (409 if the id exists)."""
        if calendar_id in self.calendars or calendar_id == "primary":
            raise ApiError(409, "duplicate", f"Calendar {calendar_id} already exists.")
        ev.zone(time_zone)
        rec = CalendarRec(calendar_id, summary or calendar_id, time_zone)
        self.calendars[calendar_id] = rec
        self.events[calendar_id] = {}
        self.changed[calendar_id] = {}
        return rec

    def resolve(self, calendar_id: str) -> CalendarRec:
        """The calendar for an id ("primary" is the owner's), else 404."""
        key = self.owner if calendar_id == "primary" else calendar_id
        if key not in self.calendars:
            raise ApiError(404, "notFound", "Not Found")
        return self.calendars[key]

    # -- writes ----------------------------------------------------------------------------

    def _touch(self, cal: CalendarRec, event: dict[str, Any], now: datetime) -> None:
        """Record a change: bump the calendar's sequence, stamp updated and etag."""
        cal.seq += 1
        self.changed[cal.id][event["id"]] = cal.seq
        event["updated"] = rfc3339(now)
        event["etag"] = f'"{cal.seq:016d}"'

    def _new_id(self) -> str:
        self.counter += 1
        return f"evt{self.counter:05d}"

    def insert(
        self, calendar_id: str, body: dict[str, Any], now: datetime, *, trusted: bool = False
    ) -> dict[str, Any]:
        """Store a new event (events.insert); trusted callers may set organizer/creator."""
        cal = self.resolve(calendar_id)
        event = {k: copy.deepcopy(v) for k, v in body.items() if k not in ev.SERVER_FIELDS}
        event_id = str(event.get("id") or self._new_id())
        if event_id in self.events[cal.id]:
            raise ApiError(409, "duplicate", "The requested identifier already exists.")
        ev.validate_times(event, cal.time_zone)
        owner = {"email": self.owner, "self": True}
        if not trusted or not event.get("organizer"):
            event["organizer"] = owner if cal.id == self.owner else {"email": cal.id, "self": True}
        ev.normalize_people(event, self.owner)
        event.update(
            kind="calendar#event",
            id=event_id,
            status=event.get("status") or "confirmed",
            htmlLink=f"https://calendar.sandbox.local/event?eid={event_id}",
            created=rfc3339(now),
            creator=owner,
            iCalUID=event.get("iCalUID") or f"{event_id}@sandbox.local",
            sequence=0,
        )
        event.setdefault("reminders", {"useDefault": True})
        event.setdefault("eventType", "default")
        self.events[cal.id][event_id] = event
        self._touch(cal, event, now)
        return copy.deepcopy(event)

    def _stored_or_instance(self, cal: CalendarRec, event_id: str) -> dict[str, Any]:
        """A stored event; for an unknown instance id, a new exception made from its series."""
        found = self.events[cal.id].get(event_id)
        if found is not None:
            return found
        generated = self._generate_instance(cal, event_id)
        if generated is None:
            raise ApiError(404, "notFound", "Not Found")
        self.events[cal.id][event_id] = generated
        return generated

    def patch(
        self,
        calendar_id: str,
        event_id: str,
        fields: dict[str, Any],
        now: datetime,
        *,
        replace: bool = False,
        api: bool = False,
    ) -> dict[str, Any]:
        """events.patch (shallow merge) or events.update (replace=True).

        Through the API (api=True) a deleted (cancelled) event answers 403 forbidden, as at
        Google; the control surface may still change it.
        """
        cal = self.resolve(calendar_id)
        event = self._stored_or_instance(cal, event_id)
        if api and event.get("status") == "cancelled":
            raise ApiError(403, "forbidden", "Forbidden")
        before = copy.deepcopy(event)
        keep = {
            k: event[k]
            for k in (*ev.SERVER_FIELDS, "id", "organizer", "recurringEventId", "originalStartTime")
            if k in event
        }
        updated = dict(keep) if replace else copy.deepcopy(event)
        for key, value in fields.items():
            if key in ev.SERVER_FIELDS or key == "id":
                continue
            if key == "extendedProperties" and not replace and isinstance(value, dict):
                merged = copy.deepcopy(updated.get("extendedProperties") or {})
                for kind, props in value.items():
                    merged.setdefault(kind, {}).update(props or {})
                updated[key] = merged
            else:
                updated[key] = copy.deepcopy(value)
        updated.setdefault("status", "confirmed")
        ev.validate_times(updated, cal.time_zone)
        ev.normalize_people(updated, self.owner)
        if any(updated.get(k) != before.get(k) for k in ("start", "end", "recurrence", "status")):
            updated["sequence"] = int(before.get("sequence", 0)) + 1
        event.clear()
        event.update(updated)
        self._touch(cal, event, now)
        return copy.deepcopy(event)

    def delete(self, calendar_id: str, event_id: str, now: datetime) -> None:
        """events.delete: mark cancelled (kept for sync); 410 when already deleted."""
        cal = self.resolve(calendar_id)
        event = self._stored_or_instance(cal, event_id)
        if event.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        event["status"] = "cancelled"
        self._touch(cal, event, now)
        if event.get("recurrence"):
            for other in self.events[cal.id].values():
                if other.get("recurringEventId") == event_id and other.get("status") != "cancelled":
                    other["status"] = "cancelled"
                    self._touch(cal, other, now)

    # -- reads -----------------------------------------------------------------------------

    def get(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """events.get: stored events (also cancelled ones) and generated instances."""
        cal = self.resolve(calendar_id)
        found = self.events[cal.id].get(event_id) or self._generate_instance(cal, event_id)
        if found is None:
            raise ApiError(404, "notFound", "Not Found")
        return copy.deepcopy(found)

    def _generate_instance(self, cal: CalendarRec, event_id: str) -> dict[str, Any] | None:
        """The occurrence an instance id names, if its series really has it."""
        master_id, sep, suffix = event_id.rpartition("_")
        master = self.events[cal.id].get(master_id) if sep else None
        if master is None or not master.get("recurrence"):
            return None
        zone_name = ev.event_zone(master, cal.time_zone)
        named = parse_suffix(suffix, ev.zone(zone_name))
        if named is None:
            return None
        original, all_day = named
        start, end, m_all_day = ev.span(master, cal.time_zone)
        if all_day != m_all_day:
            return None
        found = starts(
            master["recurrence"],
            start,
            ev.zone(zone_name),
            all_day=all_day,
            window_start=original - _SECOND,
            window_end=original + _SECOND,
            duration=end - start,
        )
        for candidate in found:
            if candidate == original:
                return ev.instance(master, candidate, all_day, cal.time_zone)
        return None

    def expand(
        self,
        cal: CalendarRec,
        master: dict[str, Any],
        window_start: datetime | None,
        window_end: datetime,
    ) -> list[dict[str, Any]]:
        """Generated occurrences of a series overlapping the window (without exceptions applied)."""
        start, end, all_day = ev.span(master, cal.time_zone)
        zone_name = ev.event_zone(master, cal.time_zone)
        found = starts(
            master["recurrence"],
            start,
            ev.zone(zone_name),
            all_day=all_day,
            window_start=window_start,
            window_end=window_end,
            duration=end - start,
        )
        return [ev.instance(master, s, all_day, cal.time_zone) for s in found]

    def stored(self, calendar_id: str) -> list[dict[str, Any]]:
        """Every stored event of a calendar (copies), including cancelled ones."""
        cal = self.resolve(calendar_id)
        return [copy.deepcopy(e) for e in self.events[cal.id].values()]

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {
            "owner": self.owner,
            "calendars": [asdict(c) for c in self.calendars.values()],
            "events": self.events,
            "changed": self.changed,
            "counter": self.counter,
            "token_serial": self.token_serial,
            "token_floor": self.token_floor,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalendarStore:
        """Rebuild from to_dict output."""
        store = cls.__new__(cls)
        store.owner = data["owner"]
        store.calendars = {c["id"]: CalendarRec(**c) for c in data["calendars"]}
        store.events = data["events"]
        store.changed = {
            cal: {k: int(v) for k, v in m.items()} for cal, m in data["changed"].items()
        }
        store.counter = int(data["counter"])
        store.token_serial = int(data["token_serial"])
        store.token_floor = int(data["token_floor"])
        return store
