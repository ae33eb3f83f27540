"""One unsent draft per contact: later steps wait for the candidate, then re-plan from the send.

Interview Monday 2026-11-30 14:00-15:00 New York with Jane Doe <jane@acme.com>: thank-you
19:00 Monday, check-in 16:30 Tuesday, reminder 10:00 Friday 12-04 when everything is sent
on time.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime

from tests.e2e.helpers import TITLE, at
from tests.e2e.world import World

WAIT_THANKS = "waiting for you to send or delete the thank-you to Jane Doe"
WAIT_CHECK_IN = "waiting for you to send or delete the check-in to Jane Doe"


def dec(day: int, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock moment in December 2026."""
    return at(day, hour, minute, month=12)


def body(draft: dict) -> str:
    """A draft's plain-text body with plain line ends."""
    msg = email.message_from_bytes(draft["raw"], policy=email.policy.default)
    return msg.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]


def steps(world: World) -> dict[str, dict]:
    """Step name -> the main contact's step record from `status --json`."""
    return {
        s["step"]: s for s in world.interview("Acme")["steps"]
        if s["recipient"] in ("jane@acme.com", "")
    }


def thank_you_drafted(world: World) -> dict:
    """Jane's interview, seen at 09:00 and drafted at 19:00; the thank-you draft."""
    world.add_interview(summary=TITLE, start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    return draft


def test_check_in_waits_for_the_thank_you_then_comes_from_the_moment_it_was_sent(
    world: World,
) -> None:
    thanks = thank_you_drafted(world)
    world.tick(dec(1, 16, 30))
    assert len(world.drafts()) == 1, "no check-in on top of an unsent thank-you"
    planned = steps(world)
    assert planned["check_in"]["state"] == "planned"
    assert planned["check_in"]["reason"] == WAIT_THANKS
    assert WAIT_THANKS in world.cli("status").output
    assert "the check-in to Jane Doe is " + WAIT_THANKS in world.cli("agenda").output
    world.tick(dec(4, 10))
    assert len(world.drafts()) == 1, "nor a reminder"
    assert world.interview("Acme")["status"] == "active"

    world.at(dec(3, 9))
    world.sandbox.user_send_draft(thanks["id"])
    world.tick(dec(3, 9, 5))
    planned = steps(world)
    assert planned["thank_you"]["state"] == "sent"
    assert planned["check_in"]["due"] == dec(4, 16, 30).isoformat(), "next business day 16:30"
    assert planned["check_in"]["reason"] == ""
    assert planned["reminder"]["due"] == dec(9, 10).isoformat()
    world.tick(dec(4, 16, 29))
    assert world.drafts() == []
    world.tick(dec(4, 16, 30))
    [check_in] = world.drafts()
    assert "follow up on my thank-you note" in body(check_in)

    world.tick(dec(9, 10))
    assert len(world.drafts()) == 1, "no reminder on top of an unsent check-in"
    assert steps(world)["reminder"]["reason"] == WAIT_CHECK_IN
    world.at(dec(10, 11))
    world.sandbox.user_send_draft(check_in["id"])
    world.tick(dec(10, 11, 5))
    planned = steps(world)
    assert planned["reminder"]["due"] == dec(15, 10).isoformat(), "3 business days after"
    assert planned["closed"]["due"] == dec(22, 10).isoformat()
    world.tick(dec(14, 10))
    assert world.drafts() == []
    world.tick(dec(15, 10))
    [reminder] = world.drafts()
    assert "I wrote to you on Thursday, December 10" in body(reminder)


def test_deleted_drafts_let_the_next_step_come_at_its_time_and_texts_stay_true(
    world: World,
) -> None:
    thanks = thank_you_drafted(world)
    world.at(dec(1, 10))
    world.sandbox.user_delete_draft(thanks["id"])
    world.tick(dec(1, 10, 5))
    assert steps(world)["thank_you"]["state"] == "dismissed"
    world.tick(dec(1, 16, 30))
    [check_in] = world.drafts()
    text = body(check_in)
    assert "thank-you" not in text and "Thank you again" not in text
    want = "I wanted to follow up on our interview for the Backend Engineer role on Monday, Nov"
    assert want in text
    world.at(dec(2, 9))
    world.sandbox.user_delete_draft(check_in["id"])
    world.tick(dec(4, 10))
    [reminder] = world.drafts()
    assert "I wrote to you" not in body(reminder)
    assert "I wanted to send a brief note to check in on the Backend Engineer role" in body(
        reminder
    )


def test_a_draft_deleted_late_brings_the_next_step_at_once_not_a_later_one(world: World) -> None:
    thanks = thank_you_drafted(world)
    world.tick(dec(4, 10))
    world.at(dec(7, 9))
    world.sandbox.user_delete_draft(thanks["id"])
    world.tick(dec(7, 9, 5))
    [check_in] = world.drafts()
    assert world.step_of(check_in) == "check_in"
    planned = steps(world)
    assert planned["reminder"]["state"] == "planned"
    assert planned["reminder"]["due"] == dec(10, 10).isoformat(), "3 business days later"


def test_nothing_moving_for_ten_business_days_closes_as_not_sent(world: World) -> None:
    thank_you_drafted(world)
    world.tick(dec(11, 10))
    assert world.interview("Acme")["status"] == "active"
    world.tick(dec(14, 10))
    record = world.interview("Acme")
    assert record["status"] == "closed"
    assert record["status_reason"].startswith("not sent: the thank-you draft to Jane Doe")
    assert len(world.drafts()) == 1, "the draft stays; nothing more is drafted"
    assert {s["state"] for n, s in steps(world).items() if n in ("check_in", "reminder")} == {
        "stopped"
    }


def test_the_waiting_limit_is_a_setting(world: World) -> None:
    (world.home / "config.toml").write_text(
        (world.home / "config.toml").read_text() + "\n[schedule]\nunsent_close_business_days = 3\n"
    )
    thank_you_drafted(world)
    world.tick(dec(3, 10))
    assert world.interview("Acme")["status"] == "closed"


def test_agenda_call_script_carries_the_named_check_in_like_its_draft(world: World) -> None:
    world.add_interview(
        summary=TITLE, start=at(30, 14),
        description="Follow-up: Thursday\nStrengths: Postgres tuning; on-call leadership",
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    world.send_drafts()
    world.tick(dec(3, 9))
    agenda = " ".join(world.cli("agenda").output.split())
    assert "As you suggested, I am touching base" in agenda
    assert "I believe I would bring Postgres tuning and on-call leadership." in agenda
