"""Gaps in Gmail history: the agent was down, the history id expired (404), or a sync broke.

Interview Monday 2026-11-30 14:00-15:00 New York with Jane Doe <jane@acme.com>: thank-you
19:00 Monday, check-in 16:30 Tuesday, reminder 10:00 Friday 12-04, closed 10:00 Friday 12-11.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from tests.e2e.helpers import TITLE, at, parsed, steps
from tests.e2e.world import World


def journal_kinds(world: World) -> list[str]:
    """The kind of each journal line of the interview ("replied", "removed", ...)."""
    return [line.split("  ", 1)[1].split(":", 1)[0] for line in world.interview("Acme")["story"]]


def thank_you_sent_then_down(world: World) -> dict:
    """Interview seen, thank-you drafted at 19:00 and sent by the candidate at 20:00."""
    world.add_interview(summary=TITLE, start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 20))
    sent = world.sandbox.user_send_draft(draft["id"])
    return world.sandbox.get_message(sent["id"])


def test_ten_days_down_with_a_reply_inside_the_gap(world: World) -> None:
    thank_you_sent_then_down(world)
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Good news", when=at(4, 9, month=12))
    world.sandbox.expire_history()
    world.sandbox.clear_log()
    world.tick(at(10, 9, month=12))
    counts = world.sandbox.counts()
    assert counts.get("gmail.users.history.list") == 1, "tried history first, got 404"
    assert counts.get("gmail.users.getProfile") == 1, "the new cursor comes from the profile"
    assert world.drafts() == [], "no check-in, no reminder after Jane's reply"
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "jane@acme.com" in record["status_reason"]
    assert "Fri 2026-12-04 09:00" in record["status_reason"]
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "sent"
    for moment in (at(10, 10, month=12), at(11, 10, month=12), at(18, 10, month=12)):
        world.tick(moment)
    assert world.drafts() == []
    assert journal_kinds(world).count("replied") == 1


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("Bob Hiring <bob@acme.com>", "Next round"),
        ("Talent Team <talent@jobs.acme.com>", "Scheduling"),
        ("Acme Careers <noreply@taleo.net>", "Your candidacy"),
        ("Careers <no-reply@greenhouse-mail.io>", "An update on your Acme application"),
    ],
    ids=["colleague", "subdomain", "ats-name", "ats-subject"],
)
def test_every_kind_of_employer_reply_is_found_after_a_gap(
    world: World, sender: str, subject: str
) -> None:
    thank_you_sent_then_down(world)
    world.reply(sender=sender, subject=subject, when=at(3, 12, month=12))
    world.sandbox.expire_history()
    world.tick(at(10, 9, month=12))
    assert world.drafts() == []
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "Thu 2026-12-03 12:00" in record["status_reason"]


def test_reply_in_the_thread_from_a_new_address_inside_the_gap(world: World) -> None:
    sent = thank_you_sent_then_down(world)
    headers = parsed(sent["raw"])
    world.reply(
        sender="Sam Lee <sam@talentpartners.example>",
        subject="Re: " + str(headers["Subject"]),
        in_reply_to=str(headers["Message-ID"]),
        when=at(3, 15, month=12),
    )
    world.sandbox.expire_history()
    world.tick(at(10, 9, month=12))
    assert world.drafts() == []
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "sam@talentpartners.example" in record["status_reason"]
    assert "Thu 2026-12-03 15:00" in record["status_reason"]


def test_gap_without_a_reply_still_drafts_the_due_step_once(world: World) -> None:
    sent = thank_you_sent_then_down(world)
    world.reply(sender="Pat <pat@example.org>", subject="Unrelated", when=at(2, 9, month=12))
    world.sandbox.expire_history()
    world.tick(at(7, 9, month=12))
    [reminder] = world.drafts()
    assert "#reminder#" in world.natural_key(reminder)
    assert parsed(reminder["raw"])["In-Reply-To"] == parsed(sent["raw"])["Message-ID"]
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert planned[("check_in", "jane@acme.com")]["state"] == "skipped"
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(7, 9, 5, month=12))
    assert len(world.drafts()) == 1


def test_drafts_sent_or_deleted_inside_the_gap_are_resolved(world: World) -> None:
    panel = (("Jane Doe", "jane@acme.com"), ("Raj Patel", "raj@acme.com"))
    world.add_interview(summary=TITLE, start=at(30, 14), interviewers=panel)
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    by_to = {parsed(d["raw"])["To"].addresses[0].addr_spec: d for d in world.drafts()}
    world.at(at(30, 21, 30))
    sent = world.sandbox.user_send_draft(by_to["jane@acme.com"]["id"])
    world.sandbox.user_delete_draft(by_to["raj@acme.com"]["id"])
    world.sandbox.expire_history()
    world.tick(at(2, 9, month=12))
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert "Mon 2026-11-30 21:30" in planned[("thank_you", "jane@acme.com")]["reason"]
    assert planned[("thank_you", "raj@acme.com")]["state"] == "dismissed"
    [check_in] = world.drafts()  # Tuesday's check-in, drafted late in Jane's thread
    assert check_in["threadId"] == sent["threadId"]


def test_first_run_finds_a_reply_that_came_before_it(world: World) -> None:
    world.add_interview(summary=TITLE, start=at(30, 14))
    world.reply(sender="jane@acme.com", subject="Thanks for coming in", when=at(30, 17))
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == []
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "Mon 2026-11-30 17:00" in record["status_reason"]


def test_full_sync_does_not_stop_a_sequence_twice(world: World) -> None:
    thank_you_sent_then_down(world)
    world.reply(sender="jane@acme.com", subject="Let's talk", when=at(1, 9, month=12))
    world.tick(at(1, 10, month=12))
    first = world.interview("Acme")
    assert first["status"] == "replied"
    world.sandbox.expire_history()
    world.tick(at(3, 10, month=12))
    again = world.interview("Acme")
    assert again["status_at"] == first["status_at"]
    assert again["status_reason"] == first["status_reason"]
    assert journal_kinds(world).count("replied") == 1


def test_resumed_after_a_bounce_is_not_paused_again_by_a_full_sync(world: World) -> None:
    sent = thank_you_sent_then_down(world)
    world.reply(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject="Delivery Status Notification (Failure)",
        body="Your message wasn't delivered to jane@acme.com: no such user.",
        headers={"X-Failed-Recipients": "jane@acme.com"},
        in_reply_to=sent["headers"]["Message-ID"],
        when=at(30, 20, 1),
    )
    world.tick(at(30, 21))
    assert world.interview("Acme")["status"] == "paused"
    world.at(at(1, 9, month=12))
    world.cli("resume", world.interview("Acme")["id"])
    world.sandbox.expire_history()
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active", "the old bounce counts only once"
    assert journal_kinds(world).count("paused") == 1
    assert len(world.drafts()) == 1


def test_cursor_is_saved_only_after_the_changes_are_applied(world: World) -> None:
    thank_you_sent_then_down(world)
    world.tick(at(30, 21))
    world.reply(sender="jane@acme.com", subject="Quick question", when=at(1, 8, month=12))
    world.sandbox.inject_fault("gmail.users.messages.get", 500, count=None)
    world.at(at(1, 9, month=12))
    result = world.cli("tick", expect=5)
    assert "cannot get an answer" in result.output
    assert world.interview("Acme")["status"] == "active"
    world.sandbox.clear_faults()
    world.tick(at(1, 9, 30, month=12))
    record = world.interview("Acme")
    assert record["status"] == "replied", "the reply read under a failure is read again"
    assert "Tue 2026-12-01 08:00" in record["status_reason"]


def test_a_busy_inbox_in_the_gap_does_not_hide_the_reply(world: World) -> None:
    thank_you_sent_then_down(world)
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Next steps", when=at(2, 9, month=12))
    for i in range(120):
        world.reply(
            sender=f"Company{i:03d} Recruiting <no-reply@greenhouse-mail.io>",
            subject=f"Your application to Company{i:03d}",
            when=at(3, 9, month=12) + timedelta(minutes=20 * i),
        )
    world.sandbox.expire_history()
    world.sandbox.clear_log()
    world.tick(at(10, 9, month=12))
    assert world.drafts() == []
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "Wed 2026-12-02 09:00" in record["status_reason"]
    assert world.sandbox.counts().get("gmail.users.messages.get", 0) <= 2


def globex_next_week(world: World) -> None:
    """Another interview the agent watches meanwhile (so every new message gets applied)."""
    world.add_interview(
        summary="Interview with Globex",
        start=at(8, 11, month=12),
        interviewers=(("Hank Scorpio", "hank@globex.com"),),
    )


def test_interview_recognized_after_the_reply_came(world: World) -> None:
    event = world.add_interview(summary="Chat with Jane", start=at(30, 14))
    globex_next_week(world)
    world.tick(at(30, 9))
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Great chat", when=at(1, 9, month=12))
    world.tick(at(1, 9, 30, month=12))
    world.at(at(1, 10, month=12))
    world.sandbox.patch_event("primary", event["id"], {"summary": "Interview with Acme"})
    world.tick(at(1, 10, 5, month=12))
    assert world.drafts() == [], "no thank-you after Jane's reply"
    record = world.interview("Acme")
    assert record["status"] == "replied"
    assert "Tue 2026-12-01 09:00" in record["status_reason"]
    world.sandbox.clear_log()
    world.tick(at(1, 10, 10, month=12))
    assert sum(world.sandbox.counts().values()) == 2, "the catch-up happens once"
    assert journal_kinds(world).count("replied") == 1


def test_interview_accepted_late_after_the_user_already_thanked(world: World) -> None:
    event = world.add_interview(summary=TITLE, start=at(30, 14), response="needsAction")
    globex_next_week(world)
    world.tick(at(30, 9))
    world.at(at(30, 18))
    thanks = EmailMessage()
    thanks["To"] = "jane@acme.com"
    thanks["Subject"] = "Thank you"
    thanks.set_content("Thanks for today.")
    world.sandbox.user_send_message(thanks)
    world.tick(at(30, 18, 30))
    world.at(at(30, 20))
    attendees = [
        {**a, "responseStatus": "accepted"} if a.get("self") else a
        for a in world.sandbox.get_event("primary", event["id"])["attendees"]
    ]
    world.sandbox.patch_event("primary", event["id"], {"attendees": attendees})
    world.tick(at(30, 20, 5))
    assert world.drafts() == [], "the candidate already wrote the thank-you"
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "sent_by_user"
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    assert "#check_in#" in world.natural_key(check_in)
    assert parsed(check_in["raw"])["Subject"] == "Re: Thank you"
