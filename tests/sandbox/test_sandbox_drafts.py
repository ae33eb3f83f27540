"""drafts.create/get/list/update/delete through googleapiclient."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox
from tests.sandbox.helpers import NOW, create_draft, message, raw, reason


def test_create_returns_draft_and_message_ids(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("Thanks", "Thank you for your time", sender="me@x.com"))
    assert made["id"].startswith("r")
    assert made["message"]["labelIds"] == ["DRAFT"]
    assert made["message"]["threadId"] == made["message"]["id"]  # a new thread
    stored = sandbox.drafts()
    assert [d["id"] for d in stored] == [made["id"]]
    assert stored[0]["message_id"] == made["message"]["id"]
    assert stored[0]["headers"]["Subject"] == "Thanks"
    assert b"Thank you for your time" in stored[0]["raw"]


def test_get_in_every_format(gmail) -> None:
    made = create_draft(gmail, message("Thanks", "Body text here", sender="me@x.com"))
    full = gmail.users().drafts().get(userId="me", id=made["id"]).execute()
    assert full["id"] == made["id"]
    headers = {h["name"]: h["value"] for h in full["message"]["payload"]["headers"]}
    assert headers["Subject"] == "Thanks"
    body = base64.urlsafe_b64decode(full["message"]["payload"]["body"]["data"])
    assert body.strip() == b"Body text here"
    minimal = gmail.users().drafts().get(userId="me", id=made["id"], format="minimal").execute()
    assert "payload" not in minimal["message"] and minimal["message"]["snippet"] == "Body text here"
    raw_fmt = gmail.users().drafts().get(userId="me", id=made["id"], format="raw").execute()
    assert b"Subject: Thanks" in base64.urlsafe_b64decode(raw_fmt["message"]["raw"])
    meta = gmail.users().drafts().get(userId="me", id=made["id"], format="metadata").execute()
    assert "body" not in meta["message"]["payload"]


def test_update_keeps_draft_id_and_changes_message_id(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("First", "one", sender="me@x.com"))
    sandbox.set_now(NOW + timedelta(minutes=5))
    updated = (
        gmail.users()
        .drafts()
        .update(
            userId="me", id=made["id"], body={"message": {"raw": raw(message("Second", "two"))}}
        )
        .execute()
    )
    assert updated["id"] == made["id"]
    assert updated["message"]["id"] != made["message"]["id"]
    got = gmail.users().drafts().get(userId="me", id=made["id"], format="metadata").execute()
    assert {h["name"]: h["value"] for h in got["message"]["payload"]["headers"]}[
        "Subject"
    ] == "Second"
    with pytest.raises(HttpError) as err:
        gmail.users().messages().get(userId="me", id=made["message"]["id"]).execute()
    assert err.value.resp.status == 404


def test_delete_then_get_is_404(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("Bye"))
    assert gmail.users().drafts().delete(userId="me", id=made["id"]).execute() == ""
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().get(userId="me", id=made["id"]).execute()
    assert err.value.resp.status == 404
    assert reason(err.value) == "notFound"
    assert sandbox.drafts() == []
    with pytest.raises(HttpError) as again:
        gmail.users().drafts().delete(userId="me", id=made["id"]).execute()
    assert again.value.resp.status == 404


def test_list_pages_newest_first(gmail, sandbox: Sandbox) -> None:
    made = []
    for i in range(5):
        sandbox.set_now(NOW + timedelta(minutes=i))
        made.append(create_draft(gmail, message(f"Draft {i}"))["id"])
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = gmail.users().drafts().list(userId="me", maxResults=2, pageToken=token).execute()
        pages += 1
        assert page["resultSizeEstimate"] == 5
        seen += [d["id"] for d in page["drafts"]]
        assert all(set(d["message"]) == {"id", "threadId"} for d in page["drafts"])
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3
    assert seen == list(reversed(made))


def test_list_empty_and_with_query(gmail) -> None:
    assert gmail.users().drafts().list(userId="me").execute() == {"resultSizeEstimate": 0}
    create_draft(gmail, message("Alpha", to="jane@acme.com"))
    create_draft(gmail, message("Beta", to="bob@other.org"))
    found = gmail.users().drafts().list(userId="me", q="to:acme.com").execute()
    assert found["resultSizeEstimate"] == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"message": {}}, {"message": {"raw": ""}}, {"message": {"raw": "!!!not base64!!!"}}],
)
def test_create_rejects_bad_bodies(gmail, body: dict) -> None:
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().create(userId="me", body=body).execute()
    assert err.value.resp.status == 400


def test_other_user_is_refused(gmail) -> None:
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().list(userId="someone@else.com").execute()
    assert err.value.resp.status == 403
    own = gmail.users().drafts().list(userId="candidate@example.com").execute()
    assert own["resultSizeEstimate"] == 0
