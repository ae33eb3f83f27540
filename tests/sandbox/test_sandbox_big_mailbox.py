"""A big mailbox in one control call: 20,000 messages and 1,000 drafts, served over HTTP."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator
from typing import Any

import pytest

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import NOW, create_draft, message, services

MESSAGES, DRAFTS = 20_000, 1_000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[Sandbox, SandboxClient, Any]]:
    """One seeded world for the module (seeding is the dear part)."""
    sandbox = Sandbox(now=NOW, seed=7)
    with SandboxServer(sandbox) as server:
        client = SandboxClient(server.url)
        assert client.seed_mailbox(MESSAGES, DRAFTS, days=200) == {
            "messages": MESSAGES,
            "drafts": DRAFTS,
            "history_id": 1000 + MESSAGES + DRAFTS,
        }
        yield sandbox, client, services(server.url)[0]


def test_seeded_mail_is_counted_listed_and_paged(big) -> None:
    sandbox, _, gmail = big
    profile = gmail.users().getProfile(userId="me").execute()
    assert profile["messagesTotal"] == MESSAGES
    assert profile["historyId"] == str(sandbox.history_id())
    drafts: list[str] = []
    token = None
    while True:
        page = gmail.users().drafts().list(userId="me", maxResults=500, pageToken=token).execute()
        assert page["resultSizeEstimate"] == DRAFTS
        drafts += [d["id"] for d in page["drafts"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert len(set(drafts)) == DRAFTS
    sent = gmail.users().messages().list(userId="me", labelIds=["SENT"]).execute()
    inbox = gmail.users().messages().list(userId="me", labelIds=["INBOX"]).execute()
    assert 0 < sent["resultSizeEstimate"] < inbox["resultSizeEstimate"] < MESSAGES
    newest = gmail.users().messages().list(userId="me", maxResults=3).execute()["messages"]
    dates = [
        int(gmail.users().messages().get(userId="me", id=m["id"], format="minimal")
            .execute()["internalDate"])
        for m in newest
    ]
    assert dates == sorted(dates, reverse=True) and dates[0] < int(NOW.timestamp() * 1000)


def test_seeded_mail_reads_as_if_it_were_parsed(big) -> None:
    """The parse the seed records is the parse a real read gives: metadata (the record) and
    full (a fresh parse) show the same headers, and search finds by From and To."""
    _, _, gmail = big
    listed = gmail.users().messages().list(userId="me", maxResults=500).execute()["messages"]
    for ref in listed[::50]:
        meta = gmail.users().messages().get(userId="me", id=ref["id"], format="metadata").execute()
        full = gmail.users().messages().get(userId="me", id=ref["id"], format="full").execute()
        assert meta["payload"]["headers"] == full["payload"]["headers"]
        text = base64.urlsafe_b64decode(full["payload"]["body"]["data"]).decode()
        assert meta["snippet"] == html.escape(" ".join(text.split()), quote=True)
        headers = {h["name"]: h["value"] for h in meta["payload"]["headers"]}
        sender = headers["From"].rpartition("<")[2].rstrip(">")
        found = gmail.users().messages().list(
            userId="me", q=f"from:{sender} to:{headers['To'].rpartition('<')[2].rstrip('>')}",
            maxResults=500,
        ).execute()
        assert ref["id"] in {m["id"] for m in found["messages"]}


def test_threads_replies_newsletters_and_drafts_look_like_a_mailbox(big) -> None:
    sandbox, _, gmail = big
    replies = gmail.users().messages().list(userId="me", q="subject:Re", maxResults=1).execute()
    thread = gmail.users().threads().get(
        userId="me", id=replies["messages"][0]["threadId"], format="metadata"
    ).execute()
    assert len(thread["messages"]) >= 2
    lists = gmail.users().messages().list(userId="me", q="list:list3.example").execute()
    assert lists["resultSizeEstimate"] > 0
    drafts = sandbox.drafts()
    assert all(d["headers"]["From"] == "candidate@example.com" for d in drafts)
    assert any(d["headers"]["Subject"].startswith("Re: ") for d in drafts)
    assert not any("X-Followup-Key" in d["headers"] for d in drafts)
    assert all(d["thread_id"] in sandbox.mail.threads for d in drafts)


def test_history_over_the_whole_mailbox_pages_in_order(big) -> None:
    _, _, gmail = big
    seen: list[int] = []
    token = None
    while True:
        page = gmail.users().history().list(
            userId="me", startHistoryId="1000", maxResults=500, pageToken=token
        ).execute()
        seen += [int(r["id"]) for r in page["history"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert seen == list(range(1001, 1001 + MESSAGES + DRAFTS))
    late = gmail.users().history().list(userId="me", startHistoryId=str(seen[-3])).execute()
    assert [int(r["id"]) for r in late["history"]] == seen[-2:]


def test_seeded_mail_is_already_in_the_search_index(big) -> None:
    sandbox, client, gmail = big
    client.set_search_lag(300)
    try:
        found = gmail.users().drafts().list(userId="me", q="from:candidate@example.com").execute()
        assert found["resultSizeEstimate"] == DRAFTS
        fresh = create_draft(gmail, message("Mine", sender="candidate@example.com"))
        again = gmail.users().drafts().list(userId="me", q="from:candidate@example.com").execute()
        assert again["resultSizeEstimate"] == DRAFTS  # the new one is not indexed yet
        listed = gmail.users().drafts().list(userId="me", maxResults=1).execute()
        assert listed["drafts"][0]["id"] == fresh["id"]  # drafts.list without q sees it
    finally:
        client.set_search_lag(0)
        sandbox.user_delete_draft(fresh["id"])


def test_seed_refuses_nonsense_and_adds_to_what_is_there(client: SandboxClient) -> None:
    client.deliver(message("Before"))
    assert client.seed_mailbox(10, 2, seed=1) == {"messages": 11, "drafts": 2, "history_id": 1013}
    with pytest.raises(Exception, match="must be 0 or more"):
        client.seed_mailbox(-1)
