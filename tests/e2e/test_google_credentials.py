"""Google's credentials go only to Google: through the CLI, against the sandbox."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.e2e.helpers import one_line
from tests.e2e.world import World

GOOGLE_REFRESH = "1//0google-refresh-token"
GOOGLE_SECRET = "GOCSPX-the-real-client-secret"


def google_token(world: World) -> Path:
    """Put a token made for Google (expired: the next run would refresh it) in the home."""
    path = world.home / "token.json"
    path.write_text(json.dumps({
        "token": "ya29.google-access", "refresh_token": GOOGLE_REFRESH,
        "client_id": "123-abc.apps.googleusercontent.com", "client_secret": GOOGLE_SECRET,
        "token_uri": "https://oauth2.googleapis.com/token", "expiry": "2020-01-01T00:00:00Z",
        "scopes": ["https://www.googleapis.com/auth/gmail.compose",
                   "https://www.googleapis.com/auth/gmail.readonly",
                   "https://www.googleapis.com/auth/calendar.events.readonly"],
    }))
    path.chmod(0o600)
    return path


def test_a_google_token_never_goes_to_the_sandbox(world: World) -> None:
    path = google_token(world)
    for command in (["tick"], ["status"], ["auth", "status"]):
        world.cli(*command, expect=None)
    line = one_line(world.cli("tick", expect=None), 4)
    assert f"{path} is a Google token and followup sends it only to Google, not to " in line
    assert world.server.url in line and "FOLLOWUP_HOME set to another folder" in line
    doctor = world.cli("doctor", expect=4).output
    assert "is a Google token" in doctor
    assert world.sandbox.request_log() == [], "nothing reached the sandbox, not even a refresh"


def test_a_google_token_and_the_endpoint_in_the_environment(world: World) -> None:
    google_token(world)
    config = world.home / "config.toml"
    config.write_text(config.read_text().replace(f'endpoint = "{world.server.url}"', ""))
    proc = world.popen("tick", extra_env={"FOLLOWUP_GOOGLE_ENDPOINT": world.server.url})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, (out, err)
    assert err.count("\n") == 1 and "is a Google token" in err and GOOGLE_REFRESH not in err
    assert world.sandbox.request_log() == []


def test_a_sandbox_token_is_not_used_for_google_or_another_sandbox(world: World) -> None:
    config = world.home / "config.toml"
    text = config.read_text()
    config.write_text(text.replace(f'endpoint = "{world.server.url}"', ""))
    line = one_line(world.cli("tick", expect=None), 4)
    assert f"was made for {world.server.url}, not Google; run `followup auth`" in line
    config.write_text(text.replace(world.server.url, "http://localhost:1/"))
    line = one_line(world.cli("tick", expect=None), 4)
    assert f"was made for {world.server.url}, not http://localhost:1/" in line
    assert "`followup sandbox --write-token`" in line
    assert world.sandbox.request_log() == []


def test_auth_revoke_says_where(world: World) -> None:
    token = world.home / "token.json"
    result = world.cli("auth", "--revoke")
    assert result.output == (
        f"revoked followup's access at the sandbox at {world.server.url}revoke (not Google); "
        f"deleted {token}\n"
    )
    assert world.sandbox.counts() == {"oauth.revoke": 1}


def test_write_token_never_overwrites_a_google_token(world: World) -> None:
    path = google_token(world)
    before = path.read_text()
    line = one_line(world.cli("sandbox", "--write-token", "--port", "0", expect=None), 4)
    assert line == (
        f"followup: {path} holds a token that is not a sandbox's (a Google token is never "
        "overwritten); to try the sandbox, set FOLLOWUP_HOME to another folder"
    )
    assert path.read_text() == before


def test_write_token_replaces_an_old_sandbox_token(world: World) -> None:
    path = world.home / "token.json"
    old = json.loads(path.read_text())["token_uri"]
    proc = world.popen("sandbox", "--write-token", "--port", "0")
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[2] == f"wrote a sandbox token to {path}\n", lines
        url = lines[0].split(" at ")[1].split()[0]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert json.loads(path.read_text())["token_uri"] == url + "token" != old

