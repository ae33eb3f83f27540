"""SandboxClient driving a running server over the /_sandbox/ control surface."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httplib2
import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient, SandboxControlError, SandboxServer
from tests.sandbox.helpers import GMAIL, NOW, NY, USER, create_draft, message

DAY = datetime(2026, 3, 3, 10, 0, tzinfo=NY)


def test_clock_and_health(client: SandboxClient, sandbox: Sandbox) -> None:
    assert client.health()
    assert client.now() == NOW
    later = datetime(2026, 3, 5, 8, 30, tzinfo=NY)
    client.set_now(later)
    assert sandbox.now() == later and client.now() == later


def test_events(client: SandboxClient, cal, sandbox: Sandbox) -> None:
    client.add_calendar("jobs@group.calendar.google.com", "Jobs")
    made = client.add_event(
        summary="Interview with Acme",
        start=DAY,
        end=DAY + timedelta(hours=1),
        attendees=[{"email": "jane@acme.com"}],
        description="Company: Acme",
    )
    assert made["attendees"] == [{"email": "jane@acme.com", "responseStatus": "needsAction"}]
    all_day = client.add_event(
        "jobs@group.calendar.google.com",
        summary="Fair",
        start=date(2026, 3, 6),
        end=date(2026, 3, 7),
        all_day=True,
    )
    assert all_day["start"] == {"date": "2026-03-06"}
    moved = client.move_event(
        "primary", made["id"], DAY + timedelta(days=1), DAY + timedelta(days=1, hours=1)
    )
    assert moved["start"]["dateTime"] == "2026-03-04T10:00:00-05:00"
    patched = client.patch_event("primary", made["id"], {"location": "Room 5"})
    assert patched["location"] == "Room 5"
    assert client.get_event("primary", made["id"])["location"] == "Room 5"
    client.cancel_event("primary", made["id"])
    assert [e["status"] for e in client.list_events("primary")] == ["cancelled"]
    assert cal.events().list(calendarId="primary").execute()["items"] == []
    with pytest.raises(SandboxControlError) as err:
        client.cancel_event("primary", "nope")
    assert err.value.status == 404


def test_mail(client: SandboxClient, gmail, sandbox: Sandbox) -> None:
    when = datetime(2026, 3, 1, 12, 0, tzinfo=NY)
    delivered = client.deliver(message("Interview", Message_ID="<c1@acme.com>"), internal_date=when)
    assert delivered["internalDate"] == str(int(when.timestamp() * 1000))
    assert [m["id"] for m in client.messages()] == [delivered["id"]]
    assert client.get_message(delivered["id"])["raw"] == sandbox.get_message(delivered["id"])["raw"]
    before = client.history_id()
    first = create_draft(
        gmail,
        message("Re: Interview", in_reply_to="<c1@acme.com>", sender=USER),
        thread_id=delivered["threadId"],
    )
    assert client.history_id() > before
    second = create_draft(gmail, message("Other", sender=USER))
    drafts = client.drafts()
    assert [d["id"] for d in drafts] == [first["id"], second["id"]]
    assert isinstance(drafts[0]["raw"], bytes) and drafts[0]["internal_date"] == NOW
    edited = client.user_edit_draft(second["id"], message("Other, edited", sender=USER))
    assert edited["id"] == second["id"] and edited["headers"]["Subject"] == "Other, edited"
    sent = client.user_send_draft(first["id"])
    assert sent["threadId"] == delivered["threadId"] and sent["labelIds"] == ["SENT"]
    client.user_delete_draft(second["id"])
    assert client.drafts() == []
    own = client.user_send_message(message("Hello", sender=USER, to="bob@other.org"))
    assert own["labelIds"] == ["SENT"]
    read = client.modify_labels(delivered["id"], remove=["UNREAD"])
    assert read["labelIds"] == ["INBOX"]
    assert len(client.messages()) == 3
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().get(userId="me", id=first["id"]).execute()
    assert err.value.resp.status == 404


def test_faults_log_and_counts(client: SandboxClient, gmail, sandbox: Sandbox) -> None:
    client.inject_fault("gmail.users.getProfile", 429)
    with pytest.raises(HttpError) as err:
        gmail.users().getProfile(userId="me").execute()
    assert err.value.resp.status == 429
    gmail.users().getProfile(userId="me").execute()
    client.inject_fault("*", 503, count=None)
    with pytest.raises(HttpError):
        gmail.users().labels().list(userId="me").execute()
    client.clear_faults()
    with pytest.raises(HttpError):
        gmail.users().messages().send(userId="me", body={"raw": "eA=="}).execute()
    assert client.counts() == {
        "gmail.users.getProfile": 2,
        "gmail.users.labels.list": 1,
        "gmail.users.messages.send": 1,
    }
    log = client.request_log()
    assert log == sandbox.request_log()
    assert [r.status for r in log] == [429, 200, 503, 403]
    assert [r.method for r in client.send_attempts()] == ["gmail.users.messages.send"]
    client.clear_log()
    assert client.request_log() == []


def test_scopes_tokens_and_retention(
    client: SandboxClient, server: SandboxServer, gmail, cal, sandbox: Sandbox
) -> None:
    client.set_scopes([GMAIL + "compose"])
    with pytest.raises(HttpError) as err:
        gmail.users().messages().list(userId="me").execute()
    assert err.value.resp.status == 403
    client.set_scopes([GMAIL + "readonly", "https://www.googleapis.com/auth/calendar.events"])
    start = str(client.history_id())
    client.deliver(message("New"))
    client.expire_history()
    with pytest.raises(HttpError) as gone:
        gmail.users().history().list(userId="me", startHistoryId=start).execute()
    assert gone.value.resp.status == 404
    token = cal.events().list(calendarId="primary").execute()["nextSyncToken"]
    client.expire_sync_tokens()
    with pytest.raises(HttpError) as expired:
        cal.events().list(calendarId="primary", syncToken=token).execute()
    assert expired.value.resp.status == 410
    client.require_token("secret")
    url = server.url + "gmail/v1/users/me/profile"
    assert httplib2.Http().request(url, headers={"Authorization": "Bearer other"})[0].status == 401
    assert httplib2.Http().request(url, headers={"Authorization": "Bearer secret"})[0].status == 200
    client.set_tokens(None)
    assert httplib2.Http().request(url, headers={"Authorization": "Bearer other"})[0].status == 200
    client.add_refresh_token("my-refresh")
    assert "my-refresh" in sandbox.auth.refresh_tokens
    assert client.issue_auth_code() in sandbox.auth.codes


def test_bad_control_requests(client: SandboxClient, server: SandboxServer) -> None:
    with pytest.raises(SandboxControlError) as missing:
        client._call("POST", "events", {"summary": "no times"})
    assert missing.value.status == 400
    with pytest.raises(SandboxControlError) as unknown:
        client._call("GET", "nothing-here")
    assert unknown.value.status == 404
    with pytest.raises(SandboxControlError):
        client.user_send_draft("r-unknown")
    naive = httplib2.Http().request(
        server.url + "_sandbox/clock", "POST", body='{"now": "2026-03-01T10:00:00"}'
    )
    assert naive[0].status == 400
