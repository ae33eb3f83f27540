"""Calendar reminders (created once, moved, removed, never interviews) and `followup agenda`."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.helpers import at
from tests.e2e.world import World


def reminders(world: World) -> dict[str, dict]:
    """followup's reminder events on the primary calendar, by step, not cancelled."""
    found = {}
    for event in world.sandbox.list_events("primary"):
        private = (event.get("extendedProperties") or {}).get("private") or {}
        if "followupReminder" in private and event.get("status") != "cancelled":
            found[private["followupStep"]] = event
    return found


def start_of(event: dict) -> datetime:
    """An event's start as an aware datetime."""
    return datetime.fromisoformat(event["start"]["dateTime"])


def test_reminders_created_once_moved_and_removed(rworld: World) -> None:
    rworld.add_interview(
        summary="Interview with Acme",
        start=at(30, 14),
        description="Phone: +1 555 0142",
        event_id="acme1",
    )
    rworld.tick(at(30, 9))
    made = reminders(rworld)
    assert set(made) == {"ask", "thank_you", "check_in", "reminder"}
    assert start_of(made["thank_you"]) == at(30, 19)
    assert start_of(made["ask"]) == at(30, 14, 50)
    assert made["thank_you"]["summary"] == "Thank-you draft for Jane Doe (Acme) is in Gmail"
    assert "+1 555 0142" in made["thank_you"]["description"]
    assert "Jane" in made["thank_you"]["description"]
    assert made["ask"]["reminders"]["overrides"] == [{"method": "popup", "minutes": 5}]

    inserts = rworld.sandbox.counts().get("calendar.events.insert", 0)
    rworld.tick(at(30, 9, 5))
    rworld.tick(at(30, 9, 10))
    assert rworld.sandbox.counts().get("calendar.events.insert", 0) == inserts, "created once"
    status = rworld.status_json()
    assert [i["title"] for i in status["interviews"]] == ["Interview with Acme"]
    assert status["ignored"] == [], "reminders are neither interviews nor listed as ignored"

    rworld.sandbox.move_event("primary", "acme1", at(1, 14, month=12), at(1, 15, month=12))
    rworld.tick(at(30, 10))
    moved = reminders(rworld)
    assert start_of(moved["thank_you"]) == at(1, 19, month=12)
    assert start_of(moved["check_in"]) == at(2, 16, 30, month=12)

    rworld.sandbox.cancel_event("primary", "acme1")
    rworld.tick(at(30, 11))
    assert reminders(rworld) == {}
    assert rworld.interview("Acme")["status"] == "cancelled"


def test_reply_removes_future_reminders(rworld: World) -> None:
    rworld.add_interview(summary="Interview with Acme", start=at(30, 14))
    rworld.tick(at(30, 9))
    rworld.tick(at(30, 19))
    rworld.reply(sender="Jane Doe <jane@acme.com>", subject="Next round", when=at(1, 9, month=12))
    rworld.tick(at(1, 9, 5, month=12))
    assert rworld.interview("Acme")["status"] == "replied"
    left = reminders(rworld)
    assert set(left) == {"ask", "thank_you"}, "past reminders stay; future ones go"


def test_agenda_today_and_tomorrow(world: World) -> None:
    world.add_interview(
        summary="Interview with Acme - Backend Engineer",
        start=at(30, 14),
        description="Phone: +1 555 0142",
    )
    world.tick(at(30, 9))
    text = world.cli("agenda").output
    assert "Today, Monday November 30:" in text
    assert "14:50  [ask] Acme: before it ends, ask Jane Doe" in text
    assert "as positive about my candidacy" in text
    assert "19:00  [call] Acme: call Jane Doe (thank-you) at +1 555 0142" in text
    assert "Tomorrow, Tuesday December 1:" in text
    assert "16:30  [call] Acme: call Jane Doe (check-in) at +1 555 0142" in text

    world.tick(at(30, 19))
    world.at(at(1, 8, month=12))
    text = world.cli("agenda").output
    assert "[draft] Acme: thank-you draft to Jane Doe is waiting in Gmail" in text
    assert "[ask]" not in text


def test_demo_tells_the_whole_story(tmp_path) -> None:
    import subprocess
    import sys

    home = tmp_path / "untouched"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "FOLLOWUP_HOME": str(home / "fh")}
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli.main", "demo", "--fast", "--start", "2026-11-30"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "the thank-you to Jane Doe is ready in your Gmail drafts" in out
    assert "voicemail:" in out
    assert len([x for x in out.splitlines() if "thank-you to" in x and "is ready" in x]) == 4
    assert "ignored 'Interview with Initech': untrusted" in out
    assert "{{" not in out and "auto_reply" not in out and "thank_you" not in out
    assert "ignored 'Mock interview with Sam (practice)': excluded" in out
    assert "(reply in thread)" in out
    assert "You read the thank-you to Jane Doe (Acme), and send it from Gmail." in out
    wait = "the check-in is waiting for you to send or delete the thank-you to Raj Patel"
    assert f"Globex  {wait}" in out
    assert "Raj Patel is away until Mon Dec 7: the check-in moves to Tue Dec 8" in out
    assert "Jane Doe replied: the sequence stops here" in out
    lines = out.splitlines()
    drafted = [i for i, x in enumerate(lines) if "is ready in your Gmail drafts" in x]
    sent = [i for i, x in enumerate(lines) if "followup sees you sent" in x]
    assert len(drafted) == len(sent) == 7, "the candidate sends each draft before the next comes"
    assert "Globex  the sequence ends: no response: likely moved on" in out
    assert "0 draft(s) left in the sandbox mailbox" in out
    assert "send attempts by followup: 0" in out
    assert not home.exists(), "the demo leaves nothing in the user's folders"


def test_demo_keep_leaves_the_sandbox_for_followup_status(tmp_path) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent.cli.main",
            "demo",
            "--fast",
            "--keep",
            "--start",
            "2026-11-30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        home = None
        for line in demo.stdout:
            if line.strip().startswith("FOLLOWUP_HOME="):
                home = Path(line.split("=", 1)[1].split()[0])
                break
        assert home is not None and home.is_dir()
        status = subprocess.run(
            [sys.executable, "-m", "agent.cli.main", "status", "--json"],
            capture_output=True,
            text=True,
            env=dict(env, FOLLOWUP_HOME=str(home)),
            timeout=60,
        )
        assert status.returncode == 0, status.stderr
        by_company = {i["company"]: i for i in json.loads(status.stdout)["interviews"]}
        assert by_company["Acme"]["status"] == "replied"
        assert by_company["Globex"]["status"] == "closed"
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=20)
    assert demo.returncode == 0
    assert not home.exists(), "Ctrl-C removes the demo's folder"


def test_agenda_carried_over_items_read_in_time_order_with_real_ids_and_json(
    world: World,
) -> None:
    import json

    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.add_interview(summary="Interview with Globex", start=at(1, 11, month=12),
                        interviewers=(("Hank Scorpio", "hank@globex.com"),))
    world.tick(at(30, 9))
    world.tick(at(30, 19))  # the Acme thank-you draft, left unsent overnight
    world.at(at(1, 8, month=12))
    text = world.cli("agenda").output
    acme = world.interview("Acme")["id"]
    assert f"followup note {acme} phone NUMBER" in text
    assert "followup note ID" not in text
    lines = [x for x in text.splitlines() if x.startswith("  ") and "[" in x]
    today = lines[: next(i for i, x in enumerate(lines) if "[" in x and "Tomorrow" in x)] \
        if any("Tomorrow" in x for x in lines) else lines
    assert today[0].startswith("  Mon 30 19:00  [draft] Acme: thank-you draft"), today
    data = json.loads(world.cli("agenda", "--json").stdout)
    first = data["days"][0]
    assert first["date"] == "2026-12-01"
    moments = [item["at"] for item in first["items"]]
    assert moments == sorted(moments)
    assert first["items"][0]["kind"] == "draft" and first["items"][0]["interview"] == acme
    kinds = {(i["kind"], i["title"].split(":")[0]) for i in first["items"]}
    assert ("ask", "Globex") in kinds
