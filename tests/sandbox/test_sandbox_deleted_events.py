"""Events the user deleted in Calendar: 403 to patch/update, 409 to an insert reusing the id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import SandboxClient
from tests.sandbox.helpers import NOW, error, reason

EVENT_ID = "followup0reminder0001"


def _body(event_id: str = EVENT_ID) -> dict:
    start = NOW + timedelta(days=1)
    return {
        "id": event_id,
        "summary": "Follow up with Acme",
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": (start + timedelta(minutes=15)).isoformat()},
    }


def test_deleted_in_the_ui_then_patch_update_insert(cal, client: SandboxClient) -> None:
    made = cal.events().insert(calendarId="primary", body=_body()).execute()
    assert made["id"] == EVENT_ID
    client.cancel_event("primary", EVENT_ID)  # the user deletes it in the Calendar UI
    assert cal.events().get(calendarId="primary", eventId=EVENT_ID).execute()["status"] == (
        "cancelled"
    )
    with pytest.raises(HttpError) as err:
        cal.events().patch(
            calendarId="primary", eventId=EVENT_ID, body={"summary": "moved"}
        ).execute()
    assert err.value.resp.status == 403
    assert reason(err.value) == "forbidden" and error(err.value)["message"] == "Forbidden"
    with pytest.raises(HttpError) as err:
        cal.events().update(calendarId="primary", eventId=EVENT_ID, body=_body()).execute()
    assert err.value.resp.status == 403 and reason(err.value) == "forbidden"
    with pytest.raises(HttpError) as err:
        cal.events().insert(calendarId="primary", body=_body()).execute()
    assert err.value.resp.status == 409 and reason(err.value) == "duplicate"
    assert error(err.value)["message"] == "The requested identifier already exists."
    with pytest.raises(HttpError) as err:
        cal.events().delete(calendarId="primary", eventId=EVENT_ID).execute()
    assert err.value.resp.status == 410
    assert client.get_event("primary", EVENT_ID)["summary"] == "Follow up with Acme"


def test_insert_reusing_a_live_id_is_409(cal) -> None:
    cal.events().insert(calendarId="primary", body=_body("livevent00001")).execute()
    with pytest.raises(HttpError) as err:
        cal.events().insert(calendarId="primary", body=_body("livevent00001")).execute()
    assert err.value.resp.status == 409 and reason(err.value) == "duplicate"


def test_deleted_through_the_api_also_refuses_patch(cal) -> None:
    cal.events().insert(calendarId="primary", body=_body()).execute()
    cal.events().delete(calendarId="primary", eventId=EVENT_ID).execute()
    with pytest.raises(HttpError) as err:
        cal.events().patch(calendarId="primary", eventId=EVENT_ID, body={"summary": "x"}).execute()
    assert err.value.resp.status == 403
