"""The search index's lag: q= searches miss fresh mail; history, get and drafts do not."""

from __future__ import annotations

from datetime import timedelta

from agent.sandbox import Sandbox, SandboxClient
from tests.sandbox.helpers import NOW, create_draft, message


def _ids(gmail, q: str) -> set[str]:
    page = gmail.users().messages().list(userId="me", q=q).execute()
    return {m["id"] for m in page.get("messages") or ()}


def test_off_by_default(gmail, client: SandboxClient) -> None:
    msg_id = client.deliver(message())["id"]
    assert _ids(gmail, "from:acme.com") == {msg_id}


def test_fresh_mail_is_missing_from_search_until_the_lag_has_passed(
    gmail, client: SandboxClient
) -> None:
    old = client.deliver(message("Earlier"))["id"]
    client.set_now(NOW + timedelta(minutes=5))
    client.set_search_lag(60)
    fresh = client.deliver(message("Just now"))["id"]
    draft = create_draft(gmail, message("Mine", sender="candidate@example.com"))

    assert _ids(gmail, "from:acme.com") == {old}  # the fresh one is not indexed yet
    assert _ids(gmail, "in:drafts") == set()
    # history, messages.get, drafts.list and drafts.get see it at once
    history = gmail.users().history().list(userId="me", startHistoryId="1000").execute()
    added = {a["message"]["id"] for h in history["history"] for a in h.get("messagesAdded", ())}
    assert {old, fresh, draft["message"]["id"]} <= added
    assert gmail.users().messages().get(userId="me", id=fresh).execute()["id"] == fresh
    listed = gmail.users().drafts().list(userId="me").execute()["drafts"]
    assert [d["id"] for d in listed] == [draft["id"]]
    assert gmail.users().drafts().get(userId="me", id=draft["id"]).execute()["id"] == draft["id"]
    # without q (labels only) the list is not the search index's
    inbox = gmail.users().messages().list(userId="me", labelIds=["INBOX"]).execute()
    assert {m["id"] for m in inbox["messages"]} == {old, fresh}

    client.set_now(NOW + timedelta(minutes=5, seconds=59))
    assert _ids(gmail, "from:acme.com") == {old}
    client.set_now(NOW + timedelta(minutes=6))
    assert _ids(gmail, "from:acme.com") == {old, fresh}
    assert _ids(gmail, "in:drafts") == {draft["message"]["id"]}


def test_the_lag_counts_from_arrival_not_from_the_date_header(client: SandboxClient, gmail) -> None:
    client.set_search_lag(120)
    backdated = client.deliver(message(), internal_date=NOW - timedelta(days=2))["id"]
    assert _ids(gmail, "from:acme.com") == set()
    client.set_now(NOW + timedelta(minutes=2))
    assert _ids(gmail, "from:acme.com") == {backdated}


def test_lag_control_route_and_saved_state(
    sandbox: Sandbox, client: SandboxClient, tmp_path
) -> None:
    client.set_search_lag(30)
    assert client.search_lag() == 30.0
    msg_id = client.deliver(message())["id"]
    sandbox.save(tmp_path / "s.json")
    loaded = Sandbox.load(tmp_path / "s.json")
    assert loaded.mail.messages[msg_id].arrived_ms == sandbox.mail.messages[msg_id].arrived_ms
    client.set_search_lag(0)
    assert client.search_lag() == 0.0
