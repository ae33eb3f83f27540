"""Exactly once in a hostile world: connections closed at the worst moment, kills, a lost
state.db, a full disk, items no one expected, and the error bodies Google really sends.

Each test drives the real google-api-python-client (and the CLI, in a subprocess where a
kill or a lost file is involved) against the sandbox.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.helpers import (
    CREATE,
    LIST,
    PANEL,
    at,
    creates,
    kill,
    killed_after_create,
    parsed,
    planned,
    steps,
    wait_for,
)
from tests.e2e.world import World


def keys(world: World) -> Counter[str]:
    """How many drafts carry each X-Followup-Key (by the readable key it stands for)."""
    names = world.key_names()
    return Counter(world.natural_key(d, names) for d in world.drafts())


def lose_state(world: World, how: str) -> None:
    """state.db (and its WAL) deleted, or the file emptied to 0 bytes, between ticks."""
    db = world.home / "state.db"
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    if how == "deleted":
        db.unlink()
    else:
        db.write_bytes(b"")


def panel_interview(world: World) -> None:
    """Acme with two interviewers, Monday 14:00, seen in the morning."""
    world.add_interview(
        summary="Interview with Acme", start=at(30, 14), interviewers=PANEL, event_id="acme1"
    )
    world.tick(at(30, 9))


# --- 1. a connection closed after Gmail made the draft, before its answer -------------------


def test_connection_closed_after_create_makes_one_draft(world: World) -> None:
    planned(world)
    world.sandbox.clear_log()
    world.sandbox.inject_fault(CREATE, 0, count=1, after=True, mode="close")
    result = world.tick(at(30, 19))
    [made] = world.drafts()
    log = world.sandbox.request_log()
    assert [log[i].fault for i in creates(world)] == ["close"], "sent once, never re-sent"
    [create_at] = creates(world)
    assert any(r.method == LIST for r in log[create_at + 1 :]), "reconciled by its key"
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert (row["state"], row["draft_id"]) == ("drafted", made["id"])
    assert "found after an interrupted run" in " ".join(world.interview("Acme")["story"])
    assert "drafted: thank_you for jane@acme.com" in result.output
    world.tick(at(30, 20))
    assert len(world.drafts()) == 1


def test_connection_closed_on_every_create_never_doubles(world: World) -> None:
    panel_interview(world)
    world.sandbox.inject_fault(CREATE, 0, count=None, after=True, mode="close")
    for minute in (0, 5, 10):
        world.at(at(30, 19, minute))
        world.cli("tick", expect=None)
    world.sandbox.clear_faults()
    world.tick(at(30, 19, 30))
    assert set(keys(world).values()) == {1}
    assert len(world.drafts()) == 2
    record = steps(world, "Acme")
    drafted = {d["id"] for d in world.drafts()}
    assert {record[("thank_you", e)]["draft_id"] for _, e in PANEL} == drafted


def test_connection_closed_on_a_calendar_insert_is_not_resent(rworld: World) -> None:
    world = rworld
    world.add_interview(summary="Interview with Acme", start=at(30, 14), event_id="acme1")
    world.sandbox.inject_fault(
        "calendar.events.insert", 0, count=1, after=True, mode="close"
    )
    world.cli("tick", expect=None)
    world.tick(at(30, 9, 5))
    inserts = [r for r in world.sandbox.request_log() if r.method == "calendar.events.insert"]
    assert inserts[0].fault == "close"
    live = [
        e
        for e in world.sandbox.list_events("primary")
        if "followupReminder" in ((e.get("extendedProperties") or {}).get("private") or {})
        and e.get("status") != "cancelled"
    ]
    assert len(live) == 4 and len({e["id"] for e in live}) == 4


# --- 2. killed after Gmail made the draft; the candidate sent it before the next tick --------


def test_killed_after_create_then_sent_settles_the_thank_you_not_the_check_in(
    world: World,
) -> None:
    planned(world)
    killed_after_create(world)
    [made] = world.drafts()
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "intent"
    world.at(at(30, 21))
    world.sandbox.user_send_draft(made["id"])

    world.tick(at(1, 9, month=12))
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert record[("check_in", "jane@acme.com")]["state"] == "planned"
    assert world.drafts() == [], "the thank-you is not drafted again"
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert world.natural_key(check_in).endswith("#check_in#jane@acme.com")
    assert steps(world, "Acme")[("check_in", "jane@acme.com")]["state"] == "drafted"


def test_intent_whose_draft_was_sent_is_found_in_sent_mail(world: World) -> None:
    """The history record of the send has not arrived yet: the intent looks in sent mail."""
    planned(world)
    killed_after_create(world)
    [made] = world.drafts()
    world.sandbox.user_send_draft(made["id"])
    world.sandbox.expire_history()  # the send reaches followup only through a search
    world.tick(at(30, 19, 30))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert world.drafts() == []
    assert world.sandbox.counts().get(CREATE, 0) == 1


# --- 3. state.db lost between ticks -----------------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_lost_state_never_drafts_twice_and_a_reply_removes_every_draft(
    world: World, how: str
) -> None:
    panel_interview(world)
    world.tick(at(30, 19))
    before = {d["id"] for d in world.drafts()}
    assert len(before) == 2
    lose_state(world, how)

    world.sandbox.clear_log()
    world.tick(at(30, 20))
    assert {d["id"] for d in world.drafts()} == before, "no second draft"
    assert world.sandbox.counts().get(CREATE, 0) == 0
    record = steps(world, "Acme")
    assert {record[("thank_you", e)]["draft_id"] for _, e in PANEL} == before
    assert {record[("thank_you", e)]["state"] for _, e in PANEL} == {"drafted"}

    world.reply(sender="Jane Doe <jane@acme.com>", subject="Re: next steps", when=at(1, 10, 0, 12))
    world.tick(at(1, 10, 5, month=12))
    assert world.interview("Acme")["status"] == "replied"
    assert world.drafts() == [], "the reply removed every draft, none left orphaned"


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_lost_state_when_the_check_in_comes_due(world: World, how: str) -> None:
    """Lost while nothing was due: when the check-in comes due the thank-you is found again
    (not drafted twice), and the check-in waits for it to be sent (one unsent draft each)."""
    planned(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    lose_state(world, how)
    world.tick(at(1, 16, 30, month=12))
    found = keys(world)
    assert set(found.values()) == {1}
    assert sorted(k.split("#")[1] for k in found) == ["thank_you"]
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["draft_id"] == thank_you["id"]
    assert record[("check_in", "jane@acme.com")]["state"] == "planned"


def test_lost_state_after_the_candidate_sent_a_draft(world: World) -> None:
    planned(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    world.at(at(30, 21))
    world.sandbox.user_send_draft(thank_you["id"])
    lose_state(world, "deleted")
    world.tick(at(1, 16, 30, month=12))
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert record[("check_in", "jane@acme.com")]["state"] == "drafted"
    assert sorted(k.split("#")[1] for k in keys(world)) == ["check_in"]


def test_lost_state_in_a_subprocess_between_killed_ticks(world: World) -> None:
    panel_interview(world)
    killed_after_create(world)
    lose_state(world, "deleted")
    done = world.popen("tick")
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, (out, err)
    assert len(world.drafts()) == 2 and set(keys(world).values()) == {1}


# --- 4. one bad item never stops everything ---------------------------------------------------


def test_invitation_with_a_lone_surrogate_does_not_stop_the_ticks(world: World) -> None:
    world.add_interview(
        summary="Interview \ud83d with Initech",
        start=at(30, 15),
        response="needsAction",
        interviewers=(("Bill", "bill@initech.example"),),
        description="Notes \udcff here",
    )
    planned(world)  # Acme, a normal interview, is found in the same tick
    world.tick(at(30, 19))
    assert len(world.drafts()) == 1
    out = world.cli("status").output
    assert "Interview \ufffd with Initech" in out
    assert world.cli("status", "--json").exit_code == 0
    world.sandbox.clear_log()
    world.tick(at(30, 19, 5))
    assert world.sandbox.counts().get("calendar.events.list") == 1


def test_a_message_with_undecodable_headers_is_applied_and_the_cursor_moves(
    world: World,
) -> None:
    planned(world)
    raw = (
        b"From: Jane \xff\xfe Doe <jane@acme.com>\r\nTo: candidate@example.com\r\n"
        b"Subject: Re: thanks \xed\xa0\x80\r\nMessage-ID: <odd-1@acme.com>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nsee you\r\n"
    )
    world.sandbox.deliver(raw, internal_date=at(30, 18))
    world.tick(at(30, 19))
    assert world.interview("Acme")["status"] == "replied"
    assert world.cli("status").exit_code == 0
    world.sandbox.clear_log()
    world.tick(at(30, 19, 5))
    assert world.sandbox.counts() == {
        "calendar.events.list": 1,
        "gmail.users.history.list": 1,
    }


# --- 5. SQLite failing in the middle of a tick; stop while a tick runs -------------------------


def _limited_tick(world: World, max_bytes: int) -> subprocess.CompletedProcess:
    """`followup tick` in a process that may not write files past `max_bytes` (a full disk)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    env = dict(os.environ)
    env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
    env.update({k: v for k, v in world.env().items() if v})
    return subprocess.run(
        [sys.executable, "-m", "agent.cli.main", "tick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        check=False,
    )


def test_full_disk_mid_tick_is_one_line_exit_7_and_the_next_tick_finishes(world: World) -> None:
    world.tick(at(30, 8))  # state.db exists, nearly empty
    for i in range(40):
        world.add_interview(
            summary=f"Interview with Company{i:02d}",
            start=at(30, 10),
            interviewers=((f"Lead {i}", f"lead@company{i:02d}.example"),),
            description="Fit: " + "x" * 2000,
        )
    db = world.home / "state.db"
    world.at(at(30, 9))
    failed = _limited_tick(world, db.stat().st_size + 48 * 1024)
    assert failed.returncode == 7, (failed.stdout, failed.stderr)
    assert "Traceback" not in failed.stderr
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith("followup: ") and "nothing was lost" in line
    world.tick(at(30, 9, 5))
    assert len(world.status_json()["interviews"]) == 40


def test_stop_while_a_tick_runs_exits_11(world: World) -> None:
    planned(world)
    ident = world.interview("Acme")["id"]
    world.sandbox.clear_log()
    world.sandbox.inject_fault("calendar.events.list", 503, count=1, delay=8.0)
    proc = world.popen("tick")
    try:
        wait_for(
            "the tick to hold the lock",
            lambda: any(r.method == "calendar.events.list" for r in world.sandbox.request_log()),
        )
        result = world.cli("stop", ident, expect=11)
        assert "another followup run is active" in result.stderr
        assert "\n" not in result.stderr.strip()
    finally:
        kill(proc)
    assert world.interview("Acme")["status"] == "active"


# --- 6. Google's real error bodies on drafts.create ---------------------------------------------


def test_missing_scope_403_with_details_exits_4_and_the_step_waits(world: World) -> None:
    planned(world)
    world.sandbox.inject_fault(CREATE, 403, count=1, reason="insufficientPermissions")
    world.at(at(30, 19))
    failed = world.cli("tick", expect=4)
    assert "followup auth" in failed.stderr
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert row["state"] == "intent"
    assert row["reason"].startswith("waiting: run `followup auth`")
    world.tick(at(30, 19, 5))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "drafted"
    assert len(world.drafts()) == 1


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded", ""])
def test_refused_create_that_can_change_waits_for_the_next_run(world: World, reason: str) -> None:
    planned(world)
    world.sandbox.inject_fault(CREATE, 403, count=1, reason=reason)
    world.at(at(30, 19))
    world.cli("tick", expect=10 if reason else 5)  # a rate limit is Gmail's quota: exit 10
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert (row["state"], row["reason"][:8]) == ("intent", "waiting:")
    world.tick(at(30, 19, 5))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "drafted"
    assert len(world.drafts()) == 1


def test_a_bad_request_skips_the_step_and_says_it_cannot_change(world: World) -> None:
    planned(world)
    world.sandbox.inject_fault(CREATE, 400, count=1)
    world.tick(at(30, 19))
    row = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert row["state"] == "skipped"
    assert "cannot change" in row["reason"] and "HTTP 400" in row["reason"]


# --- 7. reminder events the user deleted ------------------------------------------------------


def _reminder_events(world: World) -> dict[str, dict]:
    """followup's reminder events by step, deleted ones included."""
    found = {}
    for event in world.sandbox.list_events("primary"):
        private = (event.get("extendedProperties") or {}).get("private") or {}
        if "followupReminder" in private:
            found[private["followupStep"]] = event
    return found


def test_a_deleted_reminder_is_not_moved_made_again_or_fatal(rworld: World) -> None:
    rworld.add_interview(summary="Interview with Acme", start=at(30, 14), event_id="acme1")
    rworld.tick(at(30, 9))
    made = _reminder_events(rworld)
    rworld.sandbox.cancel_event("primary", made["thank_you"]["id"])  # the user deletes it
    rworld.sandbox.move_event("primary", "acme1", at(1, 14, month=12), at(1, 15, month=12))
    result = rworld.tick(at(30, 10))  # patch -> 403 forbidden at Google: not an auth problem
    assert "deleted by you" in result.output
    events = _reminder_events(rworld)
    assert events["thank_you"]["status"] == "cancelled"
    assert events["check_in"]["status"] != "cancelled"
    rworld.sandbox.clear_log()
    rworld.tick(at(30, 10, 5))
    assert "calendar.events.insert" not in rworld.sandbox.counts()
    assert "calendar.events.patch" not in rworld.sandbox.counts()


def test_a_deleted_reminder_stays_deleted_after_state_is_lost(rworld: World) -> None:
    rworld.add_interview(summary="Interview with Acme", start=at(30, 14), event_id="acme1")
    rworld.tick(at(30, 9))
    made = _reminder_events(rworld)
    rworld.sandbox.cancel_event("primary", made["check_in"]["id"])
    lose_state(rworld, "deleted")
    rworld.tick(at(30, 9, 5))  # insert -> 409 for the id the user deleted
    events = _reminder_events(rworld)
    assert events["check_in"]["status"] == "cancelled"
    assert {s for s, e in events.items() if e["status"] != "cancelled"} == {
        "ask",
        "thank_you",
        "reminder",
    }
    rworld.sandbox.clear_log()
    rworld.tick(at(30, 9, 10))
    assert "calendar.events.insert" not in rworld.sandbox.counts()


def test_a_failing_reminder_never_stops_the_tick(rworld: World) -> None:
    rworld.add_interview(summary="Interview with Acme", start=at(30, 14), event_id="acme1")
    rworld.sandbox.inject_fault(
        "calendar.events.insert", 403, count=None, reason="insufficientPermissions"
    )
    result = rworld.tick(at(30, 9))
    assert "reminder-failed" in result.output
    rworld.sandbox.clear_faults()
    rworld.tick(at(30, 9, 5))
    assert len(_reminder_events(rworld)) == 4


# --- 9. a Contact line names one person ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Contact: Jane=0ABcc: mallory@evil.example <jane@acme.com>",
        "Contact: =?utf-8?q?Jane=0A?= mallory@evil.example <jane@acme.com>",
        "Contact: Jane Doe <jane@acme.com>, Mallory <mallory@evil.example>",
    ],
)
def test_a_contact_line_with_a_second_address_is_ignored_with_a_reason(
    world: World, line: str
) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14), description=line)
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    recipients = {parsed(d)["To"] for d in world.drafts()}
    assert not any("mallory" in str(r) for r in recipients)
    assert [str(r) for r in recipients] == ["Jane Doe <jane@acme.com>"]
    item = world.interview("Acme")
    assert item["ignored_notes"] and "Contact line" in item["ignored_notes"][0]
    assert "Contact line" in world.cli("status").output


def test_status_json_lists_set_aside_items(world: World) -> None:
    planned(world)
    data = json.loads(world.cli("status", "--json").stdout)
    assert data["set_aside"] == []


def test_an_unreadable_event_is_set_aside_and_the_others_go_on(world: World) -> None:
    world.add_interview(
        summary="Interview with Initech",
        start=at(30, 15),
        interviewers=(("Bill", "bill@initech.example"),),
        event_id="odd1",
        extra={"organizer": "Bill"},  # not the object the Calendar API sends
    )
    planned(world)
    [item] = world.status_json()["set_aside"]
    assert (item["kind"], item["id"], item["title"]) == (
        "event",
        "primary/odd1",
        "Interview with Initech",
    )
    assert item["reason"].startswith("cannot be read: AttributeError")
    assert "Set aside" in world.cli("status").output
    world.tick(at(30, 19))
    assert len(world.drafts()) == 1


def test_state_restored_from_an_older_copy_never_drafts_twice(world: World) -> None:
    planned(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    db = world.home / "state.db"
    backup = db.read_bytes()  # last night's copy: the thank-you drafted, nothing more
    world.at(at(30, 21))
    world.sandbox.user_send_draft(thank_you["id"])
    world.tick(at(1, 16, 30, month=12))
    assert [world.step_of(d) for d in world.drafts()] == ["check_in"]
    lose_state(world, "deleted")
    db.write_bytes(backup)  # the user restores it
    world.sandbox.clear_log()
    world.tick(at(1, 16, 45, month=12))
    assert world.sandbox.counts().get(CREATE, 0) == 0
    found = keys(world)
    assert sorted(k.split("#")[1] for k in found) == ["check_in"] and set(found.values()) == {1}
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert record[("check_in", "jane@acme.com")]["state"] == "drafted"
    assert record[("check_in", "jane@acme.com")]["draft_id"] == world.drafts()[0]["id"]
