"""The sandbox answers its controls only to this machine, and keeps no secret in its log."""

from __future__ import annotations

import http.client
import json
import logging

import pytest
from google.oauth2.credentials import Credentials

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import USER, services


def _ask(server: SandboxServer, path: str, host: str | None, verb: str = "GET") -> int:
    """One request with this Host header (None: none at all); the status."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest(verb, path, skip_host=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.putheader("Content-Length", "0")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status == 403:
        assert "is not this machine" in json.loads(body)["error"]["message"]
    return response.status


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_controls_answer_this_machine(server: SandboxServer, name: str) -> None:
    assert _ask(server, "/_sandbox/health", f"{name}:{server.port}") == 200


@pytest.mark.parametrize(
    ("path", "verb"),
    [("/_sandbox/health", "GET"), ("/_sandbox/messages", "GET"), ("/_sandbox/log/clear", "POST"),
     ("/token", "POST"), ("/_sandbox/oauth/revoke", "POST")],
)
@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", None,
                                  "localhost", "127.0.0.1:{port}.evil.example"])
def test_controls_refuse_another_host(
    server: SandboxServer, sandbox: Sandbox, path: str, verb: str, host: str | None
) -> None:
    """A page on another site that rebinds its name to 127.0.0.1 sends its own Host: 403."""
    assert _ask(server, path, None if host is None else host.format(port=server.port), verb) == 403
    assert sandbox.request_log() == []  # the token endpoint was not reached either


def test_the_api_itself_is_served_whatever_the_host(server: SandboxServer) -> None:
    """Google's API does not look at Host; nor does the sandbox's (tokens guard it)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/gmail/v1/users/me/profile",
                 headers={"Host": "gmail.googleapis.com", "Authorization": "Bearer t"})
    assert json.loads(conn.getresponse().read())["emailAddress"] == USER
    conn.close()


def test_no_secret_reaches_the_log(
    server: SandboxServer, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="agent.sandbox")
    secrets = ["sandbox-refresh", "very-secret-client", "sbx-code-", "sbx-at-", "qs-access"]
    code = sandbox.issue_auth_code()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/token", f"grant_type=authorization_code&code={code}"
                 "&client_id=cid&client_secret=very-secret-client&code_verifier=pkce-secret",
                 headers=form)
    granted = json.loads(conn.getresponse().read())
    conn.request("POST", f"/revoke?token={granted['access_token']}", headers=form)
    conn.getresponse().read()
    conn.request("GET", "/gmail/v1/users/me/profile?access_token=qs-access",
                 headers={"Authorization": "Bearer sandbox-token"})
    conn.getresponse().read()
    conn.close()
    creds = Credentials(token="stale", refresh_token="sandbox-refresh",
                        token_uri=server.url + "token", client_id="cid",
                        client_secret="very-secret-client")
    sandbox.require_token("only-this")
    services(server.url, creds)[0].users().getProfile(userId="me").execute()  # 401, refresh
    log = json.dumps([r.to_dict() for r in sandbox.request_log()])
    methods = [r.method for r in sandbox.request_log()]
    assert methods == ["oauth.token", "oauth.revoke", "gmail.users.getProfile",
                       "gmail.users.getProfile", "oauth.token", "gmail.users.getProfile"]
    assert sandbox.request_log()[0].query == {"grant_type": "authorization_code",
                                              "client_id": "cid"}
    assert sandbox.request_log()[4].query == {"grant_type": "refresh_token", "client_id": "cid"}
    for secret in [*secrets, code, "pkce-secret", granted["access_token"], creds.token]:
        assert secret not in log, secret
        assert secret not in caplog.text, secret
    assert "POST /revoke" in caplog.text  # the access log is there, without its query


def test_client_and_server_agree_on_the_url(server: SandboxServer) -> None:
    assert SandboxClient(server.url).health()
    assert server.url == f"http://127.0.0.1:{server.port}/"
