"""What a real account does that tests must meet: a lagging drafts search, empty history
pages, a default send-as alias, drafts replaced when edited in Gmail's web app, sent copies
without our header, a revoked grant, and mail from applicant-tracking and helpdesk systems."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient, SandboxControlError, SandboxServer
from tests.sandbox.helpers import NOW, USER, create_draft, message, reason, services

KEY = "k1mzxw6ytboi4dsnrvgq3tmnzygu2tsmrq"


def _headers(gmail: Any, msg_id: str) -> dict[str, str]:
    got = gmail.users().messages().get(userId="me", id=msg_id, format="metadata").execute()
    return {h["name"]: h["value"] for h in got["payload"]["headers"]}


def _history(gmail: Any, start: str, **kwargs: Any) -> dict[str, Any]:
    return gmail.users().history().list(userId="me", startHistoryId=start, **kwargs).execute()


@pytest.fixture
def thread_draft(gmail: Any, client: SandboxClient) -> dict[str, Any]:
    """Jane's message and our key-carrying reply draft in its thread."""
    jane = client.deliver(
        message("Interview", sender="Jane Roe <jane@acme.com>", message_id="<j1@acme.com>")
    )
    reply = message(
        "Re: Interview", "Thank you!", sender=USER, to="Jane Roe <jane@acme.com>",
        in_reply_to="<j1@acme.com>", references="<j1@acme.com>", X_Followup_Key=KEY,
    )
    return create_draft(gmail, reply, thread_id=jane["threadId"])


# -- drafts.list with q is a search ----------------------------------------------------------


def test_drafts_search_lags_like_messages_search(gmail: Any, client: SandboxClient) -> None:
    client.set_search_lag(60)
    made = create_draft(gmail, message("Thanks", sender=USER, to="jane@acme.com"))

    def searched() -> list[str]:
        page = gmail.users().drafts().list(userId="me", q="to:jane@acme.com").execute()
        return [d["id"] for d in page.get("drafts") or ()]

    assert searched() == []
    unfiltered = gmail.users().drafts().list(userId="me").execute()["drafts"]
    assert [d["id"] for d in unfiltered] == [made["id"]]
    client.set_now(NOW + timedelta(seconds=59))
    assert searched() == []
    client.set_now(NOW + timedelta(seconds=60))
    assert searched() == [made["id"]]
    client.set_search_lag(0)


# -- empty history pages -----------------------------------------------------------------------


def test_empty_first_page_carries_the_current_history_id(
    gmail: Any, client: SandboxClient
) -> None:
    start = str(client.history_id())
    added = [client.deliver(message(f"M{i}"))["id"] for i in range(3)]
    client.set_empty_history_pages("first")
    first = _history(gmail, start)
    assert set(first) == {"historyId", "nextPageToken"}
    assert first["historyId"] == str(client.history_id())
    second = _history(gmail, start, pageToken=first["nextPageToken"])
    ids = [r["messagesAdded"][0]["message"]["id"] for r in second["history"]]
    assert ids == added and "nextPageToken" not in second
    nothing_new = _history(gmail, str(client.history_id()))
    assert nothing_new == {"historyId": str(client.history_id())}  # no records: no empty page


def test_empty_page_before_every_page(gmail: Any, client: SandboxClient) -> None:
    start = str(client.history_id())
    added = [client.deliver(message(f"M{i}"))["id"] for i in range(3)]
    client.set_empty_history_pages("every")
    pages, token = [], None
    while True:
        page = _history(gmail, start, maxResults=2, pageToken=token)
        pages.append([r["messagesAdded"][0]["message"]["id"] for r in page.get("history", [])])
        token = page.get("nextPageToken")
        if token is None:
            break
    assert pages == [[], added[:2], [], added[2:]]
    client.set_empty_history_pages("off")
    assert "nextPageToken" not in _history(gmail, start)
    with pytest.raises(SandboxControlError, match="off, first or every"):
        client.set_empty_history_pages("sometimes")


# -- a default send-as alias -------------------------------------------------------------------


def test_default_alias_with_its_own_name_and_signature(
    gmail: Any, client: SandboxClient, sandbox: Sandbox, tmp_path
) -> None:
    client.set_send_as(display_name="Casey Candidate", signature="<b>Casey</b>")
    client.add_send_as_alias(
        "casey@work.example", "Casey C. (work)", '<div dir="ltr">Casey, Work</div>'
    )
    listed = gmail.users().settings().sendAs().list(userId="me").execute()["sendAs"]
    assert [(s["sendAsEmail"], s["isDefault"]) for s in listed] == [
        (USER, False), ("casey@work.example", True)
    ]
    assert listed[0]["isPrimary"] is True and "isPrimary" not in listed[1]
    assert listed[1] == {
        "sendAsEmail": "casey@work.example",
        "displayName": "Casey C. (work)",
        "replyToAddress": "",
        "signature": '<div dir="ltr">Casey, Work</div>',
        "isDefault": True,
        "treatAsAlias": True,
        "verificationStatus": "accepted",
    }
    sent = client.user_send_message(
        message("Hello", sender="Casey Work <casey@work.example>", to="bob@acme.com")
    )
    assert sent["labelIds"] == ["SENT"]
    assert _headers(gmail, sent["id"])["From"] == "Casey Work <casey@work.example>"
    unsigned = message("No From", sender="", to="bob@acme.com")
    del unsigned["From"]
    plain = client.user_send_message(unsigned)
    assert _headers(gmail, plain["id"])["From"] == '"Casey C. (work)" <casey@work.example>'
    found = gmail.users().messages().list(userId="me", q="from:casey@work.example").execute()
    assert {m["id"] for m in found["messages"]} == {sent["id"], plain["id"]}
    sandbox.save(tmp_path / "s.json")
    assert Sandbox.load(tmp_path / "s.json").aliases == sandbox.aliases
    client.add_send_as_alias("casey@home.example", default=False)
    listed = gmail.users().settings().sendAs().list(userId="me").execute()["sendAs"]
    assert [s["isDefault"] for s in listed] == [False, True, False]


# -- a draft replaced when edited in Gmail's web app -------------------------------------------


def test_edit_with_a_new_draft_id(
    gmail: Any, client: SandboxClient, thread_draft: dict[str, Any]
) -> None:
    start = str(client.history_id())
    old_id, old_msg = thread_draft["id"], thread_draft["message"]["id"]
    edited = client.user_edit_draft(old_id, new_id=True, drop_custom_headers=True)
    assert edited["id"] != old_id and edited["message_id"] != old_msg
    assert edited["thread_id"] == thread_draft["message"]["threadId"]
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().get(userId="me", id=old_id).execute()
    assert err.value.resp.status == 404 and reason(err.value) == "notFound"
    got = gmail.users().drafts().get(userId="me", id=edited["id"], format="metadata").execute()
    headers = {h["name"]: h["value"] for h in got["message"]["payload"]["headers"]}
    assert headers["To"] == "Jane Roe <jane@acme.com>" and "X-Followup-Key" not in headers
    assert got["message"]["threadId"] == thread_draft["message"]["threadId"]
    records = _history(gmail, start)["history"]
    kinds = [(k, r[k][0]["message"]["id"]) for r in records for k in r if k.startswith("mess")
             and k != "messages"]
    assert kinds == [("messagesAdded", edited["message_id"]), ("messagesDeleted", old_msg)]
    listed = gmail.users().drafts().list(userId="me").execute()["drafts"]
    assert [d["id"] for d in listed] == [edited["id"]]


def test_edit_keeping_the_id_and_the_header(
    gmail: Any, client: SandboxClient, thread_draft: dict[str, Any]
) -> None:
    edited = client.user_edit_draft(thread_draft["id"])
    assert edited["id"] == thread_draft["id"]
    assert edited["headers"]["X-Followup-Key"] == KEY


# -- a sent copy without the key header --------------------------------------------------------


@pytest.mark.parametrize("drop", [True, False])
def test_sent_copy_with_or_without_custom_headers(
    gmail: Any, client: SandboxClient, thread_draft: dict[str, Any], drop: bool
) -> None:
    sent = client.user_send_draft(thread_draft["id"], drop_custom_headers=drop)
    headers = _headers(gmail, sent["id"])
    assert ("X-Followup-Key" in headers) is not drop
    assert headers["To"] == "Jane Roe <jane@acme.com>" and headers["In-Reply-To"] == "<j1@acme.com>"
    assert sent["threadId"] == thread_draft["message"]["threadId"]
    assert sent["labelIds"] == ["SENT"]


# -- a revoked grant ---------------------------------------------------------------------------


def test_revoked_grant_refuses_access_and_refresh_like_google(
    server: SandboxServer, client: SandboxClient
) -> None:
    creds = Credentials(
        token="sandbox-token", refresh_token="sandbox-refresh", token_uri=server.url + "token",
        client_id="sandbox-client", client_secret="sandbox-secret",
    )
    gmail = services(server.url, creds)[0]
    assert gmail.users().getProfile(userId="me").execute()["emailAddress"] == USER
    client.revoke_grants()  # the user changed their password
    with pytest.raises(RefreshError) as err:
        gmail.users().getProfile(userId="me").execute()  # 401, then the refresh is refused
    assert err.value.args[1] == {
        "error": "invalid_grant", "error_description": "Token has been expired or revoked."
    }
    resp, body = httplib2.Http().request(
        server.url + "token", "POST",
        body="grant_type=refresh_token&refresh_token=sandbox-refresh&client_id=c",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status == 400 and json.loads(body) == {
        "error": "invalid_grant", "error_description": "Token has been expired or revoked."
    }
    client.add_refresh_token("sandbox-refresh")  # the user authorized again
    assert gmail.users().getProfile(userId="me").execute()["emailAddress"] == USER
    assert creds.token.startswith("sbx-at-")


# -- applicant-tracking and helpdesk mail ------------------------------------------------------


def test_machine_sent_mail_keeps_its_headers(gmail: Any, client: SandboxClient) -> None:
    ats = message(
        "Your application to Acme: next steps", "Hi Casey, we would like to invite you...",
        sender="Acme Recruiting <no-reply@us.greenhouse-mail.io>", Auto_Submitted="auto-generated",
        List_Unsubscribe="<https://greenhouse.example/u?1>, <mailto:unsub@greenhouse.example>",
        Reply_To="Jane Roe <jane@acme.com>", X_Mailer="Greenhouse",
    )
    desk = message(
        "[Ticket #4521] Re: Interview schedule", "Your request was updated.",
        sender="Acme People Team <support@acme.zendesk.com>", Auto_Submitted="auto-generated",
        Precedence="bulk",
    )
    ids = [client.deliver(ats)["id"], client.deliver(desk)["id"]]
    for msg_id, sent in zip(ids, (ats, desk), strict=True):
        got = gmail.users().messages().get(userId="me", id=msg_id, format="full").execute()
        served = [(h["name"], h["value"]) for h in got["payload"]["headers"]]
        assert [(k, v) for k, v in served if k != "Message-ID" and k != "Date"] == [
            (k, str(v)) for k, v in sent.items()
        ]
    found = gmail.users().messages().list(userId="me", q="from:greenhouse-mail.io").execute()
    assert [m["id"] for m in found["messages"]] == ids[:1]
    meta = gmail.users().messages().get(
        userId="me", id=ids[0], format="metadata",
        metadataHeaders=["Auto-Submitted", "List-Unsubscribe"],
    ).execute()
    assert [h["name"] for h in meta["payload"]["headers"]] == ["Auto-Submitted", "List-Unsubscribe"]
