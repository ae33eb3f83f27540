"""Threading rules and the user's own actions (send, delete, edit drafts; send messages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import ApiError, Sandbox
from tests.sandbox.helpers import NOW, USER, create_draft, message


@pytest.fixture
def original(sandbox: Sandbox) -> dict:
    """An incoming message that replies can name."""
    return sandbox.deliver(message("Interview next week", Message_ID="<orig@acme.com>"))


def _reply(subject: str = "Re: Interview next week", **kwargs) -> object:
    headers = {"in_reply_to": "<orig@acme.com>", "references": "<orig@acme.com>"}
    headers.update(kwargs)
    return message(subject, "reply", sender=USER, to="jane@acme.com", **headers)


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Interview next week",
        "RE: Interview next week",
        "AW: Interview next week",
        "Antw: Re: Interview next week",
        "Fwd: Interview next week",
    ],
)
def test_delivered_reply_joins_thread(sandbox: Sandbox, original: dict, subject: str) -> None:
    reply = sandbox.deliver(message(subject, in_reply_to="<orig@acme.com>"))
    assert reply["threadId"] == original["threadId"]


def test_delivered_reply_with_other_subject_starts_thread(sandbox: Sandbox, original: dict) -> None:
    reply = sandbox.deliver(message("Something else", in_reply_to="<orig@acme.com>"))
    assert reply["threadId"] != original["threadId"]
    assert reply["threadId"] == reply["id"]


def test_delivered_same_subject_without_references_starts_thread(
    sandbox: Sandbox, original: dict
) -> None:
    assert sandbox.deliver(message("Re: Interview next week"))["threadId"] != original["threadId"]


def test_draft_with_thread_id_and_headers_joins(gmail, original: dict) -> None:
    made = create_draft(gmail, _reply(), thread_id=original["threadId"])
    assert made["message"]["threadId"] == original["threadId"]


def test_draft_with_thread_id_but_no_headers_does_not_join(gmail, original: dict) -> None:
    bare = message("Re: Interview next week", "reply", sender=USER, to="jane@acme.com")
    made = create_draft(gmail, bare, thread_id=original["threadId"])
    assert made["message"]["threadId"] != original["threadId"]


def test_draft_with_thread_id_and_wrong_subject_does_not_join(gmail, original: dict) -> None:
    made = create_draft(gmail, _reply("Following up"), thread_id=original["threadId"])
    assert made["message"]["threadId"] != original["threadId"]


def test_draft_with_headers_but_no_thread_id_does_not_join(gmail, original: dict) -> None:
    made = create_draft(gmail, _reply())
    assert made["message"]["threadId"] != original["threadId"]


def test_draft_with_unknown_thread_id_is_404(gmail, original: dict) -> None:
    with pytest.raises(HttpError) as err:
        create_draft(gmail, _reply(), thread_id="ffffffffffffffff")
    assert err.value.resp.status == 404


def test_user_send_draft(gmail, sandbox: Sandbox, original: dict) -> None:
    made = create_draft(
        gmail, _reply(Message_ID="<draft-own@example.com>"), thread_id=original["threadId"]
    )
    sandbox.set_now(NOW + timedelta(hours=2))
    sent = sandbox.user_send_draft(made["id"])
    assert sent["id"] not in (made["message"]["id"], original["id"])
    assert sent["threadId"] == original["threadId"]
    assert sent["labelIds"] == ["SENT"]
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().get(userId="me", id=made["id"]).execute()
    assert err.value.resp.status == 404
    stored = sandbox.get_message(sent["id"])
    assert stored["headers"]["Message-ID"] != "<draft-own@example.com>"
    assert stored["headers"]["Message-ID"].endswith("@mail.gmail.com>")
    assert stored["raw"].count(b"Message-ID:") == 1 and stored["raw"].rstrip().endswith(b"reply")
    assert stored["headers"]["Date"] == "Mon, 02 Mar 2026 11:00:00 -0500"
    thread = (
        gmail.users()
        .threads()
        .get(userId="me", id=original["threadId"], format="minimal")
        .execute()
    )
    assert [m["id"] for m in thread["messages"]] == [original["id"], sent["id"]]
    found = gmail.users().messages().list(userId="me", q="in:sent to:jane@acme.com").execute()
    assert [m["id"] for m in found["messages"]] == [sent["id"]]
    # a later reply naming the rewritten Message-ID joins the thread
    answer = sandbox.deliver(
        message("Re: Interview next week", in_reply_to=stored["headers"]["Message-ID"])
    )
    assert answer["threadId"] == original["threadId"]


def test_user_send_lone_draft_keeps_its_thread(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("Thank you", sender=USER, to="jane@acme.com"))
    sent = sandbox.user_send_draft(made["id"])
    assert sent["threadId"] == made["message"]["threadId"]
    assert sandbox.drafts() == []


def test_user_delete_draft(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("Thank you", sender=USER, to="jane@acme.com"))
    sandbox.user_delete_draft(made["id"])
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().get(userId="me", id=made["id"]).execute()
    assert err.value.resp.status == 404
    assert [m for m in sandbox.messages() if "SENT" in m["label_ids"]] == []
    with pytest.raises(ApiError) as again:
        sandbox.user_delete_draft(made["id"])
    assert again.value.status == 404


def test_user_edit_draft(gmail, sandbox: Sandbox, original: dict) -> None:
    made = create_draft(gmail, _reply(), thread_id=original["threadId"])
    edited = sandbox.user_edit_draft(made["id"], _reply(body_marker="x"))
    assert edited["id"] == made["id"]
    assert edited["message_id"] != made["message"]["id"]
    assert edited["thread_id"] == original["threadId"]
    got = gmail.users().drafts().get(userId="me", id=made["id"], format="minimal").execute()
    assert got["message"]["id"] == edited["message_id"]


def test_user_send_message_threads_by_headers(sandbox: Sandbox, original: dict) -> None:
    own = sandbox.user_send_message(_reply())
    assert own["threadId"] == original["threadId"]
    assert own["labelIds"] == ["SENT"]
    fresh = sandbox.user_send_message(message("New topic", sender=USER, to="jane@acme.com"))
    assert fresh["threadId"] == fresh["id"]
    headers = sandbox.get_message(fresh["id"])["headers"]
    assert headers["Message-ID"] and headers["Date"]
