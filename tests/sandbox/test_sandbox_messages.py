"""messages.get/list (with q), threads.get, labels.list and getProfile."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox
from tests.sandbox.helpers import NOW, NY, create_draft, message


def _ids(gmail, **kwargs) -> list[str]:
    result = gmail.users().messages().list(userId="me", **kwargs).execute()
    return [m["id"] for m in result.get("messages", [])]


@pytest.fixture
def mailbox(sandbox: Sandbox) -> dict[str, str]:
    """Four messages over four days, plus one draft, keyed by a short name."""
    out = {}
    plan = [
        ("jane", message("Interview", "See you", sender="Jane Roe <Jane@Acme.com>"), ("INBOX",)),
        ("bob", message("Lunch?", "Tacos", sender="bob@Other.org"), ("INBOX", "UNREAD")),
        (
            "hr",
            message("Offer", "Congrats", sender="hr@jobs.acme.com", cc="boss@acme.com"),
            ("INBOX",),
        ),
        ("spam", message("Win", "Money", sender="x@spam.biz"), ("SPAM",)),
    ]
    for day, (name, msg, labels) in enumerate(plan):
        when = datetime(2026, 2, 25 + day, 12, 0, tzinfo=NY)
        out[name] = sandbox.deliver(msg, label_ids=labels, internal_date=when)["id"]
    sandbox.set_now(datetime(2026, 3, 1, 12, 0, tzinfo=NY))
    out["sent"] = sandbox.user_send_message(
        message("Hi Jane", sender="candidate@example.com", to="jane@acme.com")
    )["id"]
    sandbox.set_now(NOW)
    return out


def test_get_formats(gmail, sandbox: Sandbox) -> None:
    msg = message("Hello there", "It's <b>fine</b> & good", Message_ID="<m1@acme.com>")
    msg_id = sandbox.deliver(msg)["id"]
    minimal = gmail.users().messages().get(userId="me", id=msg_id, format="minimal").execute()
    assert set(minimal) == {
        "id",
        "threadId",
        "labelIds",
        "snippet",
        "sizeEstimate",
        "historyId",
        "internalDate",
    }
    assert minimal["snippet"] == "It&#39;s &lt;b&gt;fine&lt;/b&gt; &amp; good"
    assert minimal["internalDate"] == str(int(NOW.timestamp() * 1000))
    assert minimal["labelIds"] == ["INBOX", "UNREAD"]
    meta = (
        gmail.users()
        .messages()
        .get(userId="me", id=msg_id, format="metadata", metadataHeaders=["Subject", "message-id"])
        .execute()
    )
    assert meta["payload"]["headers"] == [
        {"name": "Subject", "value": "Hello there"},
        {"name": "Message-ID", "value": "<m1@acme.com>"},
    ]
    full = gmail.users().messages().get(userId="me", id=msg_id).execute()
    assert full["payload"]["mimeType"] == "text/plain"
    text = base64.urlsafe_b64decode(full["payload"]["body"]["data"]).decode()
    assert text.strip() == "It's <b>fine</b> & good"
    raw_fmt = gmail.users().messages().get(userId="me", id=msg_id, format="raw").execute()
    assert base64.urlsafe_b64decode(raw_fmt["raw"]) == sandbox.get_message(msg_id)["raw"]


def test_get_multipart_payload(gmail, sandbox: Sandbox) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@b.com", "candidate@example.com", "Parts"
    msg.set_content("plain body")
    msg.add_alternative("<p>html body</p>", subtype="html")
    msg.add_attachment(b"PDFDATA", maintype="application", subtype="pdf", filename="cv.pdf")
    msg_id = sandbox.deliver(msg)["id"]
    full = gmail.users().messages().get(userId="me", id=msg_id).execute()
    payload = full["payload"]
    assert payload["mimeType"] == "multipart/mixed"
    assert [p["partId"] for p in payload["parts"]] == ["0", "1"]
    assert [p["partId"] for p in payload["parts"][0]["parts"]] == ["0.0", "0.1"]
    assert payload["parts"][1]["filename"] == "cv.pdf"
    assert full["snippet"] == "plain body"
    assert _ids(gmail, q="has:attachment") == [msg_id]


def test_get_unknown_is_404(gmail) -> None:
    with pytest.raises(HttpError) as err:
        gmail.users().messages().get(userId="me", id="nope").execute()
    assert err.value.resp.status == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["sent", "hr", "bob", "jane"]),
        ("from:jane@acme.com", ["jane"]),
        ("from:JANE@ACME.COM", ["jane"]),
        ("from:acme.com", ["hr", "jane"]),
        ("from:(jane@acme.com OR bob@other.org)", ["bob", "jane"]),
        ("from:{jane@acme.com bob@other.org}", ["bob", "jane"]),
        ("{from:bob@other.org from:hr@jobs.acme.com}", ["hr", "bob"]),
        ("from:jane@acme.com OR from:bob@other.org", ["bob", "jane"]),
        ('from:"Jane Roe"', ["jane"]),
        ("from:acme.com -subject:offer", ["jane"]),
        ("to:jane@acme.com", ["sent"]),
        ("cc:boss@acme.com", ["hr"]),
        ("in:sent", ["sent"]),
        ("in:inbox", ["hr", "bob", "jane"]),
        ("in:anywhere from:spam.biz", ["spam"]),
        ("in:spam", ["spam"]),
        ("is:unread", ["bob"]),
        ("label:inbox subject:lunch", ["bob"]),
        ("subject:interview", ["jane"]),
        ("tacos", ["bob"]),
        ("after:2026/02/26", ["sent", "hr", "bob"]),
        ("before:2026/02/26", ["jane"]),
        ("after:2026/02/26 before:2026/02/28", ["hr", "bob"]),
        (f"after:{int(datetime(2026, 2, 27, 0, 0, tzinfo=NY).timestamp())}", ["sent", "hr"]),
        ("newer_than:3d", ["sent", "hr"]),
        ("older_than:4d", ["jane"]),
        ("in:drafts", ["draft"]),
    ],
)
def test_list_query(gmail, sandbox: Sandbox, mailbox: dict[str, str], query: str, expected) -> None:
    mailbox["draft"] = create_draft(gmail, message("Draft", sender="candidate@example.com"))[
        "message"
    ]["id"]
    assert _ids(gmail, q=query) == [mailbox[name] for name in expected]


def test_list_rfc822msgid(gmail, sandbox: Sandbox) -> None:
    wanted = sandbox.deliver(message("A", Message_ID="<abc.123@acme.com>"))["id"]
    sandbox.deliver(message("B", Message_ID="<other@acme.com>"))
    assert _ids(gmail, q="rfc822msgid:<abc.123@acme.com>") == [wanted]
    assert _ids(gmail, q="rfc822msgid:abc.123@acme.com") == [wanted]


def test_list_label_ids_and_spam_trash(gmail, mailbox: dict[str, str]) -> None:
    assert _ids(gmail, labelIds=["INBOX", "UNREAD"]) == [mailbox["bob"]]
    assert _ids(gmail, labelIds=["SPAM"]) == [mailbox["spam"]]
    assert mailbox["spam"] not in _ids(gmail)
    assert mailbox["spam"] in _ids(gmail, includeSpamTrash=True)
    empty = gmail.users().messages().list(userId="me", q="from:nobody@nowhere.com").execute()
    assert empty == {"resultSizeEstimate": 0}


def test_list_pages(gmail, mailbox: dict[str, str]) -> None:
    first = gmail.users().messages().list(userId="me", maxResults=3).execute()
    assert len(first["messages"]) == 3 and first["resultSizeEstimate"] == 4
    second = (
        gmail.users()
        .messages()
        .list(userId="me", maxResults=3, pageToken=first["nextPageToken"])
        .execute()
    )
    assert [m["id"] for m in second["messages"]] == [mailbox["jane"]]
    assert "nextPageToken" not in second
    with pytest.raises(HttpError) as err:
        gmail.users().messages().list(userId="me", pageToken="garbage").execute()
    assert err.value.resp.status == 400


def test_threads_get(gmail, sandbox: Sandbox) -> None:
    first = sandbox.deliver(message("Interview", Message_ID="<t1@acme.com>"))
    sandbox.set_now(NOW + timedelta(hours=1))
    reply = sandbox.deliver(
        message("Re: Interview", in_reply_to="<t1@acme.com>", references="<t1@acme.com>")
    )
    thread = (
        gmail.users().threads().get(userId="me", id=first["threadId"], format="minimal").execute()
    )
    assert [m["id"] for m in thread["messages"]] == [first["id"], reply["id"]]
    assert thread["historyId"] == reply["historyId"]
    with pytest.raises(HttpError) as err:
        gmail.users().threads().get(userId="me", id="missing").execute()
    assert err.value.resp.status == 404


def test_labels_and_profile(gmail, sandbox: Sandbox, mailbox: dict[str, str]) -> None:
    labels = gmail.users().labels().list(userId="me").execute()["labels"]
    ids = {label["id"] for label in labels}
    assert {"INBOX", "SENT", "DRAFT", "UNREAD", "SPAM", "TRASH"} <= ids
    profile = gmail.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == "candidate@example.com"
    assert profile["messagesTotal"] == 5
    assert profile["historyId"] == str(sandbox.history_id())
    before = int(profile["historyId"])
    sandbox.modify_labels(mailbox["bob"], remove=["UNREAD"])
    after = int(gmail.users().getProfile(userId="me").execute()["historyId"])
    assert after > before
    assert _ids(gmail, q="is:unread") == []
