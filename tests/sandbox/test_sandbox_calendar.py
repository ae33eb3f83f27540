"""Calendar: calendars, events CRUD, listing filters, recurring expansion and exceptions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox
from tests.sandbox.helpers import CAL, NOW, NY, USER, reason

DAY = datetime(2026, 3, 3, 10, 0, tzinfo=NY)


def _list(cal, **kwargs) -> list[dict]:
    return cal.events().list(calendarId="primary", **kwargs).execute()["items"]


def test_calendar_list_needs_a_calendar_scope(cal, sandbox: Sandbox) -> None:
    sandbox.add_calendar("work@group.calendar.google.com", "Work", "Europe/Berlin")
    with pytest.raises(HttpError) as err:  # calendar.events alone does not cover calendarList
        cal.calendarList().list().execute()
    assert err.value.resp.status == 403 and reason(err.value) == "insufficientPermissions"
    sandbox.set_scopes([CAL + ".readonly"])
    items = cal.calendarList().list().execute()["items"]
    assert [(c["id"], c.get("primary", False), c["timeZone"]) for c in items] == [
        (USER, True, "America/New_York"),
        ("work@group.calendar.google.com", False, "Europe/Berlin"),
    ]
    got = cal.calendars().get(calendarId="primary").execute()
    assert (got["id"], got["summary"], got["timeZone"]) == (USER, USER, "America/New_York")


def test_insert_get_patch_update_delete(cal, sandbox: Sandbox) -> None:
    body = {
        "summary": "Reminder: thank-you draft ready",
        "start": {"dateTime": "2026-03-03T19:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2026-03-03T19:15:00-05:00"},
        "extendedProperties": {"private": {"followup": "k1"}},
        "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 0}]},
    }
    made = cal.events().insert(calendarId="primary", body=body).execute()
    for key in ("id", "htmlLink", "created", "updated", "etag", "iCalUID", "sequence"):
        assert made[key] != "" and key in made
    assert made["extendedProperties"] == {"private": {"followup": "k1"}}
    assert made["reminders"]["overrides"] == [{"method": "popup", "minutes": 0}]
    assert made["organizer"] == {"email": USER, "self": True}
    assert made["updated"] == "2026-03-02T14:00:00.000Z"
    got = cal.events().get(calendarId="primary", eventId=made["id"]).execute()
    assert got == made
    patched = (
        cal.events()
        .patch(calendarId="primary", eventId=made["id"], body={"summary": "New"})
        .execute()
    )
    assert (
        patched["summary"] == "New" and patched["extendedProperties"] == made["extendedProperties"]
    )
    assert patched["etag"] != made["etag"]
    replaced = (
        cal.events()
        .update(
            calendarId="primary",
            eventId=made["id"],
            body={"summary": "Replaced", "start": body["start"], "end": body["end"]},
        )
        .execute()
    )
    assert replaced["summary"] == "Replaced" and "extendedProperties" not in replaced
    cal.events().delete(calendarId="primary", eventId=made["id"]).execute()
    assert (
        cal.events().get(calendarId="primary", eventId=made["id"]).execute()["status"]
        == "cancelled"
    )
    with pytest.raises(HttpError) as err:
        cal.events().delete(calendarId="primary", eventId=made["id"]).execute()
    assert err.value.resp.status == 410
    assert _list(cal) == []


def test_insert_validation(cal) -> None:
    with pytest.raises(HttpError) as missing:
        cal.events().insert(calendarId="primary", body={"summary": "x"}).execute()
    assert missing.value.resp.status == 400
    backwards = {
        "start": {"dateTime": "2026-03-03T10:00:00Z"},
        "end": {"dateTime": "2026-03-03T09:00:00Z"},
    }
    with pytest.raises(HttpError) as err:
        cal.events().insert(calendarId="primary", body=backwards).execute()
    assert err.value.resp.status == 400
    with pytest.raises(HttpError) as unknown:
        cal.events().get(calendarId="nobody@example.com", eventId="x").execute()
    assert unknown.value.resp.status == 404


def test_event_shape_from_add_event(cal, sandbox: Sandbox) -> None:
    made = sandbox.add_event(
        summary="Interview with Acme",
        start=DAY,
        end=DAY + timedelta(hours=1),
        description="Role: Engineer",
        attendees=[
            {"email": "jane@acme.com", "displayName": "Jane Roe", "responseStatus": "accepted"},
            {"email": USER, "responseStatus": "accepted"},
            {"email": "room-1@resource.calendar.google.com", "resource": True},
        ],
        organizer={"email": "jane@acme.com", "displayName": "Jane Roe"},
        extra={"hangoutLink": "https://meet.google.com/abc"},
    )
    got = cal.events().get(calendarId=USER, eventId=made["id"]).execute()
    assert got["start"] == {"dateTime": "2026-03-03T10:00:00-05:00", "timeZone": "America/New_York"}
    assert got["organizer"] == {"email": "jane@acme.com", "displayName": "Jane Roe"}
    by_mail = {a["email"]: a for a in got["attendees"]}
    assert by_mail[USER]["self"] is True
    assert by_mail["jane@acme.com"]["organizer"] is True
    assert by_mail["room-1@resource.calendar.google.com"]["responseStatus"] == "needsAction"
    assert got["hangoutLink"] == "https://meet.google.com/abc"
    assert got["description"] == "Role: Engineer"


def test_list_time_window_overlap_order_and_paging(cal, sandbox: Sandbox) -> None:
    ids = []
    for i, hour in enumerate([15, 9, 12]):
        start = DAY.replace(hour=hour)
        ids.append(
            sandbox.add_event(summary=f"E{i}", start=start, end=start + timedelta(hours=1))["id"]
        )
    sandbox.add_event(summary="Holiday", start=date(2026, 3, 4), end=date(2026, 3, 5), all_day=True)
    window = {"timeMin": "2026-03-03T09:30:00-05:00", "timeMax": "2026-03-03T15:00:00-05:00"}
    ordered = _list(cal, singleEvents=True, orderBy="startTime", **window)
    assert [e["summary"] for e in ordered] == ["E1", "E2"]  # 9-10 overlaps; 15:00 start does not
    everything = _list(cal, singleEvents=True, orderBy="startTime")
    assert [e["summary"] for e in everything] == ["E1", "E2", "E0", "Holiday"]
    assert everything[-1]["start"] == {"date": "2026-03-04"}
    first = cal.events().list(calendarId="primary", maxResults=3).execute()
    assert len(first["items"]) == 3 and "nextSyncToken" not in first
    rest = (
        cal.events()
        .list(calendarId="primary", maxResults=3, pageToken=first["nextPageToken"])
        .execute()
    )
    assert len(rest["items"]) == 1 and "nextPageToken" not in rest and rest["nextSyncToken"]
    assert rest["timeZone"] == "America/New_York"


def test_order_by_start_time_needs_single_events(cal) -> None:
    with pytest.raises(HttpError) as err:
        cal.events().list(calendarId="primary", orderBy="startTime").execute()
    assert err.value.resp.status == 400


def test_show_deleted_q_and_private_property(cal, sandbox: Sandbox) -> None:
    keep = sandbox.add_event(
        summary="Interview with Acme",
        start=DAY,
        end=DAY + timedelta(hours=1),
        extra={"extendedProperties": {"private": {"followup": "yes"}}},
    )
    gone = sandbox.add_event(summary="Coffee", start=DAY, end=DAY + timedelta(hours=1))
    sandbox.cancel_event("primary", gone["id"])
    assert [e["id"] for e in _list(cal)] == [keep["id"]]
    with_deleted = _list(cal, showDeleted=True)
    assert with_deleted[1] == {
        "kind": "calendar#event",
        "etag": with_deleted[1]["etag"],
        "id": gone["id"],
        "status": "cancelled",
    }
    assert [e["id"] for e in _list(cal, q="acme interview")] == [keep["id"]]
    assert _list(cal, q="nothing") == []
    assert [e["id"] for e in _list(cal, privateExtendedProperty="followup=yes")] == [keep["id"]]
    assert _list(cal, privateExtendedProperty="followup=no") == []


def test_recurring_expansion_with_cancelled_and_patched_instances(cal, sandbox: Sandbox) -> None:
    series = sandbox.add_event(
        summary="Weekly interview loop",
        start=DAY,
        end=DAY + timedelta(hours=1),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"],
    )
    instances = _list(cal, singleEvents=True, orderBy="startTime")
    assert [e["id"] for e in instances] == [
        f"{series['id']}_20260303T150000Z",
        f"{series['id']}_20260310T140000Z",  # after the DST change: still 10:00 local
        f"{series['id']}_20260317T140000Z",
        f"{series['id']}_20260324T140000Z",
    ]
    assert instances[1]["start"]["dateTime"] == "2026-03-10T10:00:00-04:00"
    assert instances[1]["recurringEventId"] == series["id"]
    assert instances[1]["originalStartTime"]["dateTime"] == "2026-03-10T10:00:00-04:00"
    assert "recurrence" not in instances[1]
    sandbox.cancel_event("primary", instances[1]["id"])
    moved_start = datetime(2026, 3, 17, 13, 0, tzinfo=NY)
    sandbox.move_event("primary", instances[2]["id"], moved_start, moved_start + timedelta(hours=1))
    after = _list(cal, singleEvents=True, orderBy="startTime")
    assert [e["id"] for e in after] == [instances[0]["id"], instances[2]["id"], instances[3]["id"]]
    assert after[1]["start"]["dateTime"] == "2026-03-17T13:00:00-04:00"
    assert after[1]["originalStartTime"]["dateTime"] == "2026-03-17T10:00:00-04:00"
    masters = _list(cal)
    assert masters[0]["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
    assert {e["id"] for e in masters} == {series["id"], instances[2]["id"]}
    got = cal.events().get(calendarId="primary", eventId=instances[3]["id"]).execute()
    assert got["recurringEventId"] == series["id"]
    with pytest.raises(HttpError):
        cal.events().get(calendarId="primary", eventId=f"{series['id']}_20260311T150000Z").execute()
    listed = cal.events().instances(calendarId="primary", eventId=series["id"]).execute()["items"]
    assert len(listed) == 3


def test_open_ended_series_is_bounded_by_time_max(cal, sandbox: Sandbox) -> None:
    sandbox.add_event(
        summary="Daily standup",
        start=DAY,
        end=DAY + timedelta(minutes=15),
        recurrence=["RRULE:FREQ=DAILY"],
    )
    items = _list(
        cal,
        singleEvents=True,
        timeMin="2026-03-05T00:00:00-05:00",
        timeMax="2026-03-08T00:00:00-05:00",
    )
    assert [e["start"]["dateTime"][:10] for e in items] == [
        "2026-03-05",
        "2026-03-06",
        "2026-03-07",
    ]


def test_all_day_event_and_other_calendar(cal, sandbox: Sandbox) -> None:
    sandbox.add_calendar("jobs@group.calendar.google.com", "Jobs")
    made = sandbox.add_event(
        "jobs@group.calendar.google.com",
        summary="Career fair",
        start=date(2026, 3, 6),
        end=date(2026, 3, 7),
        all_day=True,
    )
    items = cal.events().list(calendarId="jobs@group.calendar.google.com").execute()["items"]
    assert [(e["id"], e["start"], e["end"]) for e in items] == [
        (made["id"], {"date": "2026-03-06"}, {"date": "2026-03-07"})
    ]
    assert NOW.tzinfo is NY


def test_exdate_and_until(cal, sandbox: Sandbox) -> None:
    series = sandbox.add_event(
        summary="Panel",
        start=DAY,
        end=DAY + timedelta(hours=1),
        recurrence=[
            "RRULE:FREQ=DAILY;UNTIL=20260306T235959Z",
            "EXDATE;TZID=America/New_York:20260304T100000",
        ],
    )
    items = _list(cal, singleEvents=True, orderBy="startTime")
    assert [e["originalStartTime"]["dateTime"][:10] for e in items] == [
        "2026-03-03",
        "2026-03-05",
        "2026-03-06",
    ]
    assert {e["recurringEventId"] for e in items} == {series["id"]}


def test_deleting_a_series_cancels_its_instances(cal, sandbox: Sandbox) -> None:
    series = sandbox.add_event(
        summary="Loop",
        start=DAY,
        end=DAY + timedelta(hours=1),
        recurrence=["RRULE:FREQ=DAILY;COUNT=2"],
    )
    first = f"{series['id']}_20260303T150000Z"
    sandbox.patch_event("primary", first, {"summary": "Loop (moved room)"})
    page = cal.events().list(calendarId="primary", singleEvents=True).execute()
    assert [e["summary"] for e in page["items"]] == ["Loop (moved room)", "Loop"]
    cal.events().delete(calendarId="primary", eventId=series["id"]).execute()
    assert _list(cal, singleEvents=True) == []
    changed = (
        cal.events().list(calendarId="primary", syncToken=page["nextSyncToken"]).execute()["items"]
    )
    assert sorted(e["id"] for e in changed) == sorted([first, f"{series['id']}_20260304T150000Z"])
    assert {e["status"] for e in changed} == {"cancelled"}
    assert all(e["recurringEventId"] == series["id"] for e in changed)
