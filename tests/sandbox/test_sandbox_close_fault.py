"""The close-after-side-effect fault: the work is done, the socket closes with no answer.

That is what a proxy or load balancer dropping a kept-alive connection looks like. httplib2
(google-api-python-client's default transport) takes it for a stale connection and sends
the request again, whatever its method: a drafts.create becomes two drafts.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import create_draft, message, raw

CREATE = "gmail.users.drafts.create"


def test_httplib2_resends_the_post_and_makes_two_drafts(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault(CREATE, 0, count=1, after=True, mode="close")
    made = create_draft(gmail, message("Thank you", sender="candidate@example.com"))
    drafts = sandbox.drafts()
    assert len(drafts) == 2  # the real-world bug: one call from the client, two drafts
    assert {d["headers"]["Subject"] for d in drafts} == {"Thank you"}
    assert made["id"] in {d["id"] for d in drafts}
    creates = [r for r in sandbox.request_log() if r.method == CREATE]
    assert [(r.status, r.fault) for r in creates] == [(0, "close"), (200, "")]
    assert creates[0].body == creates[1].body  # the same request, sent twice


def _post(server: SandboxServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    body = json.dumps({"message": {"raw": raw(message("Hi"))}})
    conn.request(
        "POST",
        "/gmail/v1/users/me/drafts",
        body=body,
        headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
    )
    return conn


def test_plain_http_client_sees_a_clean_close(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.inject_fault(CREATE, 0, after=True, mode="close")
    conn = _post(server)
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    assert len(sandbox.drafts()) == 1


def test_reset_mode_is_not_a_clean_close(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.inject_fault(CREATE, 0, after=True)  # mode="reset", the default
    conn = _post(server)
    with pytest.raises(ConnectionResetError) as err:  # RemoteDisconnected is one too
        conn.getresponse()
    assert not isinstance(err.value, http.client.RemoteDisconnected)
    assert len(sandbox.drafts()) == 1


def test_close_before_the_work_and_over_the_control_surface(
    server: SandboxServer, client: SandboxClient
) -> None:
    client.inject_fault(CREATE, 0, mode="close")  # after=False: closed before the work
    conn = _post(server)
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    assert client.drafts() == []
    assert [r.fault for r in client.request_log()] == ["close"]


def test_mode_needs_status_zero(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="status 0"):
        sandbox.inject_fault(CREATE, 503, mode="close")
    with pytest.raises(ValueError, match="mode"):
        sandbox.inject_fault(CREATE, 0, mode="hangup")
