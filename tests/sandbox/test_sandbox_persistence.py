"""Sandbox.save/load round trip and the server's state file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from agent.sandbox import Sandbox, SandboxServer
from tests.sandbox.helpers import CAL, GMAIL, NOW, create_draft, message, services


def _world(sandbox: Sandbox) -> dict:
    """A populated world; returns the ids worth checking."""
    original = sandbox.deliver(message("Interview", Message_ID="<p1@acme.com>"))
    sandbox.add_calendar("jobs@group.calendar.google.com", "Jobs", "Europe/Paris")
    event = sandbox.add_event(
        summary="Interview with Acme",
        start=NOW,
        end=NOW + timedelta(hours=1),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=2"],
    )
    sandbox.cancel_event("primary", f"{event['id']}_20260309T130000Z")
    return {"original": original, "event": event}


def test_round_trip(tmp_path: Path, sandbox: Sandbox) -> None:
    ids = _world(sandbox)
    with SandboxServer(sandbox) as server:
        gmail, cal = services(server.url)
        draft = create_draft(
            gmail,
            message("Re: Interview", in_reply_to="<p1@acme.com>"),
            thread_id=ids["original"]["threadId"],
        )
        token = (
            cal.events().list(calendarId="primary", singleEvents=True).execute()["nextSyncToken"]
        )
    sandbox.set_scopes(["https://www.googleapis.com/auth/gmail.readonly"])
    path = tmp_path / "state.json"
    sandbox.save(path)
    loaded = Sandbox.load(path)
    assert loaded.now() == NOW
    assert loaded.drafts() == sandbox.drafts()
    assert loaded.messages() == sandbox.messages()
    assert loaded.list_events("primary") == sandbox.list_events("primary")
    assert loaded.history_id() == sandbox.history_id()
    assert loaded.scopes() == ["https://www.googleapis.com/auth/gmail.readonly"]
    loaded.set_scopes([GMAIL + "readonly", GMAIL + "compose", CAL + ".events"])
    with SandboxServer(loaded) as server:
        gmail, cal = services(server.url)
        got = gmail.users().drafts().get(userId="me", id=draft["id"], format="minimal").execute()
        assert got["message"]["threadId"] == ids["original"]["threadId"]
        page = cal.events().list(calendarId="primary", syncToken=token).execute()
        assert page["items"] == []  # the sync token survives a reload
        items = cal.events().list(calendarId="primary", singleEvents=True).execute()["items"]
        assert [e["id"] for e in items] == [f"{ids['event']['id']}_20260302T140000Z"]
        reply = loaded.deliver(message("Re: Interview", in_reply_to="<p1@acme.com>"))
        assert reply["threadId"] == ids["original"]["threadId"]


def test_server_saves_after_each_change(tmp_path: Path, sandbox: Sandbox) -> None:
    path = tmp_path / "live.json"
    with SandboxServer(sandbox, state_file=path) as server:
        gmail, _ = services(server.url)
        gmail.users().getProfile(userId="me").execute()
        assert not path.exists()  # reads do not write
        made = create_draft(gmail, message("Saved"))
        assert [d["id"] for d in Sandbox.load(path).drafts()] == [made["id"]]
        gmail.users().drafts().delete(userId="me", id=made["id"]).execute()
        assert Sandbox.load(path).drafts() == []


def test_unknown_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"version": 99}))
    with pytest.raises(ValueError, match="version"):
        Sandbox.load(path)
