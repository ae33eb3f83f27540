"""The token over weeks: refreshed at the token endpoint and re-saved, refused once, revoked."""

from __future__ import annotations

import json
import stat

from tests.e2e.world import World


def expire_access_token(world: World) -> dict:
    """Make the saved access token look expired, as it is an hour after `followup auth`."""
    path = world.home / "token.json"
    info = json.loads(path.read_text())
    info["expiry"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(info))
    path.chmod(0o600)
    return info


def test_expired_access_token_is_refreshed_and_saved_again(world: World) -> None:
    before = expire_access_token(world)
    world.tick()
    assert world.sandbox.counts().get("oauth.token") == 1
    path = world.home / "token.json"
    after = json.loads(path.read_text())
    assert after["token"] != before["token"]
    assert after["expiry"] > "2026"
    assert after["refresh_token"] == before["refresh_token"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    world.tick()
    assert world.sandbox.counts().get("oauth.token") == 1, "a fresh token is not refreshed again"


def test_revoked_grant_stops_with_one_line_and_no_retry_loop(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=world.now.replace(hour=14))
    world.tick()
    steps_before = world.status_json()
    expire_access_token(world)
    world.sandbox.oauth_revoke("sandbox-refresh")
    result = world.cli("tick", expect=4)
    assert result.output.count("\n") == 1
    assert "run `followup auth`" in result.output
    assert "sandbox-refresh" not in result.output
    assert world.sandbox.counts().get("oauth.token") == 1, "invalid_grant is never retried"
    after = world.status_json()
    assert steps_before.pop("problem") is None and "followup auth" in after.pop("problem")
    assert after == steps_before, "state intact"


def test_auth_revoke_revokes_at_the_endpoint_and_deletes_the_file(world: World) -> None:
    result = world.cli("auth", "--revoke")
    assert not (world.home / "token.json").exists()
    assert world.sandbox.counts().get("oauth.revoke") == 1
    assert result.output.strip()
    world.cli("tick", expect=4)


def test_the_sandbox_keeps_no_secret_of_a_refresh(world: World) -> None:
    expire_access_token(world)
    world.tick()
    fresh = json.loads((world.home / "token.json").read_text())["token"]
    log = world.sandbox.request_log()
    [refresh] = [r.query for r in log if r.method == "oauth.token"]
    assert set(refresh) == {"grant_type", "client_id", "scope"}  # the secrets left out
    text = json.dumps([r.to_dict() for r in log])
    for secret in ("sandbox-refresh", "sandbox-secret", fresh):
        assert secret not in text
