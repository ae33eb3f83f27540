"""The X-Followup-Key header: opaque, keyed by a secret file beside state.db, recomputable."""

from __future__ import annotations

import email
import email.policy
import re
import stat

from agent.core.headers import draft_key_value
from tests.e2e.helpers import at
from tests.e2e.world import World


def test_key_header_is_opaque_and_recomputable_from_the_secret_alone(world: World) -> None:
    event = world.add_interview(
        summary="Interview with Initrode", start=at(30, 14),
        interviewers=(("Bob Slydell", "bob@initrode.example"),),
    )
    secret_file = world.home / "draft-keys.secret"
    world.cli("tick", "--dry-run")
    assert not secret_file.exists(), "a dry run writes nothing"
    world.tick(at(30, 19))
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    [draft] = world.drafts()
    message = email.message_from_bytes(draft["raw"], policy=email.policy.default)
    value = str(message["X-Followup-Key"])
    assert re.fullmatch(r"k1[a-z2-7]{32}", value), value
    # The pattern already rules out '@', '#', '/' and '_'; a word checked below must be long
    # enough that a random base32 value cannot hold it by chance ('bob' did, 1 time in 1,200).
    for revealing in ("primary", event["id"], "thank", "slydell", "initrode"):
        assert revealing.lower() not in value.lower()
    secret_hex = secret_file.read_text().strip()
    assert secret_hex.encode() not in (world.home / "state.db").read_bytes()
    # state.db lost: the key still follows from the secret file and the calendar alone
    (world.home / "state.db").unlink()
    secret = bytes.fromhex(secret_hex)
    key = f"primary/{event['id']}"
    assert draft_key_value(secret, key, "thank_you", "bob@initrode.example") == value


def test_a_damaged_secret_file_stops_the_tick_with_what_to_do(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    (world.home / "draft-keys.secret").write_text("not hex\n")
    result = world.cli("tick", expect=7)
    assert "draft-keys.secret" in result.output
    assert "delete it" in result.output


def test_a_lost_state_db_is_rebuilt_without_a_second_draft(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    (world.home / "state.db").unlink()
    world.tick(at(30, 19, 30))
    assert [d["id"] for d in world.drafts()] == [draft["id"]], "recognised by its key"
    [row] = [s for s in world.interview("Acme")["steps"] if s["step"] == "thank_you"]
    assert (row["state"], row["draft_id"]) == ("drafted", draft["id"])
    world.tick(at(1, 16, 30, month=12))
    assert len(world.drafts()) == 1, "and the check-in waits for it, as before"
