"""agent.google.auth: the token file; the flow, refresh and revoke against tests/fake_oauth.py."""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import stat
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.oauth2.credentials import Credentials

from agent.core.errors import AuthError, GoogleUnavailable
from agent.files.paths import write_private
from agent.google.auth import (
    CALENDAR_EVENTS,
    CALENDAR_EVENTS_READONLY,
    GMAIL_COMPOSE,
    GMAIL_READONLY,
    REFUSED,
    fresh_credentials,
    load_credentials,
    read_token_info,
    required_scopes,
    revoke,
    revoke_uri_of,
    save_token,
    scope_list,
    token_json,
)
from agent.google.consent import run_auth_flow
from tests.google.fake_oauth import CLIENT_ID, FakeOAuth, pkce_challenge

BASE = required_scopes(reminders_enabled=False)
EXPIRY = datetime(2030, 1, 1, 12, 0)  # naive UTC, as google-auth keeps it
EXPIRY_UTC = EXPIRY.replace(tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeOAuth]:
    server = FakeOAuth().start()
    yield server
    server.stop()


@pytest.fixture
def insecure_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """oauthlib refuses plain-http token endpoints unless told this is a test."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_token(
    path: Path, fake: FakeOAuth, scopes: tuple[str, ...] = BASE, token_uri: str = ""
) -> str:
    """A saved token made at the fake (or at token_uri) whose refresh token the fake knows;
    returns the refresh token."""
    refresh = fake.issue_refresh_token(scopes)
    save_token(
        path,
        Credentials(
            "ya29.old-access", refresh_token=refresh, token_uri=token_uri or fake.token_uri,
            client_id=fake.client_id, client_secret=fake.client_secret,
            scopes=list(scopes), expiry=EXPIRY,
        ),
    )
    return refresh


def write_client_secret(path: Path, fake: FakeOAuth) -> Path:
    path.write_text(json.dumps(fake.client_secret_json()))
    return path


class FlowRun:
    """run_auth_flow in a thread, its printed lines in a queue."""

    def __init__(self, secret: Path, token: Path, scopes: tuple[str, ...], port: int) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.result: dict[str, Any] = {}
        self.thread = threading.Thread(
            target=self._run, args=(secret, token, scopes, port), daemon=True
        )
        self.thread.start()

    def _run(self, secret: Path, token: Path, scopes: tuple[str, ...], port: int) -> None:
        try:
            self.result["creds"] = run_auth_flow(
                secret, token, scopes, open_browser=False, port=port,
                print_fn=self.lines.put, timeout_seconds=10,
            )
        except Exception as exc:
            self.result["error"] = exc

    def url(self) -> str:
        """The consent URL the flow printed."""
        while True:
            line = self.lines.get(timeout=5)
            if line.startswith("http"):
                return line

    def printed(self) -> list[str]:
        return list(self.lines.queue)

    def finish(self) -> Any:
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
        if "error" in self.result:
            raise self.result["error"]
        return self.result["creds"]


def browser_redirect(url: str, **params: str) -> int:
    """Do the browser's part: come back to the flow's redirect_uri."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    redirect = query["redirect_uri"][0]
    back = {**params, "state": query["state"][0]}
    with urllib.request.urlopen(f"{redirect}?{urllib.parse.urlencode(back)}", timeout=5) as resp:
        return int(resp.status)


def test_required_scopes_are_least_privilege() -> None:
    assert required_scopes(False) == (GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_EVENTS_READONLY)
    assert required_scopes(True) == (
        GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_EVENTS_READONLY, CALENDAR_EVENTS,
    )
    assert GMAIL_COMPOSE == "https://www.googleapis.com/auth/gmail.compose"
    assert CALENDAR_EVENTS == "https://www.googleapis.com/auth/calendar.events"


def test_full_flow_without_browser(tmp_path: Path, fake: FakeOAuth, insecure_ok: None) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    token = tmp_path / "home" / "token.json"
    port = free_port()
    run = FlowRun(secret, token, BASE, port)
    url = run.url()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert url.startswith(fake.base_url + "/auth?")
    assert query["redirect_uri"] == [f"http://localhost:{port}/"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split() == list(BASE)
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    fake.add_code("abc", BASE)

    assert browser_redirect(url, code="abc") == 200
    creds = run.finish()

    assert creds.refresh_token.startswith("1//fake-refresh-")
    assert creds.token_path == token
    assert mode(token) == 0o600
    assert mode(token.parent) == 0o700
    saved = json.loads(token.read_text())
    assert saved["scopes"] == list(BASE)
    assert saved["refresh_token"] == creds.refresh_token
    exchange = [r for r in fake.requests if r.form.get("grant_type") == "authorization_code"]
    assert len(exchange) == 1
    assert exchange[0].form["code"] == "abc"
    assert exchange[0].form["redirect_uri"] == f"http://localhost:{port}/"
    assert pkce_challenge(exchange[0].form["code_verifier"]) == query["code_challenge"][0]
    printed = "\n".join(run.printed())
    assert f"ssh -L {port}:localhost:{port} user@this-host" in printed
    assert f"Saved the token to {token}" in printed
    loaded = load_credentials(token, BASE, endpoint=fake.base_url)
    assert loaded.refresh_token == creds.refresh_token


def test_flow_refused_consent_is_an_auth_error(
    tmp_path: Path, fake: FakeOAuth, insecure_ok: None
) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    token = tmp_path / "token.json"
    run = FlowRun(secret, token, BASE, free_port())
    browser_redirect(run.url(), error="access_denied")
    with pytest.raises(AuthError, match=r"did not grant access \(access_denied\)"):
        run.finish()
    assert not token.exists()
    assert fake.count("/token") == 0


def test_flow_with_an_unticked_scope_is_refused(
    tmp_path: Path, fake: FakeOAuth, insecure_ok: None
) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    token = tmp_path / "token.json"
    wanted = required_scopes(True)
    run = FlowRun(secret, token, wanted, free_port())
    fake.add_code("abc", BASE)  # the user left the calendar write box unticked
    browser_redirect(run.url(), code="abc")
    with pytest.raises(AuthError) as err:
        run.finish()
    assert str(err.value) == (
        "the token lacks calendar.events (reminders are on); run `followup auth` again"
    )
    assert not token.exists()


def test_flow_granted_more_than_asked_is_accepted(
    tmp_path: Path, fake: FakeOAuth, insecure_ok: None
) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    token = tmp_path / "token.json"
    run = FlowRun(secret, token, BASE, free_port())
    granted = (*BASE, CALENDAR_EVENTS, "openid")  # Google adds scopes granted before
    fake.add_code("abc", granted)
    browser_redirect(run.url(), code="abc")
    creds = run.finish()
    assert set(BASE) <= set(creds.granted_scopes)
    saved = json.loads(token.read_text())
    assert set(saved["scopes"]) == set(granted)
    assert mode(token) == 0o600
    assert load_credentials(token, BASE, endpoint=fake.base_url).refresh_token == (
        creds.refresh_token
    )


def test_flow_granted_other_scopes_names_the_missing_one(
    tmp_path: Path, fake: FakeOAuth, insecure_ok: None
) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    token = tmp_path / "token.json"
    run = FlowRun(secret, token, BASE, free_port())
    fake.add_code("abc", (GMAIL_COMPOSE, CALENDAR_EVENTS_READONLY, "openid"))
    browser_redirect(run.url(), code="abc")
    with pytest.raises(AuthError) as err:
        run.finish()
    assert str(err.value) == "the token lacks gmail.readonly; run `followup auth` again"
    assert not token.exists()


def test_flow_gives_up_when_the_browser_never_comes_back(
    tmp_path: Path, fake: FakeOAuth, insecure_ok: None
) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    printed: list[str] = []
    with pytest.raises(AuthError, match="no answer from the browser in time"):
        run_auth_flow(secret, tmp_path / "token.json", BASE, open_browser=False,
                      port=free_port(), print_fn=printed.append, timeout_seconds=0.2)
    assert any(line.startswith(fake.base_url + "/auth?") for line in printed)
    assert not (tmp_path / "token.json").exists()


def test_flow_on_a_busy_port_says_so(tmp_path: Path, fake: FakeOAuth) -> None:
    secret = write_client_secret(tmp_path / "client_secret.json", fake)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(AuthError, match=f"cannot listen on port {port}"):
            run_auth_flow(secret, tmp_path / "token.json", BASE, open_browser=False,
                          port=port, print_fn=lambda line: None, timeout_seconds=1)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no OAuth client file at"),
        ("{nope", "cannot read"),
        ('{"web": {"client_id": "x"}}', "is a Web application client"),
        ('{"installed": {"client_id": "x"}}', "is not a Desktop OAuth client file"),
    ],
)
def test_flow_explains_how_to_make_the_client_file(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    secret = tmp_path / "client_secret.json"
    if content is not None:
        secret.write_text(content)
    with pytest.raises(AuthError) as err:
        run_auth_flow(secret, tmp_path / "t.json", BASE, open_browser=False, port=0,
                      print_fn=lambda line: None)
    message = str(err.value)
    assert expected in message
    assert "APIs & Services > Credentials > Create credentials > OAuth client ID > Desktop app" in (
        message
    )
    if content is None:
        assert f"save it as {secret}" in message
    else:  # the file there is the wrong one: pass the right one, don't "save it as" this one
        assert "save it as" not in message and "--client-secret" in message


def test_load_missing_token(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with pytest.raises(AuthError, match="run `followup auth` first") as err:
        load_credentials(path, BASE)
    assert str(path) in str(err.value)


def test_load_refuses_group_readable_token(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake)
    path.chmod(0o640)
    with pytest.raises(AuthError, match=f"chmod 600 {path}"):
        load_credentials(path, BASE, endpoint=fake.base_url)


def test_load_refuses_token_without_client_secret(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake)
    data = json.loads(path.read_text())
    del data["client_secret"]
    path.write_text(json.dumps(data))
    with pytest.raises(AuthError, match="lacks client_secret; run `followup auth` again"):
        load_credentials(path, BASE, endpoint=fake.base_url)


def test_load_refuses_token_missing_a_newly_required_scope(
    tmp_path: Path, fake: FakeOAuth
) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake, BASE)
    assert load_credentials(path, BASE, endpoint=fake.base_url).scopes == list(BASE)
    with pytest.raises(AuthError) as err:
        load_credentials(path, required_scopes(True), endpoint=fake.base_url)
    assert str(err.value) == (
        "the token lacks calendar.events (reminders are on); run `followup auth` again"
    )


def test_load_keeps_extra_recorded_scopes(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake, required_scopes(True))
    creds = load_credentials(path, BASE, endpoint=fake.base_url)
    assert creds.scopes == list(required_scopes(True))
    assert creds.token_uri == fake.token_uri
    assert creds.token_path == path


def test_fresh_credentials_refreshes_near_expiry_and_resaves(
    tmp_path: Path, fake: FakeOAuth
) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake)
    before = path.read_text()

    kept = fresh_credentials(path, BASE, endpoint=fake.base_url,
                             now=EXPIRY_UTC - timedelta(hours=1))
    assert kept.token == "ya29.old-access"
    assert fake.count("/token") == 0
    assert path.read_text() == before

    creds = fresh_credentials(path, BASE, endpoint=fake.base_url,
                              now=EXPIRY_UTC - timedelta(minutes=2))
    assert fake.count("/token", "refresh_token") == 1
    assert creds.token.startswith("ya29.fake-access-")
    after = path.read_text()
    assert after != before
    assert json.loads(after)["token"] == creds.token
    assert json.loads(after)["refresh_token"] == json.loads(before)["refresh_token"]
    assert mode(path) == 0o600


def test_refresh_inside_an_api_call_resaves_the_file(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake)
    creds = load_credentials(path, BASE, endpoint=fake.base_url)
    creds.expiry = datetime(2000, 1, 1)  # expired: the transport refreshes before the call
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=5))
    response, _ = http.request(fake.base_url + "/ping")
    assert response.status == 200
    assert fake.count("/token", "refresh_token") == 1
    assert json.loads(path.read_text())["token"] == creds.token
    assert creds.token in fake.access_tokens


def test_revoked_refresh_token_fails_once_without_leaking(
    tmp_path: Path, fake: FakeOAuth, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "token.json"
    refresh = write_token(path, fake)
    fake.revoked.add(refresh)
    before = path.read_text()
    with pytest.raises(AuthError) as err:
        fresh_credentials(path, BASE, endpoint=fake.base_url,
                          now=EXPIRY_UTC + timedelta(days=1))
    assert str(err.value) == REFUSED
    assert "run `followup auth`" in str(err.value)
    assert err.value.exit_code == 4
    assert fake.count("/token") == 1  # never retried
    assert path.read_text() == before
    assert refresh not in caplog.text
    assert "ya29.old-access" not in caplog.text
    assert refresh not in str(err.value)


def test_revoked_token_inside_an_api_call_is_an_auth_error(
    tmp_path: Path, fake: FakeOAuth
) -> None:
    path = tmp_path / "token.json"
    fake.revoked.add(write_token(path, fake))
    creds = load_credentials(path, BASE, endpoint=fake.base_url)
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=5))
    with pytest.raises(AuthError, match="expired or revoked"):
        http.request(fake.base_url + "/ping")
    assert fake.count("/token") == 1
    assert fake.count("/ping") == 1  # the old access token got a 401, then the refresh failed


def test_unreachable_token_endpoint_is_google_unavailable(
    tmp_path: Path, fake: FakeOAuth
) -> None:
    path = tmp_path / "token.json"
    dead = f"http://127.0.0.1:{free_port()}"
    write_token(path, fake, token_uri=dead + "/token")
    before = path.read_text()
    with pytest.raises(GoogleUnavailable, match="check the network"):
        fresh_credentials(path, BASE, endpoint=dead, now=EXPIRY_UTC + timedelta(days=1))
    assert path.read_text() == before


def test_revoke_hits_the_endpoint_and_deletes(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    refresh = write_token(path, fake)
    result = revoke(path)
    assert (result.revoked, result.deleted) == (True, True)
    assert "revoked" in result.message
    assert not path.exists()
    assert fake.count("/revoke") == 1
    assert [r.form for r in fake.requests if r.path == "/revoke"] == [{"token": refresh}]
    assert refresh in fake.revoked


def test_revoke_deletes_an_already_invalid_token(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    fake.revoked.add(write_token(path, fake))
    result = revoke(path)
    assert (result.revoked, result.deleted) == (False, True)
    assert "already invalid (HTTP 400)" in result.message
    assert not path.exists()
    assert fake.count("/revoke") == 1


def test_revoke_without_a_token_or_network(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    assert revoke(path).message.startswith("no token at")
    write_token(path, fake, token_uri=f"http://127.0.0.1:{free_port()}/token")
    with pytest.raises(GoogleUnavailable, match="is kept"):
        revoke(path, timeout=2)
    assert path.exists()
    assert fake.count("/revoke") == 0


def google_token(path: Path, **extra: Any) -> str:
    """A token file made for Google (its token_uri is Google's); returns its refresh token."""
    refresh = "1//google-refresh-token"
    info = {"token": "ya29.google-access", "refresh_token": refresh, "client_id": CLIENT_ID,
            "client_secret": "GOCSPX-real-secret", "scopes": list(BASE),
            "token_uri": "https://oauth2.googleapis.com/token", "expiry": "2020-01-01T00:00:00Z"}
    path.write_text(json.dumps({**info, **extra}))
    path.chmod(0o600)
    return refresh


@pytest.mark.parametrize(
    "endpoint", ["", "https://www.googleapis.com/", "https://gmail.googleapis.com"]
)
def test_a_google_token_is_used_for_google(tmp_path: Path, endpoint: str) -> None:
    path = tmp_path / "token.json"
    google_token(path)
    creds = load_credentials(path, BASE, endpoint=endpoint)
    assert creds.token_uri == "https://oauth2.googleapis.com/token"
    google_token(path, token_uri=None)  # no token_uri: google-auth's default, Google's
    assert load_credentials(path, BASE, endpoint=endpoint).token_uri.startswith("https://oauth2.")


def test_a_google_token_is_never_sent_to_another_endpoint(
    tmp_path: Path, fake: FakeOAuth
) -> None:
    path = tmp_path / "token.json"
    google_token(path)  # expired: a load that went on would refresh at once
    before = path.read_text()
    with pytest.raises(AuthError) as err:
        fresh_credentials(path, BASE, endpoint=fake.base_url, now=EXPIRY_UTC)
    assert str(err.value) == (
        f"{path} is a Google token and followup sends it only to Google, not to "
        f"{fake.base_url}; unset FOLLOWUP_GOOGLE_ENDPOINT ([google] endpoint), or use a token "
        "made for that endpoint (`followup sandbox --write-token` with FOLLOWUP_HOME set to "
        "another folder)"
    )
    assert err.value.exit_code == 4
    assert fake.requests == [] and path.read_text() == before


def test_a_token_made_elsewhere_is_used_only_there(tmp_path: Path, fake: FakeOAuth) -> None:
    path = tmp_path / "token.json"
    write_token(path, fake)
    made = fake.base_url + "/"
    with pytest.raises(AuthError) as err:
        load_credentials(path, BASE)
    assert str(err.value) == (
        f"{path} was made for {made}, not Google; run `followup auth`, or set "
        f"FOLLOWUP_GOOGLE_ENDPOINT={made} to use it there"
    )
    other = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(AuthError) as err:
        load_credentials(path, BASE, endpoint=other)
    assert str(err.value) == (
        f"{path} was made for {made}, not {other}; write one for it with `followup sandbox "
        f"--write-token`, or set FOLLOWUP_GOOGLE_ENDPOINT={made}"
    )
    assert load_credentials(path, BASE, endpoint=made).token_uri == fake.token_uri
    assert fake.requests == []


def test_revoke_goes_where_the_token_was_made(tmp_path: Path, fake: FakeOAuth) -> None:
    assert revoke_uri_of({}) == "https://oauth2.googleapis.com/revoke"
    assert revoke_uri_of({"token_uri": "https://oauth2.googleapis.com/token"}) == (
        "https://oauth2.googleapis.com/revoke"
    )
    assert revoke_uri_of({"token_uri": "http://127.0.0.1:9/_sandbox/oauth/token"}) == (
        "http://127.0.0.1:9/_sandbox/oauth/revoke"
    )
    path = tmp_path / "token.json"
    write_token(path, fake)
    assert revoke(path).message == (
        f"revoked followup's access at the sandbox at {fake.revoke_uri} (not Google); "
        f"deleted {path}"
    )


# --- the token file ------------------------------------------------------------------------------

SCOPES = ["https://www.googleapis.com/auth/gmail.compose", "https://www.googleapis.com/auth/x"]


def creds(token: str = "ya29.a", granted: list[str] | None = None) -> Credentials:
    """Real google-auth credentials with fixed values."""
    return Credentials(
        token,
        refresh_token="1//r",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="cid",
        client_secret="csecret",
        scopes=SCOPES,
        granted_scopes=granted,
        expiry=datetime(2030, 1, 1, 12, 0),
    )


def test_save_token_creates_private_folder_and_file(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "followup" / "token.json"
    old_umask = os.umask(0)  # the most permissive umask must not widen anything
    try:
        save_token(path, creds())
    finally:
        os.umask(old_umask)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    data = json.loads(path.read_text())
    assert data["token"] == "ya29.a"
    assert data["refresh_token"] == "1//r"
    assert data["client_id"] == "cid"
    assert data["scopes"] == SCOPES
    assert data["expiry"] == "2030-01-01T12:00:00Z"
    assert sorted(p.name for p in path.parent.iterdir()) == ["token.json"]


def test_save_token_replaces_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    save_token(path, creds("ya29.first"))
    first_inode = path.stat().st_ino
    save_token(path, creds("ya29.second"))
    assert json.loads(path.read_text())["token"] == "ya29.second"
    assert path.stat().st_ino != first_inode  # a new file renamed over the old one
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["token.json"]


def test_write_private_tightens_an_inherited_wide_file(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_private(path, '{"a": 1}')
    assert mode(path) == 0o600
    assert path.read_text() == '{"a": 1}'


def test_token_json_records_granted_scopes_when_known() -> None:
    granted = [SCOPES[0]]
    assert json.loads(token_json(creds(granted=granted)))["scopes"] == granted
    assert json.loads(token_json(creds()))["scopes"] == SCOPES


def test_scope_list_accepts_string_list_and_none() -> None:
    assert scope_list("a b") == ["a", "b"]
    assert scope_list(("a",)) == ["a"]
    assert scope_list(None) == []


def test_read_missing_file_says_run_auth_first(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert str(err.value) == f"no token at {path}; run `followup auth` first"
    assert err.value.exit_code == 4


@pytest.mark.parametrize("wide", [0o640, 0o604, 0o660])
def test_read_refuses_file_open_to_others(tmp_path: Path, wide: int) -> None:
    path = tmp_path / "token.json"
    save_token(path, creds())
    path.chmod(wide)
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert f"chmod 600 {path}" in str(err.value)
    assert f"{wide:o}" in str(err.value)
    assert read_token_info(path, require_private=False)["client_id"] == "cid"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "bad JSON"),
        ("[1, 2]", "bad JSON"),
        ('{"refresh_token": "r", "client_id": "c"}', "lacks client_secret"),
        ('{"client_id": "c", "client_secret": "s", "refresh_token": ""}', "lacks refresh_token"),
    ],
)
def test_read_refuses_garbage(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "token.json"
    write_private(path, content)
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert expected in str(err.value)
    assert "run `followup auth` again" in str(err.value)
