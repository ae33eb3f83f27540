"""Calendar incremental sync: nextSyncToken, changes since, 400 for bad combinations, 410."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox
from tests.sandbox.helpers import NOW, NY, reason

DAY = datetime(2026, 3, 3, 10, 0, tzinfo=NY)


def _full(cal, **kwargs) -> tuple[list[dict], str]:
    """A paged full sync; returns (items, nextSyncToken)."""
    items: list[dict] = []
    token = None
    while True:
        page = cal.events().list(calendarId="primary", pageToken=token, **kwargs).execute()
        items += page["items"]
        token = page.get("nextPageToken")
        if token is None:
            return items, page["nextSyncToken"]
        assert "nextSyncToken" not in page


def _since(cal, sync_token: str) -> tuple[list[dict], str]:
    page = cal.events().list(calendarId="primary", syncToken=sync_token).execute()
    assert page["timeZone"] == "America/New_York"
    return page["items"], page["nextSyncToken"]


def test_changes_since_token(cal, sandbox: Sandbox) -> None:
    a = sandbox.add_event(summary="A", start=DAY, end=DAY + timedelta(hours=1))
    b = sandbox.add_event(summary="B", start=DAY, end=DAY + timedelta(hours=1))
    items, token = _full(cal, maxResults=1)
    assert [e["id"] for e in items] == [a["id"], b["id"]]
    unchanged, token = _since(cal, token)
    assert unchanged == []
    sandbox.set_now(NOW + timedelta(minutes=1))
    moved_to = DAY + timedelta(days=1)
    sandbox.move_event("primary", a["id"], moved_to, moved_to + timedelta(hours=1))
    sandbox.cancel_event("primary", b["id"])
    c = sandbox.add_event(summary="C", start=DAY, end=DAY + timedelta(hours=1))
    changed, token2 = _since(cal, token)
    by_id = {e["id"]: e for e in changed}
    assert set(by_id) == {a["id"], b["id"], c["id"]}
    assert by_id[a["id"]]["start"]["dateTime"] == "2026-03-04T10:00:00-05:00"
    assert by_id[a["id"]]["sequence"] == 1
    assert by_id[b["id"]] == {
        "kind": "calendar#event",
        "etag": by_id[b["id"]]["etag"],
        "id": b["id"],
        "status": "cancelled",
    }
    assert by_id[c["id"]]["summary"] == "C"
    assert _since(cal, token2)[0] == []
    # a token stays usable until it expires
    assert len(_since(cal, token)[0]) == 3


def test_single_events_sync_reports_instances(cal, sandbox: Sandbox) -> None:
    series = sandbox.add_event(
        summary="Loop",
        start=DAY,
        end=DAY + timedelta(hours=1),
        recurrence=["RRULE:FREQ=DAILY;COUNT=3"],
    )
    items, token = _full(cal, singleEvents=True)
    assert len(items) == 3
    second = items[1]["id"]
    sandbox.cancel_event("primary", second)
    changed, token = _since(cal, token)
    assert changed == [
        {
            "kind": "calendar#event",
            "etag": changed[0]["etag"],
            "id": second,
            "status": "cancelled",
            "recurringEventId": series["id"],
            "originalStartTime": {
                "dateTime": "2026-03-04T10:00:00-05:00",
                "timeZone": "America/New_York",
            },
        }
    ]
    sandbox.patch_event("primary", series["id"], {"summary": "Loop renamed"})
    changed, _ = _since(cal, token)
    assert sorted(e["id"] for e in changed) == sorted([items[0]["id"], items[2]["id"]])
    assert {e["summary"] for e in changed} == {"Loop renamed"}


def test_sync_token_on_other_calendar_is_410(cal, sandbox: Sandbox) -> None:
    sandbox.add_calendar("jobs@group.calendar.google.com", "Jobs")
    token = (
        cal.events().list(calendarId="jobs@group.calendar.google.com").execute()["nextSyncToken"]
    )
    with pytest.raises(HttpError) as err:
        cal.events().list(calendarId="primary", syncToken=token).execute()
    assert err.value.resp.status == 410


@pytest.mark.parametrize(
    "extra",
    [
        {"timeMin": "2026-03-01T00:00:00Z"},
        {"timeMax": "2026-03-01T00:00:00Z"},
        {"q": "x"},
        {"orderBy": "updated"},
        {"updatedMin": "2026-03-01T00:00:00Z"},
        {"iCalUID": "x@y"},
        {"privateExtendedProperty": "a=b"},
        {"sharedExtendedProperty": "a=b"},
    ],
)
def test_sync_token_with_forbidden_parameter_is_400(cal, extra: dict) -> None:
    _, token = _full(cal)
    with pytest.raises(HttpError) as err:
        cal.events().list(calendarId="primary", syncToken=token, **extra).execute()
    assert err.value.resp.status == 400


def test_expired_and_malformed_tokens_are_410(cal, sandbox: Sandbox) -> None:
    sandbox.add_event(summary="A", start=DAY, end=DAY + timedelta(hours=1))
    _, token = _full(cal)
    sandbox.expire_sync_tokens()
    for bad in (token, "garbage", "sbxsync.e30"):
        with pytest.raises(HttpError) as err:
            cal.events().list(calendarId="primary", syncToken=bad).execute()
        assert err.value.resp.status == 410
        assert reason(err.value) == "fullSyncRequired"
    items, fresh = _full(cal)
    assert len(items) == 1
    assert _since(cal, fresh)[0] == []
