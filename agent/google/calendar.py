"""Calendar adapter: incremental event sync and API dicts -> CalendarEvent."""

from __future__ import annotations

import functools
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.core.ports import CalendarSync, ReminderEvent, Unreadable
from agent.core.text import well_formed
from agent.google.client import Services, error_status

if TYPE_CHECKING:
    from agent.core.events import CalendarEvent

log = logging.getLogger(__name__)

REMINDER_PROPERTY = "followupReminder"
FULL_SYNC_LOOKBACK = timedelta(days=30)
PAGE_SIZE = 250


def parse_rfc3339(value: str) -> datetime:
    """An aware datetime from an RFC 3339 string."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without offset: {value!r}")
    return parsed


def _when(part: dict[str, Any] | None, zone: ZoneInfo) -> tuple[datetime | None, date | None]:
    """(dateTime, date) of an event's start or end dict."""
    if not part:
        return None, None
    if part.get("dateTime"):
        moment = datetime.fromisoformat(str(part["dateTime"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(part.get("timeZone") or zone.key))
        return moment, None
    if part.get("date"):
        return None, date.fromisoformat(str(part["date"]))
    return None, None


def _text(value: Any) -> str:
    """An event's text field as a well-formed str."""
    return well_formed(str(value))


def to_calendar_event(calendar_id: str, item: dict[str, Any], zone: ZoneInfo) -> CalendarEvent:
    """Convert one events resource into a CalendarEvent (tolerant of odd input)."""
    from agent.core.events import Attendee, CalendarEvent, Person  # on the first event only

    start, start_date = _when(item.get("start"), zone)
    end, _ = _when(item.get("end"), zone)
    original, _ = _when(item.get("originalStartTime"), zone)
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
    updated = item.get("updated")
    return CalendarEvent(
        calendar_id=calendar_id,
        event_id=_text(item["id"]),
        status=str(item.get("status", "confirmed")),
        summary=_text(item.get("summary", "")),
        description=_text(item.get("description", "")),
        location=_text(item.get("location", "")),
        start=start,
        end=end,
        all_day=start_date is not None,
        start_date=start_date,
        organizer=Person(
            email=_text(organizer.get("email", "")).strip().lower(),
            name=_text(organizer.get("displayName", "")),
        )
        if organizer.get("email")
        else None,
        organizer_is_self=bool(organizer.get("self", False)),
        attendees=attendees,
        recurring_event_id=item.get("recurringEventId"),
        original_start=original,
        updated=parse_rfc3339(updated) if updated else None,
        event_type=str(item.get("eventType", "default")),
        is_agent_reminder=REMINDER_PROPERTY in private,
    )


class SyncTokenExpired(Exception):
    """The stored syncToken answered 410 GONE: a full sync is needed."""


def sync_calendar(
    services: Services,
    calendar_id: str,
    sync_token: str | None,
    *,
    now: datetime,
    fallback_zone: str,
) -> CalendarSync:
    """Incremental sync with the stored token; a 410 falls back to a full sync."""
    if sync_token:
        try:
            return _list_all(services, calendar_id, {"syncToken": sync_token}, fallback_zone, False)
        except SyncTokenExpired:
            log.info("calendar %s: sync token expired; doing a full sync", calendar_id)
    time_min = (now - FULL_SYNC_LOOKBACK).isoformat()
    return _list_all(services, calendar_id, {"timeMin": time_min}, fallback_zone, True)


def _list_all(
    services: Services, calendar_id: str, params: dict[str, Any], fallback_zone: str, full: bool
) -> CalendarSync:
    """Page through events.list; the sync token is on the last page."""
    from googleapiclient.errors import HttpError

    items: list[dict[str, Any]] = []
    page_token: str | None = None
    zone_name = fallback_zone
    while True:
        request = services.calendar.events().list(
            calendarId=calendar_id,
            singleEvents=True,
            maxResults=PAGE_SIZE,
            pageToken=page_token,
            **params,
        )
        try:
            page = services.api.read(
                request,
                f"reading calendar {calendar_id!r}",
                expect=frozenset() if full else frozenset({410}),
            )
        except HttpError as exc:
            raise SyncTokenExpired() from exc
        zone_name = page.get("timeZone") or zone_name
        items.extend(page.get("items") or ())
        page_token = page.get("nextPageToken")
        if not page_token:
            token = page.get("nextSyncToken", "")
            break
    zone = ZoneInfo(zone_name) if zone_name else ZoneInfo("UTC")
    events = []
    unreadable = []
    for item in items:
        try:
            events.append(to_calendar_event(calendar_id, item, zone))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            log.warning("calendar %s: an event cannot be read (%s)", calendar_id, exc)
            if isinstance(item, dict):
                unreadable.append(
                    Unreadable(
                        f"{calendar_id}/{_text(item.get('id', '?'))}",
                        _text(item.get("summary", "")),
                        f"cannot be read: {type(exc).__name__}: {exc}",
                    )
                )
    return CalendarSync(calendar_id, tuple(events), token, zone_name, full, tuple(unreadable))


class GoogleCalendar:
    """The Calendar calls the engine makes (the engine's CalendarSource)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @functools.cached_property
    def _events(self) -> Any:
        """events, built once (the client builds all its methods each time it is asked for)."""
        return self.services.calendar.events()

    def sync(
        self, calendar_id: str, sync_token: str | None, *, now: datetime, fallback_zone: str
    ) -> CalendarSync:
        """Incremental sync with the stored token; a 410 falls back to a full sync."""
        return sync_calendar(
            self.services, calendar_id, sync_token, now=now, fallback_zone=fallback_zone
        )

    def add_reminder(self, event: ReminderEvent) -> bool:
        """Insert with the deterministic id; False when the user deleted that reminder.

        The fixed id makes the insert safe to repeat: a 409 means the id is taken, by the
        reminder an earlier attempt made (True) or by one the user deleted (False).
        """
        from googleapiclient.errors import HttpError

        what = "adding a calendar reminder"
        request = self._events.insert(
            calendarId=event.calendar_id, body=reminder_body(event)
        )
        try:
            self.services.api.read(request, what, expect=frozenset({409}))
        except HttpError:
            return self._live(event.calendar_id, event.event_id)
        return True

    def move_reminder(self, event: ReminderEvent) -> bool:
        """Patch the reminder's times; False when the user deleted it.

        Calendar answers a patch of an event deleted in its UI with 403 forbidden, and 404/410
        when it is gone for good; a 403 for any other reason is the error it says.
        """
        from googleapiclient.errors import HttpError

        what = "moving a calendar reminder"
        request = self._events.patch(
            calendarId=event.calendar_id, eventId=event.event_id, body=_times(event)
        )
        try:
            self.services.api.read(request, what, expect=frozenset({403, 404, 410}))
        except HttpError as exc:
            if error_status(exc) != 403:
                return False
            if self._live(event.calendar_id, event.event_id):
                raise self.services.api.fail(exc, what) from exc
            return False
        return True

    def _live(self, calendar_id: str, event_id: str) -> bool:
        """True when the event exists and was not deleted (deleted ones stay, cancelled)."""
        from googleapiclient.errors import HttpError

        request = self._events.get(calendarId=calendar_id, eventId=event_id)
        try:
            data = self.services.api.read(
                request, "reading a calendar reminder", expect=frozenset({404, 410})
            )
        except HttpError:
            return False
        return str(data.get("status", "confirmed")) != "cancelled"

    def remove_reminder(self, calendar_id: str, event_id: str) -> bool:
        """Delete the reminder; False when it was already gone."""
        from googleapiclient.errors import HttpError

        request = self._events.delete(calendarId=calendar_id, eventId=event_id)
        try:
            self.services.api.read(
                request, "removing a calendar reminder", expect=frozenset({404, 410})
            )
        except HttpError:
            return False
        return True


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
