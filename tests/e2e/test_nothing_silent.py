"""Nothing silent: a pass that fails is recorded, and status, agenda, doctor and the board start
with one line saying since when, why and what to do (the daemon's side: test_daemon_e2e.py)."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from agent.cli.sandbox import SANDBOX_REFRESH_TOKEN, write_sandbox_token
from tests.e2e.world import NY, World

REFUSED = "Google refused the saved token (expired or revoked); run `followup auth`"


def at(hour: int, minute: int = 0) -> datetime:
    """Monday 2026-11-30 at a time, New York."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=NY)


def first_line(world: World, *args: str, expect: int | None = 0) -> str:
    """The first line `followup ARGS` prints."""
    return world.cli(*args, expect=expect).output.splitlines()[0]


def board(world: World) -> str:
    """`followup board`'s page."""
    return Path(world.cli("board").output.strip()).read_text(encoding="utf-8")


def test_a_revoked_grant_is_recorded_and_every_view_starts_with_what_to_do(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(14))
    world.tick(at(9))
    world.sandbox.revoke_grants()  # the candidate changed their Google password
    world.at(at(9, 30))
    assert world.cli("tick", expect=4).output == f"followup: {REFUSED}\n"
    world.at(at(9, 45))
    world.cli("tick", expect=4)
    line = f"followup has not worked since Mon 2026-11-30 09:30: {REFUSED}"
    status = world.cli("status").output.splitlines()
    assert status[0] == line
    assert status[-1] == "Last successful pass: Mon 2026-11-30 09:00."
    assert first_line(world, "agenda") == line
    assert first_line(world, "doctor", expect=None) == line
    doc = world.status_json()
    assert (doc["problem"], doc["last_success"]) == (line, "2026-11-30T09:00:00-05:00")
    assert f'<div role="alert">{html.escape(line)}</div>' in board(world)

    world.sandbox.add_refresh_token(SANDBOX_REFRESH_TOKEN)  # `followup auth` again
    write_sandbox_token(world.home / "token.json", world.server.url, reminders=False)
    world.tick(at(10))
    status = world.cli("status").output.splitlines()
    assert not status[0].startswith("followup has not")
    assert status[-1] == "Last successful pass: Mon 2026-11-30 10:00."
    assert not first_line(world, "agenda").startswith("followup has not")
    assert world.status_json()["problem"] is None
    assert 'role="alert"' not in board(world)


def test_network_trouble_or_no_pass_at_all_for_an_hour_shows_the_line(world: World) -> None:
    world.tick(at(9))
    world.sandbox.inject_fault("*", 0, count=None)  # the network is down
    world.at(at(9, 30))
    world.cli("tick", expect=5)
    assert world.status_json()["problem"] is None, "network trouble retries by itself"
    world.at(at(10, 29))
    world.cli("tick", expect=5)
    assert world.status_json()["problem"] is None, "not an hour of failures yet"
    world.at(at(10, 30))
    problem = world.cli("tick", expect=5).output.removeprefix("followup: ").strip()
    assert first_line(world, "status") == (
        f"followup has not worked since Mon 2026-11-30 09:30: {problem}"
    )
    world.sandbox.clear_faults()
    world.tick(at(10, 35))  # a good pass clears it
    assert world.status_json()["problem"] is None
    world.at(at(11, 34))
    assert world.status_json()["problem"] is None
    world.at(at(11, 36))  # no pass for over an hour: is it still running?
    assert first_line(world, "status") == (
        "followup has not run since Mon 2026-11-30 10:35: see `followup service status`, "
        "or run `followup tick`"
    )
    assert first_line(world, "agenda") == first_line(world, "status")


def test_a_dry_run_records_nothing(world: World) -> None:
    world.tick(at(9))
    world.sandbox.revoke_grants()
    world.at(at(9, 30))
    world.cli("tick", "--dry-run", expect=4)
    assert world.status_json()["problem"] is None
    assert world.status_json()["last_success"] == "2026-11-30T09:00:00-05:00"
