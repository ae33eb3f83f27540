"""Control methods for the calendar side of the sandbox (mixed into Sandbox)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from agent.sandbox import events as ev
from agent.sandbox.calendars import CalendarStore
from agent.sandbox.wire import require_aware


class CalendarControls:
    """Add, move, cancel and inspect events the way organizers and the user would."""

    _lock: threading.RLock
    calendar: CalendarStore
    time_zone: str
    now: Callable[[], datetime]

    def add_calendar(
        self, calendar_id: str, summary: str = "", time_zone: str | None = None
    ) -> dict[str, Any]:
        """Create a secondary calendar; returns {id, summary, timeZone}."""
        with self._lock:
            rec = self.calendar.add_calendar(calendar_id, summary, time_zone or self.time_zone)
            return {"id": rec.id, "summary": rec.summary, "timeZone": rec.time_zone}

    def add_event(
        self,
        calendar_id: str = "primary",
        *,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        description: str = "",
        attendees: Iterable[dict[str, Any]] = (),
        organizer: dict[str, Any] | None = None,
        recurrence: Iterable[str] | None = None,
        all_day: bool = False,
        status: str = "confirmed",
        event_id: str | None = None,
        time_zone: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Put an event on a calendar (an invitation or the user's own); returns it API-shaped."""
        with self._lock:
            cal = self.calendar.resolve(calendar_id)
            if all_day:
                start = start.date() if isinstance(start, datetime) else start
                end = end.date() if isinstance(end, datetime) else end
                zone_name = time_zone or cal.time_zone
            else:
                if not isinstance(start, datetime) or not isinstance(end, datetime):
                    raise ValueError("start and end must be datetimes unless all_day=True")
                require_aware(start, "start")
                require_aware(end, "end")
                zone_name = time_zone or getattr(start.tzinfo, "key", None) or cal.time_zone
            body: dict[str, Any] = {
                "summary": summary,
                "description": description,
                "status": status,
                "start": ev.time_obj(start, zone_name),
                "end": ev.time_obj(end, zone_name),
            }
            if attendees:
                body["attendees"] = [dict(a) for a in attendees]
            if organizer:
                body["organizer"] = dict(organizer)
            if recurrence:
                body["recurrence"] = list(recurrence)
            if event_id:
                body["id"] = event_id
            body.update(extra or {})
            return self.calendar.insert(cal.id, body, self.now(), trusted=True)

    def move_event(
        self, calendar_id: str, event_id: str, start: datetime | date, end: datetime | date
    ) -> dict[str, Any]:
        """Reschedule an event (or one instance of a series)."""
        with self._lock:
            cal = self.calendar.resolve(calendar_id)
            current = self.calendar.get(cal.id, event_id)
            zone_name = ev.event_zone(current, cal.time_zone)
            fields = {"start": ev.time_obj(start, zone_name), "end": ev.time_obj(end, zone_name)}
            return self.calendar.patch(cal.id, event_id, fields, self.now())

    def cancel_event(self, calendar_id: str, event_id: str) -> None:
        """Cancel (delete) an event, a series, or one instance."""
        with self._lock:
            self.calendar.delete(calendar_id, event_id, self.now())

    def patch_event(
        self, calendar_id: str, event_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Change fields of an event or instance, as the organizer editing it would."""
        with self._lock:
            return self.calendar.patch(calendar_id, event_id, fields, self.now())

    def get_event(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """One stored event or generated instance, API-shaped."""
        with self._lock:
            return self.calendar.get(calendar_id, event_id)

    def list_events(self, calendar_id: str = "primary") -> list[dict[str, Any]]:
        """Every stored event of a calendar (series masters, exceptions, cancelled ones)."""
        with self._lock:
            return self.calendar.stored(calendar_id)
