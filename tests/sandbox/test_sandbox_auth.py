"""The send trap, bearer tokens (401), scopes (403) and the OAuth token/revoke endpoints."""

from __future__ import annotations

import json

import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxServer
from tests.sandbox.helpers import (
    CAL,
    GMAIL,
    create_draft,
    error,
    info_reason,
    message,
    raw,
    reason,
    services,
)


def test_messages_send_is_refused_and_recorded(gmail, sandbox: Sandbox) -> None:
    with pytest.raises(HttpError) as err:
        gmail.users().messages().send(userId="me", body={"raw": raw(message())}).execute()
    assert err.value.resp.status == 403
    assert reason(err.value) == "forbidden"
    assert "sending is not allowed" in str(err.value)
    attempts = sandbox.send_attempts()
    assert [(a.method, a.verb, a.status) for a in attempts] == [
        ("gmail.users.messages.send", "POST", 403)
    ]
    assert attempts[0].body == {"raw": raw(message())}
    assert sandbox.messages() == []


def test_drafts_send_is_refused_and_the_draft_stays(gmail, sandbox: Sandbox) -> None:
    made = create_draft(gmail, message("Thanks"))
    with pytest.raises(HttpError) as err:
        gmail.users().drafts().send(userId="me", body={"id": made["id"]}).execute()
    assert err.value.resp.status == 403
    assert [a.method for a in sandbox.send_attempts()] == ["gmail.users.drafts.send"]
    assert [d["id"] for d in sandbox.drafts()] == [made["id"]]
    assert sandbox.messages() == []


def test_upload_send_path_is_refused(server: SandboxServer, sandbox: Sandbox) -> None:
    # googleapiclient keeps https for media uploads when api_endpoint is plain http, so this
    # request is made by hand, as the client would make it against an https sandbox.
    url = server.url + "upload/gmail/v1/users/me/messages/send?uploadType=media"
    headers = {"Authorization": "Bearer sandbox-token", "Content-Type": "message/rfc822"}
    response, body = httplib2.Http().request(url, "POST", body=bytes(message()), headers=headers)
    assert response.status == 403
    assert json.loads(body)["error"]["errors"][0]["reason"] == "forbidden"
    assert sandbox.send_attempts()[0].path == "/upload/gmail/v1/users/me/messages/send"
    assert sandbox.send_attempts()[0].method == "gmail.users.messages.send"


def test_send_is_refused_even_without_a_token(server: SandboxServer, sandbox: Sandbox) -> None:
    response, _ = httplib2.Http().request(
        server.url + "gmail/v1/users/me/drafts/send", "POST", body="{}"
    )
    assert response.status == 403
    assert len(sandbox.send_attempts()) == 1


def test_missing_token_is_401(server: SandboxServer) -> None:
    gmail = build(
        "gmail",
        "v1",
        http=httplib2.Http(),
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": server.url},
    )
    with pytest.raises(HttpError) as err:
        gmail.users().getProfile(userId="me").execute()
    assert err.value.resp.status == 401
    assert reason(err.value) == "required"  # Google's "Login Required."
    assert err.value.error_details[0]["reason"] == "CREDENTIALS_MISSING"


def test_required_token(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.require_token("the-right-one")
    url = server.url + "gmail/v1/users/me/profile"
    wrong, _ = httplib2.Http().request(url, headers={"Authorization": "Bearer sandbox-token"})
    assert wrong.status == 401
    assert "Bearer" in wrong["www-authenticate"]
    right, body = httplib2.Http().request(url, headers={"Authorization": "Bearer the-right-one"})
    assert right.status == 200 and json.loads(body)["emailAddress"] == "candidate@example.com"
    with pytest.raises(RefreshError):  # the client tries to refresh a token it cannot refresh
        services(server.url)[0].users().getProfile(userId="me").execute()


@pytest.mark.parametrize(
    ("scopes", "call", "status"),
    [
        ([GMAIL + "readonly"], lambda g, c: create_draft(g, message()), 403),
        ([GMAIL + "compose"], lambda g, c: g.users().messages().list(userId="me").execute(), 403),
        (
            [GMAIL + "compose"],
            lambda g, c: g.users().history().list(userId="me", startHistoryId="1000").execute(),
            403,
        ),
        ([GMAIL + "compose"], lambda g, c: g.users().drafts().list(userId="me").execute(), 200),
        (
            [GMAIL + "metadata"],
            lambda g, c: g.users().messages().list(userId="me", q="from:x").execute(),
            403,
        ),
        (
            [GMAIL + "metadata", GMAIL + "readonly"],
            lambda g, c: g.users().messages().list(userId="me", q="from:x").execute(),
            403,
        ),
        ([GMAIL + "metadata"], lambda g, c: g.users().messages().list(userId="me").execute(), 200),
        ([GMAIL + "modify"], lambda g, c: create_draft(g, message()), 200),
        (
            ["https://mail.google.com/"],
            lambda g, c: g.users().messages().list(userId="me", q="a").execute(),
            200,
        ),
        (
            [CAL + ".events.readonly"],
            lambda g, c: c.events().list(calendarId="primary").execute(),
            200,
        ),
        ([CAL + ".readonly"], lambda g, c: c.events().list(calendarId="primary").execute(), 200),
        ([GMAIL + "readonly"], lambda g, c: c.events().list(calendarId="primary").execute(), 403),
        (
            [CAL + ".events.readonly"],
            lambda g, c: (
                c.events()
                .insert(
                    calendarId="primary",
                    body={"start": {"date": "2026-03-03"}, "end": {"date": "2026-03-04"}},
                )
                .execute()
            ),
            403,
        ),
        (
            [CAL],
            lambda g, c: (
                c.events()
                .insert(
                    calendarId="primary",
                    body={"start": {"date": "2026-03-03"}, "end": {"date": "2026-03-04"}},
                )
                .execute()
            ),
            200,
        ),
    ],
)
def test_scopes(gmail, cal, sandbox: Sandbox, scopes, call, status: int) -> None:
    sandbox.set_scopes(scopes)
    if status == 200:
        call(gmail, cal)
        return
    with pytest.raises(HttpError) as err:
        call(gmail, cal)
    assert err.value.resp.status == status
    if scopes[0] == GMAIL + "metadata":  # Google: 403 forbidden "Metadata scope does not ..."
        assert reason(err.value) == "forbidden" and "details" not in error(err.value)
        return
    assert reason(err.value) == "insufficientPermissions"
    assert info_reason(err.value) == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_metadata_scope_refuses_full_format(gmail, sandbox: Sandbox) -> None:
    msg_id = sandbox.deliver(message())["id"]
    sandbox.set_scopes([GMAIL + "metadata"])
    with pytest.raises(HttpError) as err:
        gmail.users().messages().get(userId="me", id=msg_id).execute()
    assert err.value.resp.status == 403
    got = gmail.users().messages().get(userId="me", id=msg_id, format="metadata").execute()
    assert got["id"] == msg_id


def _refreshing_credentials(url: str, refresh_token: str = "sandbox-refresh") -> Credentials:
    return Credentials(
        token="stale",
        refresh_token=refresh_token,
        token_uri=url + "_sandbox/oauth/token",
        client_id="client",
        client_secret="secret",
    )


def test_refresh_grant_gives_a_token_the_api_accepts(
    server: SandboxServer, sandbox: Sandbox
) -> None:
    sandbox.require_token("only-this")
    creds = _refreshing_credentials(server.url)
    gmail = services(server.url, creds)[0]
    assert (
        gmail.users().getProfile(userId="me").execute()["emailAddress"] == "candidate@example.com"
    )
    assert creds.token.startswith("sbx-at-")
    assert [r.method for r in sandbox.request_log()] == [
        "gmail.users.getProfile",
        "oauth.token",
        "gmail.users.getProfile",
    ]
    assert "client_secret" not in sandbox.request_log()[1].query


def test_invalid_refresh_token(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.require_token("only-this")
    gmail = services(server.url, _refreshing_credentials(server.url, "revoked-one"))[0]
    with pytest.raises(RefreshError, match="invalid_grant"):
        gmail.users().getProfile(userId="me").execute()


def test_authorization_code_and_revoke(server: SandboxServer, sandbox: Sandbox) -> None:
    http = httplib2.Http()
    code = sandbox.issue_auth_code()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    resp, body = http.request(
        server.url + "_sandbox/oauth/token",
        "POST",
        body=f"grant_type=authorization_code&code={code}",
        headers=form,
    )
    granted = json.loads(body)
    assert resp.status == 200
    assert granted["token_type"] == "Bearer" and granted["expires_in"] == 3600
    assert granted["scope"].split() == sandbox.scopes()
    again, _ = http.request(
        server.url + "_sandbox/oauth/token",
        "POST",
        body=f"grant_type=authorization_code&code={code}",
        headers=form,
    )
    assert again.status == 400
    refresh = f"grant_type=refresh_token&refresh_token={granted['refresh_token']}"
    ok, _ = http.request(server.url + "_sandbox/oauth/token", "POST", body=refresh, headers=form)
    assert ok.status == 200
    revoked, _ = http.request(
        server.url + f"_sandbox/oauth/revoke?token={granted['refresh_token']}", "POST"
    )
    assert revoked.status == 200
    denied, denied_body = http.request(
        server.url + "_sandbox/oauth/token", "POST", body=refresh, headers=form
    )
    assert denied.status == 400
    assert json.loads(denied_body) == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    resp, _ = http.request(
        server.url + "gmail/v1/users/me/profile",
        headers={"Authorization": f"Bearer {granted['access_token']}"},
    )
    assert resp.status == 200
    http.request(server.url + f"_sandbox/oauth/revoke?token={granted['access_token']}", "POST")
    resp, _ = http.request(
        server.url + "gmail/v1/users/me/profile",
        headers={"Authorization": f"Bearer {granted['access_token']}"},
    )
    assert resp.status == 401
