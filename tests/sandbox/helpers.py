"""Shared helpers for the sandbox tests: building services and messages."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=NY)  # a Monday
USER = "candidate@example.com"
GMAIL = "https://www.googleapis.com/auth/gmail."
CAL = "https://www.googleapis.com/auth/calendar"


def services(base_url: str, credentials: Any = None) -> tuple[Any, Any]:
    """Gmail v1 and Calendar v3 built exactly as the agent builds them."""
    creds = credentials or Credentials(token="sandbox-token")
    gmail = build(
        "gmail",
        "v1",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": base_url},
    )
    cal = build(
        "calendar",
        "v3",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": base_url + "calendar/v3/"},
    )
    return gmail, cal


def message(
    subject: str = "Interview",
    body: str = "Hello",
    *,
    sender: str = "Jane Roe <jane@acme.com>",
    to: str = USER,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    **headers: str,
) -> EmailMessage:
    """A plain-text message with the given headers."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def raw(msg: EmailMessage) -> str:
    """base64url of the serialized message, as drafts.create wants it."""
    return base64.urlsafe_b64encode(bytes(msg)).decode("ascii")


def create_draft(gmail: Any, msg: EmailMessage, thread_id: str | None = None) -> dict[str, Any]:
    """drafts.create through the client."""
    body: dict[str, Any] = {"message": {"raw": raw(msg)}}
    if thread_id:
        body["message"]["threadId"] = thread_id
    return gmail.users().drafts().create(userId="me", body=body).execute()


def error(exc: Any) -> dict[str, Any]:
    """The `error` object of an HttpError's JSON body."""
    return dict(json.loads(exc.content)["error"])


def reason(exc: Any) -> str:
    """The first `errors[].reason` of an HttpError ('' when it has none).

    Not `exc.error_details`: the client fills that from `details` (ErrorInfo) first.
    """
    return str(error(exc)["errors"][0].get("reason", ""))


def info_reason(exc: Any) -> str:
    """The ErrorInfo reason in `details` ('' when there is none)."""
    details = error(exc).get("details") or [{}]
    return str(details[0].get("reason", ""))
