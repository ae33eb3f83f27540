"""history.list records carry enough to skip messages; bounce reports read with format=full."""

from __future__ import annotations

import base64
import email
from email import policy

from agent.sandbox import SandboxClient
from tests.sandbox.helpers import USER, create_draft, message

DSN = b"""From: Mail Delivery Subsystem <mailer-daemon@acme.com>
To: candidate@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.acme.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BB"

--BB
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--BB
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.com

Final-Recipient: rfc822; jane@acme.com
Original-Recipient: rfc822;jane@acme.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--BB
Content-Type: message/rfc822

From: candidate@example.com
To: jane@acme.com
Subject: Thank you

Hi Jane
--BB--
"""


def test_messages_added_carry_id_thread_and_labels(gmail, client: SandboxClient) -> None:
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    inbox = client.deliver(message("Interview", sender="jane@acme.com"))
    sent = client.user_send_message(message("Hello", sender=USER, to="bob@acme.com"))
    draft = create_draft(gmail, message("Draft", sender=USER))
    got = gmail.users().history().list(
        userId="me", startHistoryId=start, historyTypes=["messageAdded"]
    ).execute()
    added = [item["message"] for rec in got["history"] for item in rec["messagesAdded"]]
    assert [set(m) for m in added] == [{"id", "threadId", "labelIds"}] * 3
    assert [(m["id"], m["threadId"]) for m in added] == [
        (inbox["id"], inbox["threadId"]),
        (sent["id"], sent["threadId"]),
        (draft["message"]["id"], draft["message"]["threadId"]),
    ]
    assert set(added[0]["labelIds"]) == {"INBOX", "UNREAD"}
    assert "SENT" in added[1]["labelIds"] and "INBOX" not in added[1]["labelIds"]
    assert added[2]["labelIds"] == ["DRAFT"]


def _walk(part: dict) -> list[dict]:
    return [part, *(p for child in part.get("parts", []) for p in _walk(child))]


def test_full_format_serves_the_delivery_status_part(gmail, client: SandboxClient) -> None:
    msg_id = client.deliver(DSN)["id"]
    full = gmail.users().messages().get(userId="me", id=msg_id, format="full").execute()
    payload = full["payload"]
    assert payload["mimeType"] == "multipart/report"
    assert [p["mimeType"] for p in payload["parts"]] == [
        "text/plain",
        "message/delivery-status",
        "message/rfc822",
    ]
    status = next(p for p in _walk(payload) if p["mimeType"] == "message/delivery-status")
    assert "parts" not in status  # one leaf, as Gmail serves it
    text = base64.urlsafe_b64decode(status["body"]["data"])
    assert status["body"]["size"] == len(text)
    blocks = [
        email.message_from_bytes(block, policy=policy.default)
        for block in text.replace(b"\r\n", b"\n").split(b"\n\n")
        if block.strip()
    ]
    assert blocks[0]["Reporting-MTA"] == "dns; mx.acme.com"
    assert blocks[1]["Final-Recipient"] == "rfc822; jane@acme.com"
    assert blocks[1]["Original-Recipient"] == "rfc822;jane@acme.com"
    assert blocks[1]["Status"] == "5.1.1"
