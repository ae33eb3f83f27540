"""A calendar event as the agent sees it (converted at the API boundary); why one is not used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agent.core.interviews import Contact


@dataclass(frozen=True)
class Attendee:
    """One attendee entry of a calendar event."""

    email: str
    name: str = ""
    response_status: str = "needsAction"  # needsAction | declined | tentative | accepted
    is_self: bool = False
    is_resource: bool = False
    is_organizer: bool = False


@dataclass(frozen=True)
class CalendarEvent:
    """A calendar event as the agent sees it (converted at the API boundary)."""

    calendar_id: str
    event_id: str
    status: str  # confirmed | tentative | cancelled
    summary: str = ""
    description: str = ""
    start: datetime | None = None  # timezone-aware; None when all-day or cancelled stub
    end: datetime | None = None
    all_day: bool = False
    organizer: Contact | None = None
    organizer_is_self: bool = False
    attendees: tuple[Attendee, ...] = ()
    event_type: str = "default"  # default | outOfOffice | focusTime | workingLocation ...
    is_agent_reminder: bool = False  # created by this agent (extendedProperties.private)


@dataclass(frozen=True)
class Rejection:
    """Why an event is not acted on as an interview (shown in status and the demo)."""

    calendar_id: str
    event_id: str
    title: str
    reason: str
