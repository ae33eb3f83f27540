"""Exactly one draft per (interview, step, recipient), whatever happens to the process or the API.

Kills land between the intent commit, drafts.create and the commit of the draft id;
concurrent runs race for the lock; the sandbox answers 429/5xx or drops connections.
"""

from __future__ import annotations

import itertools
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agent.cli.sandbox import write_sandbox_token
from agent.sandbox import Sandbox, SandboxServer
from tests.e2e.helpers import (
    CREATE,
    LIST,
    PANEL,
    at,
    creates,
    kill,
    killed_after_create,
    planned,
    steps,
    wait_for,
)
from tests.e2e.world import CONFIG, USER, World


def keys(world: World) -> list[str]:
    """The X-Followup-Key of every draft in the mailbox."""
    return [world.natural_key(d) for d in world.drafts()]


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    """Wait for a subprocess; (exit code, stdout, stderr)."""
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_killed_after_create_before_the_id_is_stored(world: World) -> None:
    planned(world)
    killed_after_create(world)
    [made] = world.drafts()
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert row["state"] == "intent", "killed between drafts.create and the commit of its id"
    assert row["draft_id"] is None

    world.sandbox.clear_log()
    world.tick()
    assert [d["id"] for d in world.drafts()] == [made["id"]]
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert row["state"] == "drafted"
    assert row["draft_id"] == made["id"]
    assert world.sandbox.counts().get(CREATE, 0) == 0, "found by its key, not created again"
    assert world.sandbox.counts()[LIST] >= 1
    world.tick(at(30, 20))
    assert len(world.drafts()) == 1


def test_killed_while_create_is_on_the_wire(world: World) -> None:
    planned(world)
    world.at(at(30, 19))
    # the request reaches the sandbox, which holds it without performing it
    world.sandbox.inject_fault(CREATE, 0, count=1, delay=8.0)
    proc = world.popen("tick")
    try:
        wait_for("drafts.create to arrive", lambda: bool(creates(world)))
    finally:
        kill(proc)
    assert world.drafts() == []
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "intent"

    world.sandbox.clear_log()
    world.tick()
    [made] = world.drafts()
    assert keys(world) == [world.interview("Acme")["key"] + "#thank_you#jane@acme.com"]
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert (row["state"], row["draft_id"]) == ("drafted", made["id"])
    log = world.sandbox.request_log()
    [create_at] = creates(world)
    assert any(r.method == LIST for r in log[:create_at]), "reconcile before the create"


def test_two_ticks_at_once(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14), interviewers=PANEL)
    world.tick(at(30, 9))
    world.at(at(30, 19))
    first, second = world.popen("tick"), world.popen("tick")
    results = [finish(first), finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    assert sorted(keys(world)) == sorted(
        f"{world.interview('Acme')['key']}#thank_you#{e}" for _, e in PANEL
    )
    outputs = [out for _, out, _ in results]
    [other] = [o for o in outputs if "drafted:" not in o]
    # either one ran while the other was turned away, or they ran one after the other
    assert "another followup run is active" in other or other.strip() == "nothing to do"


def test_three_ticks_at_once_through_the_week(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14), interviewers=PANEL)
    world.tick(at(30, 9))
    rounds = [(at(30, 19), 2), (at(1, 16, 30, month=12), 3), (at(4, 10, month=12), 4)]
    for moment, count in rounds:
        world.at(moment)
        procs = [world.popen("tick") for _ in range(3)]
        results = [finish(p) for p in procs]
        assert [code for code, _, _ in results] == [0, 0, 0], results
        made = world.made_keys()
        assert len(made) == count, (moment, results)
        assert max(Counter(made).values()) == 1
        world.at(moment + timedelta(minutes=30))
        send_known_drafts(world)  # the candidate sends them, so the next step can come
    record = steps(world, "Acme")
    assert {k[0] for k, s in record.items() if s["state"] in ("drafted", "sent")} == {
        "thank_you",
        "check_in",
        "reminder",
    }


def send_known_drafts(world: World) -> None:
    """The candidate sends the drafts state.db knows (an interrupted create's stays unsent)."""
    known = {
        s["draft_id"]
        for item in world.status_json()["interviews"]
        for s in item["steps"]
        if s["state"] == "drafted"
    }
    for draft in world.drafts():
        if draft["id"] in known:
            world.sandbox.user_send_draft(draft["id"])


def test_rate_limited_create_exits_10_then_drafts_once(world: World) -> None:
    planned(world)
    world.sandbox.inject_fault(CREATE, 429, count=2)
    world.at(at(30, 19))
    for _ in range(2):
        failed = world.cli("tick", expect=10)  # Gmail's quota: the step is not given up
        line = failed.stderr.strip()
        assert "\n" not in line and line.startswith("followup: ")
        assert "Traceback" not in failed.output
        assert world.drafts() == []
    world.tick()
    assert len(world.drafts()) == 1
    log = world.sandbox.request_log()
    made = creates(world)
    assert [log[i].status for i in made] == [429, 429, 200]
    for before, after in itertools.pairwise(made):
        assert any(r.method == LIST for r in log[before + 1 : after]), "reconcile between creates"
    world.tick(at(30, 21))
    assert len(world.drafts()) == 1


@pytest.mark.parametrize(
    "method", ["calendar.events.list", "gmail.users.history.list", "gmail.users.messages.list"]
)
def test_503_burst_on_a_read_is_retried_within_the_tick(world: World, method: str) -> None:
    planned(world)
    world.at(at(30, 19))
    world.sandbox.clear_log()
    world.sandbox.inject_fault(method, 503, count=3)
    world.tick()
    statuses = [r.status for r in world.sandbox.request_log() if r.method == method]
    assert statuses[:4] == [503, 503, 503, 200]
    assert len(world.drafts()) == 1
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "drafted"


@pytest.mark.parametrize(
    "method", ["calendar.events.list", "gmail.users.history.list", "gmail.users.messages.list"]
)
def test_503_outage_on_a_read_exits_5_then_recovers(world: World, method: str) -> None:
    planned(world)
    world.at(at(30, 19))
    world.sandbox.inject_fault(method, 503, count=None)
    failed = world.cli("tick", expect=5)
    assert failed.stderr.count("\n") == 1 and "503" in failed.stderr
    assert world.drafts() == []
    world.sandbox.clear_faults()
    world.tick()
    world.tick()
    assert len(world.drafts()) == 1
    assert world.sandbox.counts()[CREATE] == 1


def test_500_after_the_create_happened_is_found_not_repeated(world: World) -> None:
    planned(world)
    world.at(at(30, 19))
    world.sandbox.clear_log()
    world.sandbox.inject_fault(CREATE, 500, count=1, after=True)
    world.cli("tick", expect=None)
    world.tick(at(30, 19, 5))
    [made] = world.drafts()
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["draft_id"] == made["id"]
    assert world.sandbox.counts()[CREATE] == 1


def test_500_before_the_create_reconciles_before_creating_again(world: World) -> None:
    planned(world)
    world.at(at(30, 19))
    world.sandbox.clear_log()
    world.sandbox.inject_fault(CREATE, 500, count=1)
    world.cli("tick", expect=5)
    world.tick(at(30, 19, 5))
    assert len(world.drafts()) == 1
    log = world.sandbox.request_log()
    first, second = creates(world)
    assert (log[first].status, log[second].status) == (500, 200)
    assert any(r.method == LIST for r in log[first + 1 : second]), "no blind second create"


def test_dropped_connection_after_create_is_reconciled(world: World) -> None:
    planned(world)
    world.at(at(30, 19))
    world.sandbox.inject_fault(CREATE, 0, count=1, after=True)
    world.cli("tick", expect=None)
    world.tick(at(30, 19, 5))
    [made] = world.drafts()
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["draft_id"] == made["id"]
    assert world.sandbox.counts()[CREATE] == 1


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[World]:
    """A world whose sandbox draws its fault dice from a fixed seed."""
    now = at(30, 9)
    sandbox = Sandbox(user_email=USER, time_zone="America/New_York", now=now, seed=20261130)
    server = SandboxServer(sandbox).start()
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(CONFIG.format(endpoint=server.url))
    write_sandbox_token(home / "token.json", server.url, reminders=False)
    world = World(sandbox, server, home, now)
    try:
        yield world
    finally:
        server.stop()
        world.assert_never_sent()


def week_of_moments() -> list[datetime]:
    """Every 2 hours from Monday 09:00 to the Friday after next, plus each due time."""
    start = at(30, 9)
    moments = [start + timedelta(hours=2 * i) for i in range(12 * 12)]
    moments += [at(30, 19), at(1, 16, 30, month=12), at(4, 10, month=12), at(11, 10, month=12)]
    return sorted(set(moments))


def test_random_faults_for_a_week_still_draft_exactly_once(seeded: World) -> None:
    world = seeded
    world.add_interview(
        summary="Panel interview", start=at(30, 14), interviewers=PANEL, description="Company: Acme"
    )
    world.add_interview(
        summary="Interview with Globex",
        start=at(1, 11, month=12),
        interviewers=(("Hank Scorpio", "hank@globex.com"),),
    )
    # the first creates fail for sure (faults are taken in the order they were injected),
    # later ones often (half of those after the draft was made), everything else a bit
    for status, after in ((0, True), (500, True), (503, False), (0, False)):
        world.sandbox.inject_fault(CREATE, status, count=1, after=after)
    for status, after in ((0, True), (500, True), (503, False), (0, False)):
        world.sandbox.inject_fault(CREATE, status, count=None, rate=0.1, after=after)
    for status, after in ((503, False), (429, False), (500, True), (0, True), (0, False)):
        world.sandbox.inject_fault("*", status, count=None, rate=0.04, after=after)
    codes = Counter()
    for moment in week_of_moments():
        world.at(moment)
        codes[world.cli("tick", expect=None).exit_code] += 1
        send_known_drafts(world)
    assert set(codes) <= {0, 5, 10}, codes  # 10: a 429 from Gmail ends the tick (its quota)
    create_statuses = Counter(r.status for r in world.sandbox.request_log() if r.method == CREATE)
    assert create_statuses[0] >= 2 and create_statuses[500] and create_statuses[503]
    world.sandbox.clear_faults()
    world.tick(at(14, 9, month=12))

    made = world.made_keys()
    found = Counter(made)
    assert found and max(found.values()) == 1, found
    stored = {
        f"{item['key']}#{s['step']}#{s['recipient']}": s
        for item in world.status_json()["interviews"]
        for s in item["steps"]
    }
    names = world.key_names()
    for draft in world.drafts():
        key = world.natural_key(draft, names)
        assert stored[key]["state"] == "drafted" and stored[key]["draft_id"] == draft["id"]
    drafted = {k for k, s in stored.items() if s["state"] in ("drafted", "sent")}
    assert drafted == set(made)
    email_steps = {k for k in stored if k.split("#")[1] in ("thank_you", "check_in", "reminder")}
    assert drafted == email_steps, "every email step drafted once, none lost to the faults"
    assert len(drafted) == 7  # Acme: 2 thank-yous, check-in, reminder; Globex: 3
    assert world.sandbox.send_attempts() == []


def test_killed_after_create_and_next_run_only_when_the_check_in_is_due(world: World) -> None:
    planned(world)
    killed_after_create(world)
    [thank_you] = world.drafts()
    world.tick(at(1, 16, 30, month=12))
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["state"] == "drafted"
    assert record[("thank_you", "jane@acme.com")]["draft_id"] == thank_you["id"]
    check_in = record[("check_in", "jane@acme.com")]
    assert check_in["state"] == "planned", "it waits for the thank-you found in Gmail"
    assert check_in["reason"].startswith("waiting for you to send or delete the thank-you")
    assert sorted(k.split("#")[1] for k in keys(world)) == ["thank_you"]


def test_403_rate_limit_is_retried_but_a_400_is_not(world: World) -> None:
    planned(world)
    world.sandbox.clear_log()
    world.sandbox.inject_fault("calendar.events.list", 403, count=2, reason="userRateLimitExceeded")
    world.tick(at(30, 10))
    statuses = [r.status for r in world.sandbox.request_log() if r.method == "calendar.events.list"]
    assert statuses == [403, 403, 200]

    world.sandbox.clear_log()
    world.sandbox.inject_fault("calendar.events.list", 400, count=1)
    failed = world.cli("tick", expect=5)
    assert failed.stderr.count("\n") == 1 and "HTTP 400" in failed.stderr
    statuses = [r.status for r in world.sandbox.request_log() if r.method == "calendar.events.list"]
    assert statuses == [400], "a 400 is never retried"


def test_killed_after_create_then_stopped_removes_the_orphan_draft(world: World) -> None:
    planned(world)
    killed_after_create(world)
    out = world.cli("stop", world.interview("Acme")["id"]).output
    assert out.strip().endswith("; 1 unsent draft(s) removed")
    assert world.drafts() == []
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert row["state"] == "stopped" and row["reason"].startswith("unsent draft removed")
