"""Fault injection (count, rate, delay, dropped connections) and the request log."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import RequestRecord, Sandbox, SandboxServer
from tests.sandbox.helpers import NOW, create_draft, message, reason, services


def _profile(gmail) -> dict:
    return gmail.users().getProfile(userId="me").execute()


@pytest.mark.parametrize(
    ("status", "given", "expected"),
    [
        (429, None, "rateLimitExceeded"),
        (403, None, "forbidden"),  # a 403 without a reason is not a rate limit
        (403, "userRateLimitExceeded", "userRateLimitExceeded"),
        (500, None, "backendError"),
        (503, None, "backendError"),
        (400, "invalidArgument", "invalidArgument"),
    ],
)
def test_status_and_reason(gmail, sandbox: Sandbox, status: int, given, expected: str) -> None:
    sandbox.inject_fault("gmail.users.getProfile", status, reason=given)
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    assert err.value.resp.status == status
    assert reason(err.value) == expected
    assert _profile(gmail)["emailAddress"] == "candidate@example.com"


def test_count_then_success_and_other_methods_untouched(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.getProfile", 503, count=2)
    assert gmail.users().labels().list(userId="me").execute()["labels"]
    for _ in range(2):
        with pytest.raises(HttpError):
            _profile(gmail)
    assert _profile(gmail)["historyId"]
    assert [r.status for r in sandbox.request_log()] == [200, 503, 503, 200]


def test_wildcard_and_clear(gmail, cal, sandbox: Sandbox) -> None:
    sandbox.inject_fault("*", 500, count=None)
    with pytest.raises(HttpError):
        _profile(gmail)
    with pytest.raises(HttpError):
        cal.events().list(calendarId="primary").execute()
    sandbox.clear_faults()
    assert _profile(gmail)


def _failures(seed: int) -> list[bool]:
    sandbox = Sandbox(now=NOW, seed=seed)
    sandbox.inject_fault("gmail.users.getProfile", 503, rate=0.5)
    with SandboxServer(sandbox) as server:
        gmail = services(server.url)[0]
        out = []
        for _ in range(30):
            try:
                _profile(gmail)
                out.append(False)
            except HttpError:
                out.append(True)
        return out


def test_rate_is_seeded() -> None:
    first = _failures(3)
    assert 5 <= sum(first) <= 25
    assert _failures(3) == first


def test_delay(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.getProfile", 429, delay=0.05)
    started = time.monotonic()
    with pytest.raises(HttpError):
        _profile(gmail)
    assert time.monotonic() - started >= 0.05


def test_drop_after_create_means_the_draft_exists(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.drafts.create", 0, count=1, after=True)
    with pytest.raises(OSError):
        create_draft(gmail, message("Thank you", sender="candidate@example.com"))
    drafts = sandbox.drafts()
    assert len(drafts) == 1 and drafts[0]["headers"]["Subject"] == "Thank you"
    listed = gmail.users().drafts().list(userId="me").execute()
    assert [d["id"] for d in listed["drafts"]] == [drafts[0]["id"]]
    assert sandbox.counts()["gmail.users.drafts.create"] == 1  # the client did not silently retry
    assert sandbox.request_log()[0].status == 0


def test_drop_before_the_work(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.drafts.create", 0)
    with pytest.raises(OSError):
        create_draft(gmail, message("Thank you"))
    assert sandbox.drafts() == []


def test_error_after_the_work(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.drafts.create", 500, after=True)
    with pytest.raises(HttpError) as err:
        create_draft(gmail, message("Thank you"))
    assert err.value.resp.status == 500
    assert len(sandbox.drafts()) == 1


def test_bad_fault_arguments(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.inject_fault("*", 200)
    with pytest.raises(ValueError):
        sandbox.inject_fault("*", 500, rate=1.5)


def test_request_log_records(gmail, cal, sandbox: Sandbox) -> None:
    sandbox.set_now(datetime(2026, 3, 2, 15, 0, tzinfo=NOW.tzinfo))
    gmail.users().messages().list(
        userId="me", q="from:a@b.com", labelIds=["INBOX", "UNREAD"]
    ).execute()
    cal.events().list(calendarId="primary", singleEvents=True).execute()
    log = sandbox.request_log()
    assert log[0] == RequestRecord(
        method="gmail.users.messages.list",
        verb="GET",
        path="/gmail/v1/users/me/messages",
        query={"q": "from:a@b.com", "labelIds": ["INBOX", "UNREAD"], "alt": "json"},
        status=200,
        at=datetime(2026, 3, 2, 15, 0, tzinfo=NOW.tzinfo),
        units=5,
    )
    assert (log[1].method, log[1].path, log[1].query["singleEvents"]) == (
        "calendar.events.list",
        "/calendar/v3/calendars/primary/events",
        "true",
    )
    assert sandbox.counts() == {"gmail.users.messages.list": 1, "calendar.events.list": 1}
    sandbox.clear_log()
    assert sandbox.request_log() == [] and sandbox.counts() == {}
