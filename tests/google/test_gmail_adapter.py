"""The Gmail adapter's conversion of API dicts into MessageMeta."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.google.gmail import to_message_meta


def test_snippet_is_unescaped_and_headers_kept_in_order() -> None:
    meta = to_message_meta(
        {
            "id": "m1",
            "threadId": "t1",
            "internalDate": "1796058000000",
            "labelIds": ["INBOX"],
            "snippet": "I&#39;m away until 7 Dec &amp; reply to &lt;raj@globex.com&gt;",
            "payload": {
                "headers": [
                    {"name": "From", "value": "a@x.com"},
                    {"name": "from", "value": "b@x.com"},
                ]
            },
        }
    )
    assert meta.snippet == "I'm away until 7 Dec & reply to <raj@globex.com>"
    assert meta.header("FROM") == "a@x.com"
    assert meta.internal_date == datetime.fromtimestamp(1796058000, tz=UTC)
    assert meta.label_ids == ("INBOX",)
