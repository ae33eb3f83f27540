"""The user's commands besides the tick: dry run, status, preview, note, stop and resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.helpers import at, parsed, steps
from tests.e2e.world import World

JANE = "jane@acme.com"
PANEL = (("Jane Doe", JANE), ("Raj Patel", "raj@acme.com"))
WRITES = ("create", "delete", "update", "insert", "patch", "send")


def dump(db: Path) -> list[str]:
    """Every row of state.db as SQL text."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def writes(world: World) -> list[str]:
    """Methods of logged requests that change something in Gmail or Calendar."""
    return [r.method for r in world.sandbox.request_log() if r.method.endswith(WRITES)]


def acme(world: World, **kw) -> str:
    """Acme interview Monday 14:00, seen by a morning tick; its short id."""
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14), **kw)
    world.tick(at(30, 9))
    return world.interview("Acme")["id"]


def test_dry_run_shows_what_it_would_draft_and_writes_nothing(world: World) -> None:
    acme(world)
    db = world.home / "state.db"
    before = (db.read_bytes(), dump(db))
    world.sandbox.clear_log()
    world.at(at(30, 19))
    out = world.cli("tick", "--dry-run").output
    assert "would-draft: thank_you to jane@acme.com: Thank you for the Backend Engineer" in out
    assert out.rstrip().endswith("dry run: nothing was written to Gmail, Calendar or state.db")
    assert world.drafts() == []
    assert writes(world) == []
    assert (db.read_bytes(), dump(db)) == before
    assert steps(world, "Acme")[("thank_you", JANE)]["state"] == "planned"
    world.tick()
    assert len(world.drafts()) == 1, "the real tick after a dry run drafts"


def test_dry_run_on_a_fresh_home_creates_no_state(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    out = world.cli("tick", "--dry-run").output
    assert "found: Acme: Interview with Acme" in out
    assert not (world.home / "state.db").exists()
    assert writes(world) == []


def test_dry_run_would_remove_drafts_of_a_cancelled_interview(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.sandbox.move_event("primary", event["id"], at(3, 14, month=12), at(3, 15, month=12))
    world.tick(at(1, 9, month=12))
    world.sandbox.cancel_event("primary", event["id"])
    db = world.home / "state.db"
    before = dump(db)
    world.sandbox.clear_log()
    out = world.cli("tick", "--dry-run").output
    assert "cancelled: the interview was cancelled" in out
    assert "would-remove: thank_you draft for jane@acme.com" in out
    assert [d["id"] for d in world.drafts()] == [draft["id"]]
    assert writes(world) == []
    assert dump(db) == before
    world.tick()
    assert world.drafts() == []


def test_status_text_and_json_show_every_interview_contact_and_step(world: World) -> None:
    world.add_interview(
        summary="Panel interview", start=at(30, 15), interviewers=PANEL, description="Company: Acme"
    )
    world.add_interview(
        summary="Globex interview",
        start=at(2, 11, month=12),
        interviewers=(("Hank Scorpio", "hank@globex.com"),),
    )
    world.add_interview(
        summary="Interview with Initech", start=at(1, 9, month=12), response="needsAction"
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    drafts = {parsed(d)["To"].addresses[0].addr_spec: d["id"] for d in world.drafts()}
    data = world.status_json()
    panel, globex = data["interviews"]
    assert panel["contacts"] == ["Jane Doe <jane@acme.com>", "Raj Patel <raj@acme.com>"]
    assert (panel["company"], panel["primary"], panel["status"]) == ("Acme", JANE, "active")
    table = {(s["step"], s["recipient"]): s for s in panel["steps"]}
    assert sorted(table) == [
        ("ask", ""),
        ("check_in", JANE),
        ("closed", ""),
        ("reminder", JANE),
        ("thank_you", JANE),
        ("thank_you", "raj@acme.com"),
    ]
    for email in (JANE, "raj@acme.com"):
        row = table[("thank_you", email)]
        assert (row["state"], row["draft_id"], row["due"]) == (
            "drafted",
            drafts[email],
            at(30, 19).isoformat(),
        )
    assert table[("ask", "")]["state"] == "skipped"
    assert (
        table[("ask", "")]["reason"] == "the interview is over: the thank_you step is already due"
    )
    assert table[("check_in", JANE)] == {
        "step": "check_in",
        "recipient": JANE,
        "due": at(1, 16, 30, month=12).isoformat(),
        "state": "planned",
        "draft_id": None,
        "reason": "",
    }
    assert globex["contacts"] == ["Hank Scorpio <hank@globex.com>"]
    assert {s["state"] for s in globex["steps"]} == {"planned"}
    assert data["ignored"] == [
        {
            "event": data["ignored"][0]["event"],
            "title": "Interview with Initech",
            "reason": "untrusted: you have not accepted this invitation",
            "start": at(1, 9, month=12).isoformat(),
        }
    ]

    text = world.cli("status").output
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert f"{panel['id']}  Acme                  thank-you draft in Gmail    you: send it" in text
    globex_line = f"{globex['id']}  Globex                interview Wed Dec 2 11:00   the interview"
    assert globex_line in text
    assert "Ignored events:" in text and "untrusted: you have not accepted" in text
    assert "thank_you" not in text and "r7000" not in text

    detail = world.cli("status", panel["id"]).output
    assert all(len(line) <= 80 for line in detail.splitlines()), detail
    assert f"[{panel['id']}] Panel interview — Acme" in detail
    assert "contacts  Jane Doe <jane@acme.com> (primary), Raj Patel <raj@acme.com>" in detail
    messages = {d["id"]: d["message_id"] for d in world.sandbox.drafts()}
    for email, draft_id in drafts.items():
        assert f"thank-you  {email:<24} Mon 2026-11-30 19:00  draft in Gmail" in detail
        link = f"https://mail.google.com/mail/u/0/#drafts?compose={messages[draft_id]}"
        assert f"\n      {link}\n" in detail
        assert draft_id not in detail
    assert "→ check-in   jane@acme.com" in detail and "Tue 2026-12-01 16:30  planned" in detail
    assert "the interview is over: the thank-you step is already due" in detail
    assert "thank_you" not in detail and "check_in" not in detail
    assert "Ignored events:" not in detail


def test_status_before_auth_says_to_run_it(world: World) -> None:
    (world.home / "token.json").unlink()
    text = world.cli("status").output
    assert "Not set up yet" in text and "run `followup auth` first" in text.lower()
    assert "No interviews found yet" not in text


def test_status_of_an_unknown_id_exits_8(world: World) -> None:
    result = world.cli("status", "0000000", expect=8)
    assert "Traceback" not in result.output


def test_preview_shows_the_draft_and_voicemail_script(world: World) -> None:
    ident = acme(world, description="Follow-up: Thursday\nPhone: +1 555 0199\nStart: January 4")
    world.sandbox.clear_log()
    out = world.cli("preview", ident).output
    assert "=== thank_you to jane@acme.com (due Mon 2026-11-30 19:00) ===" in out
    assert "To: Jane Doe <jane@acme.com>" in out
    assert "Subject: Thank you for the Backend Engineer interview at Acme" in out
    assert "your focus on developer experience matches what I care about most" in out
    assert "--- voicemail script ---" in out and "(Call Jane Doe at +1 555 0199.)" in out

    out = world.cli("preview", ident, "check_in").output
    assert "=== check_in to jane@acme.com (due Thu 2026-12-03 10:00) ===" in out
    assert "Subject: Following up on the Backend Engineer position at Acme" in out
    assert "available to start on January 4" in out
    assert "--- voicemail script ---" in out
    assert world.drafts() == [] and world.sandbox.request_log() == []


def test_note_follow_up_thursday_replans_the_check_in(world: World) -> None:
    ident = acme(world)
    assert steps(world, "Acme")[("check_in", JANE)]["due"] == at(1, 16, 30, month=12).isoformat()
    out = world.cli("note", ident, "follow-up", "Thursday").output
    assert "follow-up set for 'Interview with Acme - Backend Engineer'; plan:" in out
    [line] = [x for x in out.splitlines() if x.split()[0] == "check_in"]
    assert line.split() == ["check_in", JANE, "Thu", "2026-12-03", "10:00", "planned"]
    planned = steps(world, "Acme")
    assert planned[("check_in", JANE)]["due"] == at(3, 10, month=12).isoformat()
    assert planned[("reminder", JANE)]["due"] == at(8, 10, month=12).isoformat()
    world.tick(at(30, 19))
    world.send_drafts()
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "no check-in on Tuesday any more"
    world.tick(at(3, 10, month=12))
    [check_in] = [d for d in world.drafts() if "#check_in#" in world.natural_key(d)]
    assert "As you suggested when we met on Monday, November 30" in parsed(check_in).get_content()


def test_stop_removes_unsent_drafts_and_resume_picks_up(world: World) -> None:
    ident = acme(world)
    world.tick(at(30, 19))
    assert len(world.drafts()) == 1
    out = world.cli("stop", ident).output
    assert out.strip() == (
        "stopped 'Interview with Acme - Backend Engineer'; 1 unsent draft(s) removed"
    )
    assert world.drafts() == []
    record = world.interview("Acme")
    assert (record["status"], record["status_reason"]) == ("stopped", "stopped by you")
    assert {s["state"] for s in record["steps"]} == {"stopped", "skipped"}
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == []
    assert "already stopped" in world.cli("stop", ident).output

    out = world.cli("resume", ident).output
    assert out.strip() == (
        "resumed 'Interview with Acme - Backend Engineer'; the next `followup tick` picks it up"
    )
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 16, 31, month=12))
    [check_in] = world.drafts()
    assert "#check_in#" in world.natural_key(check_in)
    assert steps(world, "Acme")[("thank_you", JANE)]["state"] == "skipped"
    assert world.cli("resume", ident, expect=8).exit_code == 8


def test_stop_keep_drafts_leaves_them(world: World) -> None:
    ident = acme(world, interviewers=PANEL)
    world.tick(at(30, 19))
    kept = sorted(d["id"] for d in world.drafts())
    assert len(kept) == 2
    out = world.cli("stop", ident, "--keep-drafts").output
    assert out.strip() == "stopped 'Interview with Acme - Backend Engineer'"
    assert sorted(d["id"] for d in world.drafts()) == kept
    assert world.sandbox.counts().get("gmail.users.drafts.delete", 0) == 0
    record = world.interview("Acme")
    assert record["status"] == "stopped"
    drafted = [s for s in record["steps"] if s["state"] == "drafted"]
    assert sorted(s["draft_id"] for s in drafted) == kept
    world.tick(at(1, 16, 30, month=12))
    assert sorted(d["id"] for d in world.drafts()) == kept


def test_stop_right_after_the_user_sent_the_draft_does_not_call_it_removed(world: World) -> None:
    ident = acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 19, 10))
    world.sandbox.user_send_draft(draft["id"])
    world.at(at(30, 19, 15))
    out = world.cli("stop", ident).output
    assert out.strip() == "stopped 'Interview with Acme - Backend Engineer'"
    row = steps(world, "Acme")[("thank_you", JANE)]
    assert row["state"] == "sent" and "removed" not in row["reason"]
    world.cli("resume", ident)
    world.tick(at(30, 19, 20))
    assert world.drafts() == [], "a thank-you the candidate sent is never drafted again"
    assert steps(world, "Acme")[("thank_you", JANE)]["state"] == "sent"
