"""Google Calendar as the engine's CalendarSource: incremental event sync and reminder events."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from agent.core.errors import FollowupError
from agent.core.interviews import Attendee, CalendarEvent, Contact, Rejection
from agent.core.ports import CalendarSync, ReminderEvent
from agent.core.text import well_formed
from agent.google.client import Services, error_status

log = logging.getLogger(__name__)

REMINDER_PROPERTY = "followupReminder"
FULL_SYNC_LOOKBACK = timedelta(days=30)
PAGE_SIZE = 250
GONE = frozenset({404, 410})


def _moment(value: Any, zone: str) -> datetime:
    """An RFC 3339 time; one without an offset is read in `zone`."""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def _when(part: dict[str, Any] | None, zone: ZoneInfo) -> tuple[datetime | None, date | None]:
    """(dateTime, date) of an event's start or end dict."""
    if not part:
        return None, None
    if part.get("dateTime"):
        return _moment(part["dateTime"], part.get("timeZone") or zone.key), None
    if part.get("date"):
        return None, date.fromisoformat(str(part["date"]))
    return None, None


def _text(value: Any) -> str:
    """An event's text field as a well-formed str."""
    return well_formed(str(value))


def to_calendar_event(calendar_id: str, item: dict[str, Any], zone: ZoneInfo) -> CalendarEvent:
    """Convert one events resource into a CalendarEvent (tolerant of odd input)."""
    start, start_date = _when(item.get("start"), zone)
    end, _ = _when(item.get("end"), zone)
    organizer = item.get("organizer") or {}
    attendees = tuple(
        Attendee(
            email=_text(a.get("email", "")).strip().lower(),
            name=_text(a.get("displayName", "")),
            response_status=str(a.get("responseStatus", "needsAction")),
            is_self=bool(a.get("self", False)),
            is_resource=bool(a.get("resource", False)),
            is_organizer=bool(a.get("organizer", False)),
        )
        for a in item.get("attendees") or ()
        if isinstance(a, dict) and a.get("email")
    )
    private = ((item.get("extendedProperties") or {}).get("private")) or {}
    return CalendarEvent(
        calendar_id=calendar_id,
        event_id=_text(item["id"]),
        status=str(item.get("status", "confirmed")),
        summary=_text(item.get("summary", "")),
        description=_text(item.get("description", "")),
        start=start,
        end=end,
        all_day=start_date is not None,
        organizer=Contact(
            email=_text(organizer.get("email", "")).strip().lower(),
            name=_text(organizer.get("displayName", "")),
        )
        if organizer.get("email")
        else None,
        organizer_is_self=bool(organizer.get("self", False)),
        attendees=attendees,
        event_type=str(item.get("eventType", "default")),
        is_agent_reminder=REMINDER_PROPERTY in private,
    )


class GoogleCalendar:
    """The Calendar calls the engine makes (the engine's CalendarSource)."""

    def __init__(self, services: Services) -> None:
        self.api = services.api
        self._events = services.calendar.events()  # built once: every pass reads events

    def sync(
        self, calendar_id: str, sync_token: str | None, *, now: datetime, fallback_zone: str
    ) -> CalendarSync:
        """Incremental sync with the stored token; a 410 falls back to a full sync."""
        if sync_token:
            try:
                return self._list_all(calendar_id, {"syncToken": sync_token}, fallback_zone)
            except HttpError:
                log.info("calendar %s: sync token expired; doing a full sync", calendar_id)
        time_min = (now - FULL_SYNC_LOOKBACK).isoformat()
        return self._list_all(calendar_id, {"timeMin": time_min}, fallback_zone)

    def _list_all(
        self, calendar_id: str, params: dict[str, Any], fallback_zone: str
    ) -> CalendarSync:
        """Page through events.list (the sync token is on the last page); a 410 is raised."""
        full = "syncToken" not in params
        items: list[dict[str, Any]] = []
        zone_name, token = fallback_zone, ""
        pages = self.api.pages(
            self._events.list, f"reading calendar {calendar_id!r}",
            expect=frozenset() if full else frozenset({410}),
            calendarId=calendar_id, singleEvents=True, maxResults=PAGE_SIZE, **params,
        )
        for page in pages:
            zone_name = page.get("timeZone") or zone_name
            items.extend(page.get("items") or ())
            token = page.get("nextSyncToken", "")
        zone = ZoneInfo(zone_name) if zone_name else ZoneInfo("UTC")
        events = []
        unreadable = []
        for item in items:
            try:
                events.append(to_calendar_event(calendar_id, item, zone))
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                log.warning("calendar %s: an event cannot be read (%s)", calendar_id, exc)
                if isinstance(item, dict):
                    unreadable.append(Rejection(
                        calendar_id,
                        _text(item.get("id", "?")),
                        _text(item.get("summary", "")),
                        f"cannot be read: {type(exc).__name__}: {exc}",
                    ))
        return CalendarSync(calendar_id, tuple(events), token, zone_name, full, tuple(unreadable))

    def add_reminder(self, event: ReminderEvent) -> bool:
        """Insert with the deterministic id; False when the user deleted that reminder."""
        # The fixed id makes the insert safe to repeat: a 409 means the id is taken, by the
        # reminder an earlier attempt made (True) or by one the user deleted (False).
        request = self._events.insert(calendarId=event.calendar_id, body=reminder_body(event))
        if self.api.maybe(request, "adding a calendar reminder", frozenset({409})) is None:
            return self._live(event.calendar_id, event.event_id)
        return True

    def move_reminder(self, event: ReminderEvent) -> bool:
        """Patch the reminder's times; False when the user deleted it."""
        # Calendar answers a patch of an event deleted in its UI with 403 forbidden, and 404/410
        # when it is gone for good; a 403 for any other reason is the error it says.
        request = self._events.patch(
            calendarId=event.calendar_id, eventId=event.event_id, body=_times(event)
        )
        try:
            return self.api.maybe(request, "moving a calendar reminder", GONE) is not None
        except FollowupError as exc:
            if error_status(exc.__cause__) != 403 or self._live(event.calendar_id, event.event_id):
                raise
            return False

    def _live(self, calendar_id: str, event_id: str) -> bool:
        """True when the event exists and was not deleted (deleted ones stay, cancelled)."""
        request = self._events.get(calendarId=calendar_id, eventId=event_id)
        data = self.api.maybe(request, "reading a calendar reminder", GONE)
        return data is not None and str(data.get("status", "confirmed")) != "cancelled"

    def remove_reminder(self, calendar_id: str, event_id: str) -> bool:
        """Delete the reminder; False when it was already gone."""
        request = self._events.delete(calendarId=calendar_id, eventId=event_id)
        return self.api.maybe(request, "removing a calendar reminder", GONE) is not None


def _times(event: ReminderEvent) -> dict[str, Any]:
    """The start and end of a reminder in the user's zone."""
    return {
        "start": {"dateTime": event.start.isoformat(), "timeZone": event.zone},
        "end": {"dateTime": event.end.isoformat(), "timeZone": event.zone},
    }


def reminder_body(event: ReminderEvent) -> dict[str, Any]:
    """The events.insert body of a reminder, marked so detection never takes it for an interview."""
    return {
        "id": event.event_id,
        "summary": event.summary,
        "description": event.description,
        **_times(event),
        "transparency": "transparent",
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": "popup", "minutes": event.popup_minutes}],
        },
        "extendedProperties": {
            "private": {REMINDER_PROPERTY: "1", "followupStep": event.step}
        },
    }
