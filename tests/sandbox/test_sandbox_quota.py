"""Gmail quota units per method, the per-minute limit on the sandbox clock, and its 429."""

from __future__ import annotations

from datetime import timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import NOW, create_draft, error, info_reason, message, reason, services


def test_units_per_method_and_reset_with_the_log(gmail, cal, client: SandboxClient) -> None:
    msg_id = client.deliver(message())["id"]
    gmail.users().getProfile(userId="me").execute()  # 1
    gmail.users().messages().list(userId="me").execute()  # 5
    gmail.users().messages().get(userId="me", id=msg_id).execute()  # 20
    gmail.users().threads().get(userId="me", id=msg_id).execute()  # 40
    made = create_draft(gmail, message("Thanks"))  # 10
    gmail.users().drafts().get(userId="me", id=made["id"]).execute()  # 20
    gmail.users().drafts().list(userId="me").execute()  # 5
    gmail.users().history().list(userId="me", startHistoryId="1001").execute()  # 2
    gmail.users().labels().list(userId="me").execute()  # 1
    gmail.users().settings().sendAs().list(userId="me").execute()  # 1
    gmail.users().drafts().delete(userId="me", id=made["id"]).execute()  # 10
    cal.events().list(calendarId="primary").execute()  # Calendar: no Gmail units
    got = client.units()
    assert got["by_method"] == {
        "gmail.users.getProfile": 1,
        "gmail.users.messages.list": 5,
        "gmail.users.messages.get": 20,
        "gmail.users.threads.get": 40,
        "gmail.users.drafts.create": 10,
        "gmail.users.drafts.get": 20,
        "gmail.users.drafts.list": 5,
        "gmail.users.history.list": 2,
        "gmail.users.labels.list": 1,
        "gmail.users.settings.sendAs.list": 1,
        "gmail.users.drafts.delete": 10,
    }
    assert got["total"] == 115
    assert [r.units for r in client.request_log()][:2] == [1, 5]
    client.clear_log()
    assert client.units() == {"total": 0, "by_method": {}}


def test_per_minute_limit_refuses_with_googles_429(gmail, client: SandboxClient) -> None:
    client.set_quota(45)
    msg_id = client.deliver(message())["id"]
    gmail.users().messages().get(userId="me", id=msg_id).execute()  # 20
    gmail.users().messages().get(userId="me", id=msg_id).execute()  # 40
    with pytest.raises(HttpError) as err:
        gmail.users().messages().get(userId="me", id=msg_id).execute()  # would be 60
    assert err.value.resp.status == 429
    body = error(err.value)
    assert body["status"] == "RESOURCE_EXHAUSTED" and body["code"] == 429
    assert body["message"].startswith(
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' "
        "of service 'gmail.googleapis.com' for consumer 'project_number:"
    )
    assert body["errors"][0]["domain"] == "usageLimits" and reason(err.value) == "rateLimitExceeded"
    assert info_reason(err.value) == "RATE_LIMIT_EXCEEDED"
    assert body["details"][0]["metadata"]["quota_limit_value"] == "45"
    gmail.users().getProfile(userId="me").execute()  # 41: still fits
    refused = [r for r in client.request_log() if r.refused]
    assert len(refused) == 1 and refused[0].status == 429 and refused[0].units == 0
    assert client.units()["total"] == 41  # refused requests cost nothing


def test_window_follows_the_sandbox_clock(server: SandboxServer, sandbox: Sandbox) -> None:
    gmail = services(server.url)[0]
    sandbox.set_quota(2)
    gmail.users().getProfile(userId="me").execute()
    sandbox.set_now(NOW + timedelta(seconds=30))
    gmail.users().getProfile(userId="me").execute()
    with pytest.raises(HttpError):
        gmail.users().getProfile(userId="me").execute()
    sandbox.set_now(NOW + timedelta(seconds=60))  # the first charge leaves the window
    gmail.users().getProfile(userId="me").execute()
    with pytest.raises(HttpError):
        gmail.users().getProfile(userId="me").execute()
    sandbox.set_now(NOW + timedelta(minutes=5))
    gmail.users().getProfile(userId="me").execute()


def test_quota_set_in_the_constructor_and_lifted(client: SandboxClient) -> None:
    world = Sandbox(now=NOW, quota_per_minute=6000)
    assert world.quota.per_minute == 6000
    assert Sandbox(now=NOW).quota.per_minute is None
    client.set_quota(1)
    client.set_quota(None)
    with pytest.raises(Exception, match="at least 1"):
        client.set_quota(0)
