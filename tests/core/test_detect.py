"""Which calendar events are trusted interviews, and who, what company and what role they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.core.detect import (
    PUBLIC_MAIL_DOMAINS,
    company_from_domain,
    detect,
    sequence_company_key,
)
from agent.core.interviews import Attendee, CalendarEvent, Contact, Interview, Notes, Rejection
from agent.core.settings import CalendarSettings
from agent.core.text import printable

NY = ZoneInfo("America/New_York")
USER = "me@example.com"
ME = Attendee(USER, "Me", "accepted", is_self=True)
JANE = Attendee("jane@acme.com", "Jane Doe", "accepted", is_organizer=True)


def event(**changes: Any) -> CalendarEvent:
    """An accepted one-hour interview with Jane at Acme, changed as asked."""
    base = CalendarEvent(
        calendar_id="primary",
        event_id="ev1",
        status="confirmed",
        summary="Interview with Acme",
        start=datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
        end=datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
        organizer=Contact("jane@acme.com", "Jane Doe"),
        attendees=(JANE, ME),
    )
    return replace(base, **changes)


def run(ev: CalendarEvent, **kwargs: Any) -> Interview | Rejection:
    """detect() with the test user, default settings and New York."""
    settings = kwargs.pop("settings", CalendarSettings())
    return detect(ev, user_email=USER, settings=settings, zone=NY, **kwargs)


def interview(ev: CalendarEvent, **kwargs: Any) -> Interview:
    """detect() that must find an interview."""
    result = run(ev, **kwargs)
    assert isinstance(result, Interview), result
    return result


def reason(ev: CalendarEvent, **kwargs: Any) -> str:
    """detect() that must reject; the reason."""
    result = run(ev, **kwargs)
    assert isinstance(result, Rejection), result
    return result.reason


def test_a_plain_interview() -> None:
    found = interview(event(event_id="abc_20261130T150000Z"))
    assert found.key == "primary/abc_20261130T150000Z"
    assert found.title == "Interview with Acme"
    assert found.start == datetime(2026, 11, 30, 10, 0, tzinfo=NY)
    assert found.start.tzinfo == NY and found.end.tzinfo == NY
    assert found.end.hour == 11
    assert found.contacts == (Contact("jane@acme.com", "Jane Doe"),)
    assert found.primary == Contact("jane@acme.com", "Jane Doe")
    assert (found.company, found.role) == ("Acme", "")
    assert found.notes == Notes()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "cancelled", "is_agent_reminder": True}, "cancelled"),
        ({"is_agent_reminder": True}, "created by followup (reminder)"),
        ({"event_type": "outOfOffice"}, "not an interview: outOfOffice event"),
        (
            {"summary": "Lunch with Bob"},
            "not an interview: title does not match and no tag in the description",
        ),
        (
            {"summary": "Interviewing tips"},
            "not an interview: title does not match and no tag in the description",
        ),
        ({"summary": "Mock interview with Sam"}, "excluded: matches 'mock'"),
        ({"summary": "Interview PREP"}, "excluded: matches 'prep'"),
        (
            {"summary": "Practice interview", "attendees": (JANE,)},
            "excluded: matches 'practice'",
        ),
        (
            {"summary": "Lunch", "all_day": True, "start": None, "end": None},
            "not an interview: title does not match and no tag in the description",
        ),
        ({"all_day": True, "start": None, "end": None}, "all-day event"),
        ({"start": None}, "no start or end time"),
        (
            {"attendees": (JANE, replace(ME, response_status="needsAction"))},
            "untrusted: you have not accepted this invitation",
        ),
        (
            {"attendees": (JANE, replace(ME, response_status="declined"))},
            "untrusted: you declined this invitation",
        ),
        ({"attendees": (JANE,)}, "untrusted: you are not on this event's guest list"),
        (
            {"organizer": Contact(USER), "organizer_is_self": True, "attendees": ()},
            "no contacts: no one but you on the event",
        ),
        (
            {
                "organizer": Contact(USER),
                "organizer_is_self": True,
                "attendees": (
                    ME,
                    Attendee("c_1@resource.calendar.google.com", "Room 5", is_resource=True),
                    Attendee("noreply@acme.com", "Acme Scheduling", "accepted"),
                ),
            },
            "no contacts: only rooms, groups or scheduling robots",
        ),
    ],
)
def test_rejections(changes: dict[str, Any], expected: str) -> None:
    ev = event(**changes)
    result = run(ev)
    assert result == Rejection("primary", "ev1", ev.summary, expected)


@pytest.mark.parametrize(
    ("organizer_is_self", "own", "trusted"),
    [
        (True, None, True),
        (True, replace(ME, response_status="needsAction"), True),
        (False, replace(ME, response_status="accepted"), True),
        (False, replace(ME, response_status="tentative"), True),
        (False, replace(ME, response_status="needsAction"), False),
        (False, replace(ME, response_status="declined"), False),
        (False, Attendee("ME@Example.com", "Me", "accepted"), True),  # matched by address
        (False, Attendee("ME@Example.com", "Me", "needsAction"), False),
        (False, None, False),
    ],
)
def test_trust(organizer_is_self: bool, own: Attendee | None, trusted: bool) -> None:
    candidate = Attendee("jane@acme.com", "Jane Doe", "needsAction")
    ev = event(
        organizer=Contact(USER) if organizer_is_self else Contact("jane@acme.com", "Jane Doe"),
        organizer_is_self=organizer_is_self,
        attendees=(candidate, own) if own else (candidate,),
    )
    result = run(ev)
    assert isinstance(result, Interview) is trusted
    if not trusted:
        assert isinstance(result, Rejection) and result.reason.startswith("untrusted: ")


def test_an_organizer_with_the_users_address_but_no_self_flag_is_not_trusted() -> None:
    unanswered = replace(ME, response_status="needsAction")
    ev = event(organizer=Contact("Me@Example.com"), attendees=(JANE, unanswered))
    assert reason(ev) == "untrusted: you have not accepted this invitation"
    assert reason(event(organizer=Contact(USER), attendees=(JANE,))).startswith("untrusted: ")
    assert isinstance(run(event(organizer=Contact(USER), attendees=(JANE, ME))), Interview)


def test_panel_of_three_primary_is_the_organizer() -> None:
    ev = event(
        organizer=Contact("rita@acme.com", "Rita Recruiter"),
        attendees=(
            Attendee("sam@acme.com", "Sam Lead", "accepted"),
            ME,
            Attendee("rita@acme.com", "", "accepted", is_organizer=True),
            Attendee("lee@acme.com", "Lee Manager", "needsAction"),
        ),
    )
    found = interview(ev)
    assert found.contacts == (
        Contact("rita@acme.com", "Rita Recruiter"),
        Contact("sam@acme.com", "Sam Lead"),
        Contact("lee@acme.com", "Lee Manager"),
    )
    assert found.primary == Contact("rita@acme.com", "Rita Recruiter")


def test_user_organized_primary_is_first_external_attendee() -> None:
    ev = event(
        organizer=Contact(USER),
        organizer_is_self=True,
        attendees=(ME, Attendee("sam@acme.com", "Sam"), Attendee("lee@acme.com", "Lee")),
    )
    found = interview(ev)
    assert found.primary == Contact("sam@acme.com", "Sam")
    assert [c.email for c in found.contacts] == ["sam@acme.com", "lee@acme.com"]


def test_rooms_groups_robots_and_decliners_are_not_contacts() -> None:
    ev = event(
        attendees=(
            JANE,
            ME,
            Attendee("c_188@resource.calendar.google.com", "Room Everest", is_resource=True),
            Attendee("board-room@acme.com", "Board room", is_resource=True),
            Attendee("hiring-team@group.calendar.google.com", "Hiring calendar"),
            Attendee("noreply@acme.com"),
            Attendee("no-reply@zoom.us"),
            Attendee("calendar-notification@google.com"),
            Attendee("jane-doe@calendly.com"),
            Attendee("meet@bookings.acme.com"),
            Attendee("scheduler@goodtime.io"),
            Attendee("dan@acme.com", "Dan", "declined"),
        ),
    )
    assert interview(ev).contacts == (Contact("jane@acme.com", "Jane Doe"),)


def test_group_calendar_organizer_is_not_a_contact() -> None:
    ev = event(
        organizer=Contact("abc123@group.calendar.google.com", "Job search"),
        organizer_is_self=True,
        attendees=(Attendee("sam@acme.com", "Sam"),),
    )
    assert interview(ev).primary == Contact("sam@acme.com", "Sam")


def test_role_mailboxes_give_way_to_people() -> None:
    ev = event(
        organizer=Contact("recruiting@acme.com", "Acme Recruiting"),
        attendees=(Attendee("sam@acme.com", "Sam"), ME, Attendee("jobs@acme.com")),
    )
    found = interview(ev)
    assert found.contacts == (Contact("sam@acme.com", "Sam"),)
    assert found.primary == Contact("sam@acme.com", "Sam")


def test_role_mailbox_kept_when_no_person() -> None:
    ev = event(organizer=Contact("hiring@acme.com", "Acme Hiring"), attendees=(ME,))
    assert interview(ev).contacts == (Contact("hiring@acme.com", "Acme Hiring"),)


def test_contact_notes_override_attendees() -> None:
    ev = event(
        description="Contact: Pat Lee <pat@globex.com>\nContact: Me <me@example.com>\n"
        "Contact: kim@globex.com",
    )
    found = interview(ev)
    assert found.contacts == (Contact("pat@globex.com", "Pat Lee"), Contact("kim@globex.com"))
    assert found.primary == Contact("pat@globex.com", "Pat Lee")
    assert found.company == "Globex"  # the contacts' domain comes before the title


def test_overrides_win_over_description_notes() -> None:
    ev = event(description="Company: Acme\nFollow-up: Monday\nFit: a\nContact: jane@acme.com")
    overrides = Notes(follow_up="Friday", company="Initech", contacts=(Contact("kim@ini.com"),))
    found = interview(ev, overrides=overrides)
    assert found.notes == Notes(
        follow_up="Friday", fit=("a",), company="Initech", contacts=(Contact("kim@ini.com"),)
    )
    assert found.company == "Initech"
    assert found.contacts == (Contact("kim@ini.com"),)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("山田 太郎", "山田 太郎"),
        ("Ярослава Ковальчук", "Ярослава Ковальчук"),
        ("محمد علي", "محمد علي"),
        ("Jane\x00 Doe\u202e\r\nBcc: x@y.com", "Jane Doe Bcc: x@y.com"),
        ("Jane\u061cDoe", "Jane Doe"),  # the Arabic letter mark, a bidi control
        ("Jane Doe\U000e0001\U000e0069\U000e0067\U000e006e\U000e007f", "Jane Doe"),  # tags
        ("jane@acme.com", ""),
        ("   ", ""),
    ],
)
def test_contact_names(raw: str, expected: str) -> None:
    ev = event(organizer=Contact("jane@acme.com", raw), attendees=(replace(JANE, name=raw), ME))
    assert interview(ev).primary.name == expected


def test_invisible_controls_in_an_event_never_reach_the_screen() -> None:
    title = "Interview\u061c with \u202eAcme\U000e0020\U000e0041\U000e0042"
    shown = printable(interview(event(summary=title)).title)
    assert shown == "Interview with Acme"
    assert printable("a\u061cb\U000e0001c") == "a bc"  # the mark becomes a space, tags go


@pytest.mark.parametrize(
    ("title", "email", "description", "company", "role"),
    [
        ("Interview with Acme", "jane@gmail.com", "", "Acme", ""),
        ("Acme interview", "jane@gmail.com", "", "Acme", ""),
        ("Acme - Backend Engineer interview", "jane@gmail.com", "", "Acme", "Backend Engineer"),
        ("Backend Engineer interview - Acme", "jane@gmail.com", "", "Acme", "Backend Engineer"),
        ("Interview: Senior Engineer at Acme", "jane@gmail.com", "", "Acme", "Senior Engineer"),
        ("Backend Engineer interview at Acme", "jane@gmail.com", "", "Acme", "Backend Engineer"),
        ("Backend Engineer interview", "jane@acme.com", "", "Acme", "Backend Engineer"),
        ("Interview", "jane@mail.acme.com", "", "Acme", ""),
        ("Interview", "jane@acme-robotics.co.uk", "", "Acme Robotics", ""),
        ("Acme Robotics interview", "jane@acmerobotics.com", "", "Acme Robotics", ""),
        ("Globex interview", "jane@acme.com", "", "Acme", ""),
        ("Phone interview", "jane@gmail.com", "", "", ""),
        ("Interview with Jane Doe", "jane@gmail.com", "", "", ""),
        ("Interview with Jane", "jane@outlook.com", "", "", ""),
        ("Interview with Jane from Hooli", "jane@gmail.com", "", "Hooli", ""),
        ("Interview at 3pm with Globex", "jane@gmail.com", "", "Globex", ""),
        ("Interview @ Stripe", "jane@greenhouse.io", "", "Stripe", ""),
        (
            "Final round interview - Initech (Staff Engineer)",
            "jane@gmail.com", "", "Initech", "Staff Engineer",
        ),
        (
            "Technical interview with Acme for Backend Engineer",
            "jane@gmail.com", "", "Acme", "Backend Engineer",
        ),
        ("Interview With Acme For Data Engineer", "jane@gmail.com", "", "Acme", "Data Engineer"),
        ("Interview for Data Analyst role", "bob@mail.globex.co.uk", "", "Globex", "Data Analyst"),
        ("Hiring Manager interview - Acme", "jane@gmail.com", "", "Acme", ""),
        ("AT&T interview", "jane@gmail.com", "", "AT&T", ""),
        ("Acme interview", "jane@acme.com", "Company: Initech\nRole: SRE", "Initech", "SRE"),
        ("Acme interview", "jane@acme.com", "Position: Data Scientist", "Acme", "Data Scientist"),
    ],
)
def test_company_and_role(
    title: str, email: str, description: str, company: str, role: str
) -> None:
    ev = event(
        summary=title,
        description=description,
        organizer=Contact(email, "Jane Doe"),
        attendees=(Attendee(email, "Jane Doe", "accepted"), ME),
    )
    found = interview(ev)
    assert (found.company, found.role) == (company, role)


def test_tag_in_html_description_makes_an_interview() -> None:
    ev = event(summary="Chat with Globex", description="<p>Looking forward!</p><p>#interview</p>")
    found = interview(ev)
    assert found.company == "Acme"  # Jane's domain still comes first
    assert found.title == "Chat with Globex"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("#Interview", None),
        ("#interviews are fun", "not an interview"),
        ("no tag here", "not an interview"),
        ("#interview practice round", "excluded: matches 'practice'"),
    ],
)
def test_tag_rules(description: str, expected: str | None) -> None:
    result = run(event(summary="Catch-up", description=description))
    if expected is None:
        assert isinstance(result, Interview)
    else:
        assert isinstance(result, Rejection) and result.reason.startswith(expected)


def test_custom_patterns() -> None:
    settings = CalendarSettings(
        interview_pattern=r"\b(interview|vorstellungsgespräch)\b",
        exclude_pattern=r"\bprobe\b",
        tag="#job",
    )
    assert isinstance(run(event(summary="Vorstellungsgespräch"), settings=settings), Interview)
    assert reason(event(summary="Probe interview"), settings=settings) == (
        "excluded: matches 'probe'"
    )
    assert isinstance(run(event(summary="Mock interview"), settings=settings), Interview)
    tagged = event(summary="Call", description="#job")
    assert isinstance(run(tagged, settings=settings), Interview)


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("acme.com", "Acme"),
        ("acme-robotics.co.uk", "Acme Robotics"),
        ("mail.acme.com", "Acme"),
        ("careers.acme.io", "Acme"),
        ("Globex.COM", "Globex"),
        ("initech.com.au", "Initech"),
        ("gmail.com", None),
        ("yahoo.co.uk", None),
        ("greenhouse.io", None),
        ("eu.greenhouse.io", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_company_from_domain(domain: str, expected: str | None) -> None:
    assert company_from_domain(domain) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Acme", "ACME, Inc.", True),
        ("Acme Robotics", "acme-robotics", True),
        ("Acme Robotics", "AcmeRobotics GmbH", True),
        ("Société Générale", "SOCIÉTÉ GÉNÉRALE S.A.", True),
        ("Acme", "Acme Robotics", False),
        ("AT&T", "ATT", True),
    ],
)
def test_sequence_company_key(a: str, b: str, same: bool) -> None:
    assert (sequence_company_key(a) == sequence_company_key(b)) is same


def test_sequence_company_key_values() -> None:
    assert sequence_company_key("Acme, Inc.") == "acme"
    assert sequence_company_key("") == ""
    assert sequence_company_key("Inc") == "inc"


def test_public_mail_domains() -> None:
    for domain in ("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
                   "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me",
                   "protonmail.com", "gmx.de", "gmx.net", "web.de", "yandex.ru", "mail.ru",
                   "qq.com", "163.com"):
        assert domain in PUBLIC_MAIL_DOMAINS
    assert "acme.com" not in PUBLIC_MAIL_DOMAINS
    assert isinstance(PUBLIC_MAIL_DOMAINS, frozenset)
