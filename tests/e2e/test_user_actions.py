"""The candidate's own actions in Gmail: writing themselves, sending, editing or deleting drafts.

Interview Monday 2026-11-30 14:00-15:00 New York with Jane Doe <jane@acme.com>: thank-you
19:00 Monday, check-in 16:30 Tuesday, reminder 10:00 Friday 12-04.
"""

from __future__ import annotations

from email.message import EmailMessage

from tests.e2e.helpers import TITLE, at, interview_with_acme, parsed, steps
from tests.e2e.world import USER, World


def own_message(to: str, subject: str, body: str = "Thank you for today.") -> EmailMessage:
    """A message the candidate writes in Gmail themselves."""
    msg = EmailMessage()
    msg["From"] = f"Casey Candidate <{USER}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def requested_threads(world: World) -> list[str | None]:
    """The threadId the agent asked for in each drafts.create so far (None: a new thread)."""
    return [
        ((r.body or {}).get("message") or {}).get("threadId")
        for r in world.sandbox.request_log()
        if r.method == "gmail.users.drafts.create"
    ]


def assert_answers(world: World, draft: dict, sent: dict) -> None:
    """`draft` replies to the SENT message `sent`: asked-for thread, headers, subject, thread."""
    message = parsed(draft["raw"])
    original = parsed(sent["raw"])
    assert requested_threads(world)[-1] == sent["threadId"]
    assert message["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in message["References"]
    assert message["Subject"] == "Re: " + original["Subject"]
    assert draft["threadId"] == sent["threadId"], "asked for the thread, but Gmail put it elsewhere"


def test_user_sends_the_thank_you_by_hand(world: World) -> None:
    interview_with_acme(world)
    world.at(at(30, 17, 45))
    mine = world.sandbox.user_send_message(own_message("Jane Doe <jane@acme.com>", "Thank you!"))
    world.tick(at(30, 19))
    assert world.drafts() == [], "the step is done: no thank-you draft"
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "sent_by_user"
    assert "Mon 2026-11-30 17:45" in thank_you["reason"]
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert world.step_of(check_in) == "check_in"
    assert_answers(world, check_in, world.sandbox.get_message(mine["id"]))


def test_a_message_to_someone_else_does_not_count(world: World) -> None:
    interview_with_acme(world)
    world.at(at(30, 17))
    world.sandbox.user_send_message(own_message("mom@example.org", "Interview done"))
    world.tick(at(30, 19))
    assert [world.step_of(d) for d in world.drafts()] == ["thank_you"]
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "drafted"


def test_user_sends_the_agent_draft_with_its_real_send_time(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 21, 17))
    sent = world.sandbox.user_send_draft(draft["id"])
    world.tick(at(1, 8, month=12))
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "sent"
    assert "Mon 2026-11-30 21:17" in thank_you["reason"], "the send time, not the tick's"
    assert any(
        "sent by you Mon 2026-11-30 21:17" in line for line in world.interview("Acme")["story"]
    )
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert_answers(world, check_in, world.sandbox.get_message(sent["id"]))


def test_user_edits_then_sends_the_agent_draft(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    edited = parsed(draft["raw"])
    edited.set_content("Dear Jane,\n\nThank you - I rewrote this myself.\n\nCasey\n")
    world.at(at(30, 19, 30))
    world.sandbox.user_edit_draft(draft["id"], edited)
    world.tick(at(30, 19, 45))
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "drafted", "an edited draft is still the agent's draft"
    assert thank_you["draft_id"] == draft["id"]
    world.at(at(30, 20, 5))
    sent = world.sandbox.user_send_draft(draft["id"])
    world.tick(at(30, 20, 30))
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "sent"
    assert "Mon 2026-11-30 20:05" in thank_you["reason"]
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert_answers(world, check_in, world.sandbox.get_message(sent["id"]))
    assert "rewrote this myself" in world.sandbox.get_message(sent["id"])["raw"].decode()


def test_user_edits_and_sends_between_two_ticks(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    edited = parsed(draft["raw"])
    edited.replace_header("Subject", "Thank you, Jane")
    edited.set_content("Short and sweet.\n")
    world.at(at(30, 19, 20))
    world.sandbox.user_edit_draft(draft["id"], edited)
    world.at(at(30, 19, 25))
    sent = world.sandbox.user_send_draft(draft["id"])
    world.tick(at(30, 22))
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "sent"
    assert "Mon 2026-11-30 19:25" in thank_you["reason"]
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert_answers(world, check_in, world.sandbox.get_message(sent["id"]))
    assert parsed(check_in["raw"])["Subject"] == "Re: Thank you, Jane"


def test_user_deletes_the_agent_draft(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 19, 10))
    world.sandbox.user_delete_draft(draft["id"])
    world.tick(at(30, 19, 30))
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "dismissed"
    assert world.drafts() == []
    for moment in (at(30, 20), at(30, 23), at(1, 9, month=12)):
        world.tick(moment)
        assert world.drafts() == [], "a dismissed draft is never made again"
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "dismissed"
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert world.step_of(check_in) == "check_in"
    assert "In-Reply-To" not in parsed(check_in["raw"]), "nothing was sent: a new thread"


def test_panel_one_draft_sent_one_deleted(world: World) -> None:
    panel = (("Jane Doe", "jane@acme.com"), ("Raj Patel", "raj@acme.com"))
    world.add_interview(summary=TITLE, start=at(30, 14), interviewers=panel)
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    by_to = {parsed(d["raw"])["To"].addresses[0].addr_spec: d for d in world.drafts()}
    assert sorted(by_to) == ["jane@acme.com", "raj@acme.com"]
    world.at(at(30, 20))
    world.sandbox.user_send_draft(by_to["jane@acme.com"]["id"])
    world.sandbox.user_delete_draft(by_to["raj@acme.com"]["id"])
    world.tick(at(30, 21))
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert planned[("thank_you", "raj@acme.com")]["state"] == "dismissed"
    world.tick(at(30, 22))
    assert world.drafts() == []


def test_user_writes_instead_of_the_check_in(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 19, 30))
    sent = world.sandbox.user_send_draft(draft["id"])
    original = parsed(world.sandbox.get_message(sent["id"])["raw"])
    reply = own_message("jane@acme.com", "Re: " + str(original["Subject"]), "One more thing...")
    reply["In-Reply-To"] = original["Message-ID"]
    reply["References"] = original["Message-ID"]
    world.at(at(1, 11, month=12))
    world.sandbox.user_send_message(reply)
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "the candidate already checked in themselves"
    check_in = steps(world)[("check_in", "jane@acme.com")]
    assert check_in["state"] == "sent_by_user"
    assert "Tue 2026-12-01 11:00" in check_in["reason"]
    world.tick(at(4, 10, month=12))
    [reminder] = world.drafts()
    assert world.step_of(reminder) == "reminder"
    assert parsed(reminder["raw"])["In-Reply-To"] is not None


def test_user_writes_their_own_thank_you_instead_of_sending_the_draft(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    assert len(world.drafts()) == 1
    world.at(at(30, 19, 40))
    mine = world.sandbox.user_send_message(own_message("jane@acme.com", "Thanks, Jane!"))
    world.tick(at(30, 20))
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "sent_by_user"
    assert "Mon 2026-11-30 19:40" in planned[("thank_you", "jane@acme.com")]["reason"]
    assert planned[("check_in", "jane@acme.com")]["state"] == "planned", "the check-in still comes"
    world.tick(at(1, 16, 30, month=12))
    check_ins = [d for d in world.drafts() if world.step_of(d) == "check_in"]
    assert len(check_ins) == 1
    assert_answers(world, check_ins[0], world.sandbox.get_message(mine["id"]))


def test_agent_down_and_the_user_wrote_after_the_check_in_time(world: World) -> None:
    interview_with_acme(world)
    world.at(at(1, 17, month=12))
    mine = world.sandbox.user_send_message(own_message("jane@acme.com", "Following up"))
    world.tick(at(2, 9, month=12))
    assert world.drafts() == [], "no late thank-you and no check-in: the candidate wrote"
    planned = steps(world)
    assert planned[("check_in", "jane@acme.com")]["state"] == "sent_by_user"
    assert planned[("thank_you", "jane@acme.com")]["state"] == "skipped"
    assert "Tue 2026-12-01 17:00" in planned[("thank_you", "jane@acme.com")]["reason"]
    world.tick(at(4, 10, month=12))
    [reminder] = world.drafts()
    assert world.step_of(reminder) == "reminder"
    assert_answers(world, reminder, world.sandbox.get_message(mine["id"]))


def test_first_run_after_the_user_already_wrote_the_thank_you(world: World) -> None:
    world.add_interview(summary=TITLE, start=at(30, 14))
    world.at(at(30, 16))
    world.sandbox.user_send_message(own_message("jane@acme.com", "Thank you"))
    world.tick(at(30, 19))  # followup's very first run
    assert world.drafts() == []
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "sent_by_user"


def test_own_message_to_a_quoted_name_with_a_comma_counts(world: World) -> None:
    """To: "Doe, Jane" <jane@acme.com> still names Jane: her thank-you is done."""
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    msg = EmailMessage()
    msg["From"] = "Casey Candidate <candidate@example.com>"
    msg["To"] = '"Doe, Jane" <jane@acme.com>'
    msg["Subject"] = "Thank you"
    msg.set_content("Thanks for today.")
    world.at(at(30, 17))
    world.sandbox.user_send_message(msg)
    world.tick(at(30, 19))
    steps = {(s["step"], s["recipient"]): s for s in world.interview("Acme")["steps"]}
    assert steps[("thank_you", "jane@acme.com")]["state"] == "sent_by_user"
    assert world.drafts() == []
