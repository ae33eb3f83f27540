"""The whole week of an interview, through `followup tick` against the sandbox, clock pinned."""

from __future__ import annotations

import email
import email.policy

from tests.e2e.helpers import at, parsed, steps
from tests.e2e.world import World


def test_week_without_a_named_date(world: World) -> None:
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14))
    world.tick(at(30, 9))
    record = world.interview("Acme")
    assert record["company"] == "Acme"
    assert record["status"] == "active"
    planned = steps(world, "Acme")
    assert planned[("thank_you", "jane@acme.com")]["due"] == at(30, 19).isoformat()
    assert planned[("check_in", "jane@acme.com")]["due"] == at(1, 16, 30, month=12).isoformat()
    assert planned[("reminder", "jane@acme.com")]["due"] == at(4, 10, month=12).isoformat()
    assert planned[("closed", "")]["due"] == at(11, 10, month=12).isoformat()
    assert world.drafts() == []

    world.tick(at(30, 18, 59))
    assert world.drafts() == []
    world.tick(at(30, 19, 0))
    drafts = world.drafts()
    assert len(drafts) == 1
    thank_you = parsed(drafts[0])
    assert thank_you["To"].addresses[0].addr_spec == "jane@acme.com"
    assert "In-Reply-To" not in thank_you
    world.tick(at(30, 19, 1))
    assert len(world.drafts()) == 1, "a second tick must not draft again"

    sent = world.sandbox.user_send_draft(drafts[0]["id"])
    world.tick(at(30, 20, 5))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "sent"

    world.tick(at(1, 16, 29, month=12))
    assert world.drafts() == []
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    message = parsed(check_in)
    sent_message = world.sandbox.get_message(sent["id"])
    sent_headers = email.message_from_bytes(sent_message["raw"], policy=email.policy.default)
    assert check_in["threadId"] == sent["threadId"]
    assert message["In-Reply-To"] == sent_headers["Message-ID"]
    assert sent_headers["Message-ID"] in message["References"]
    assert message["Subject"] == "Re: " + sent_headers["Subject"]

    world.at(at(1, 17, month=12))
    world.sandbox.user_send_draft(check_in["id"])
    world.tick(at(4, 9, 59, month=12))
    assert world.drafts() == []
    world.tick(at(4, 10, month=12))
    [reminder] = world.drafts()
    world.at(at(4, 11, month=12))
    world.sandbox.user_send_draft(reminder["id"])
    world.tick(at(11, 10, month=12))
    record = world.interview("Acme")
    assert record["status"] == "closed"
    assert record["status_reason"] == "no response: likely moved on"
    world.tick(at(18, 10, month=12))
    assert world.drafts() == [], "nothing more, ever"


def test_named_follow_up_date(world: World) -> None:
    world.add_interview(
        summary="Acme interview",
        start=at(30, 10),
        description="Follow-up: Thursday\nFit: your on-call culture\nStart: January 4",
    )
    world.tick(at(30, 9))
    planned = steps(world, "Acme")
    assert planned[("check_in", "jane@acme.com")]["due"] == at(3, 10, month=12).isoformat()
    assert planned[("reminder", "jane@acme.com")]["due"] == at(8, 10, month=12).isoformat()
    world.tick(at(3, 10, month=12))
    # the thank-you was missed (agent not running Monday night): skipped, no burst
    drafts = world.drafts()
    assert len(drafts) == 1
    body = parsed(drafts[0]).get_content()
    assert "January 4" in body
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "skipped"


def test_panel_of_three_gets_three_thank_yous_and_one_check_in(world: World) -> None:
    panel = (
        ("Jane Doe", "jane@acme.com"),
        ("Raj Patel", "raj@acme.com"),
        ("Li Wei", "li@acme.com"),
    )
    world.add_interview(
        summary="Panel interview", start=at(30, 15), interviewers=panel, description="Company: Acme"
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    to = sorted(parsed(d)["To"].addresses[0].addr_spec for d in world.drafts())
    assert to == ["jane@acme.com", "li@acme.com", "raj@acme.com"]
    world.tick(at(1, 16, 30, month=12))
    assert len(world.drafts()) == 3, "the check-in to Jane waits for her thank-you"
    [jane] = [d for d in world.drafts() if "jane@" in str(parsed(d)["To"])]
    world.at(at(1, 17, month=12))
    world.sandbox.user_send_draft(jane["id"])
    world.tick(at(1, 17, 5, month=12))
    assert len(world.drafts()) == 2, "Raj's and Li's unsent thank-yous do not hold Jane's check-in"
    world.tick(at(2, 16, 30, month=12))
    assert len(world.drafts()) == 3
    [check_in] = [d for d in world.drafts() if "#check_in#" in world.natural_key(d)]
    assert parsed(check_in)["To"].addresses[0].addr_spec == "jane@acme.com"
