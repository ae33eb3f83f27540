"""Scopes per access token, the token endpoint granting what is asked, and granting more."""

from __future__ import annotations

import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import GMAIL, create_draft, message, reason, services

COMPOSE, READONLY = GMAIL + "compose", GMAIL + "readonly"


def test_two_tokens_two_scope_sets(server: SandboxServer, client: SandboxClient) -> None:
    client.set_token_scopes("writer", [COMPOSE, READONLY])
    client.set_token_scopes("reader", [READONLY])
    assert client.token_scopes("reader") == [READONLY]
    writer = services(server.url, Credentials(token="writer"))[0]
    reader = services(server.url, Credentials(token="reader"))[0]
    create_draft(writer, message("Thanks"))
    assert reader.users().messages().list(userId="me").execute()["resultSizeEstimate"] == 0
    with pytest.raises(HttpError) as err:
        create_draft(reader, message("Thanks"))
    assert err.value.resp.status == 403 and reason(err.value) == "insufficientPermissions"
    assert len(client.drafts()) == 1


def test_token_scopes_with_only_some_tokens_accepted(server, sandbox: Sandbox) -> None:
    sandbox.require_token("writer")
    sandbox.set_token_scopes("reader", [READONLY])  # accepted from now on, with its scopes
    reader = services(server.url, Credentials(token="reader"))[0]
    assert reader.users().getProfile(userId="me").execute()["emailAddress"]


def _refreshing(url: str, scopes: list[str]) -> Credentials:
    return Credentials(
        token=None,
        refresh_token="sandbox-refresh",
        token_uri=url + "token",
        client_id="cid",
        client_secret="secret",
        scopes=scopes,
    )


def test_refresh_grants_the_scopes_asked_for(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.require_token("nobody")
    creds = _refreshing(server.url, [READONLY])
    gmail = services(server.url, creds)[0]
    gmail.users().messages().list(userId="me").execute()
    assert sandbox.token_scopes(creds.token) == [READONLY]
    with pytest.raises(HttpError) as err:
        create_draft(gmail, message())
    assert reason(err.value) == "insufficientPermissions"


def test_refresh_cannot_widen_the_consent(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.set_scopes([READONLY])  # what the user consented to for sandbox-refresh
    gmail = services(server.url, _refreshing(server.url, [READONLY, COMPOSE]))[0]
    with pytest.raises(RefreshError, match="invalid_scope"):
        gmail.users().getProfile(userId="me").execute()


def _flow(url: str, scopes: list[str]) -> Flow:
    config = {
        "installed": {
            "client_id": "cid",
            "client_secret": "secret",
            "auth_uri": url + "_sandbox/oauth/auth",
            "token_uri": url + "token",
        }
    }
    return Flow.from_client_config(config, scopes=scopes, redirect_uri="http://localhost:9/")


def test_extra_granted_scopes_make_oauthlib_warn(
    server: SandboxServer, client: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    asked = [COMPOSE, READONLY]
    flow = _flow(server.url, asked)
    flow.fetch_token(code=client.issue_auth_code(asked))
    assert flow.credentials.token and client.token_scopes(flow.credentials.token) == asked

    client.set_extra_grant(["https://www.googleapis.com/auth/calendar.events.readonly"])
    flow = _flow(server.url, asked)
    with pytest.raises(Warning, match="Scope has changed"):
        flow.fetch_token(code=client.issue_auth_code(asked))
    client.set_extra_grant([])
