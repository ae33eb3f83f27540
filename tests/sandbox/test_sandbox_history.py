"""history.list: records, filters, paging, and 404 for expired or impossible start ids."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox
from tests.sandbox.helpers import USER, create_draft, message, reason


def _history(gmail, **kwargs) -> dict:
    return gmail.users().history().list(userId="me", **kwargs).execute()


def test_records_are_chronological_with_added_messages(gmail, sandbox: Sandbox) -> None:
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    first = sandbox.deliver(message("One"))
    second = sandbox.deliver(message("Two"))
    result = _history(gmail, startHistoryId=start)
    assert result["historyId"] == str(sandbox.history_id())
    added = [r["messagesAdded"][0]["message"] for r in result["history"]]
    assert [m["id"] for m in added] == [first["id"], second["id"]]
    assert added[0] == {
        "id": first["id"],
        "threadId": first["threadId"],
        "labelIds": ["INBOX", "UNREAD"],
    }
    ids = [int(r["id"]) for r in result["history"]]
    assert ids == sorted(ids) and ids[0] > int(start)
    assert result["history"][0]["messages"] == [{"id": first["id"], "threadId": first["threadId"]}]
    # the message carries the history id of its change
    assert first["historyId"] == result["history"][0]["id"]


def test_nothing_new_has_no_history_key(gmail, sandbox: Sandbox) -> None:
    sandbox.deliver(message("One"))
    current = str(sandbox.history_id())
    assert _history(gmail, startHistoryId=current) == {"historyId": current}


def test_type_and_label_filters(gmail, sandbox: Sandbox) -> None:
    start = str(sandbox.history_id())
    inbox = sandbox.deliver(message("One"))
    draft = create_draft(gmail, message("Mine", sender=USER))
    sandbox.modify_labels(inbox["id"], remove=["UNREAD"])
    gmail.users().drafts().delete(userId="me", id=draft["id"]).execute()
    everything = _history(gmail, startHistoryId=start)["history"]
    kinds = [next(k for k in r if k not in ("id", "messages")) for r in everything]
    assert kinds == ["messagesAdded", "messagesAdded", "labelsRemoved", "messagesDeleted"]
    assert everything[2]["labelsRemoved"][0]["labelIds"] == ["UNREAD"]
    added_inbox = _history(
        gmail, startHistoryId=start, historyTypes=["messageAdded"], labelId="INBOX"
    )
    assert [r["messagesAdded"][0]["message"]["id"] for r in added_inbox["history"]] == [inbox["id"]]
    deleted = _history(gmail, startHistoryId=start, historyTypes=["messageDeleted"])["history"]
    assert [r["messagesDeleted"][0]["message"]["id"] for r in deleted] == [draft["message"]["id"]]


def test_paging(gmail, sandbox: Sandbox) -> None:
    start = str(sandbox.history_id())
    delivered = [sandbox.deliver(message(f"M{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    token = None
    while True:
        page = _history(gmail, startHistoryId=start, maxResults=2, pageToken=token)
        seen += [r["messagesAdded"][0]["message"]["id"] for r in page["history"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert seen == delivered


def test_expired_start_is_404(gmail, sandbox: Sandbox) -> None:
    old = str(sandbox.history_id())
    sandbox.deliver(message("One"))
    sandbox.expire_history()
    with pytest.raises(HttpError) as err:
        _history(gmail, startHistoryId=old)
    assert err.value.resp.status == 404
    assert reason(err.value) == "notFound"
    current = str(sandbox.history_id())
    assert _history(gmail, startHistoryId=current) == {"historyId": current}
    sandbox.deliver(message("Two"))
    assert len(_history(gmail, startHistoryId=current)["history"]) == 1


@pytest.mark.parametrize("start", ["999999999", "0", "abc"])
def test_future_or_invalid_start_is_404(gmail, start: str) -> None:
    with pytest.raises(HttpError) as err:
        _history(gmail, startHistoryId=start)
    assert err.value.resp.status == 404
