"""Replies stop a sequence; machine-made mail never does (sandbox + CLI, clock pinned).

The interview is Monday 2026-11-30 14:00-15:00 New York with Jane Doe <jane@acme.com>:
thank-you 19:00 Monday, check-in 16:30 Tuesday, reminder 10:00 Friday 12-04, closed
10:00 Friday 12-11.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage

import pytest

from tests.e2e.helpers import (
    LATER,
    TITLE,
    at,
    interview_with_acme,
    keys_of_drafts,
    no_more_drafts,
    parsed,
    sent_thank_you,
    steps,
)
from tests.e2e.world import USER, World, make_world


def story(world: World, title: str = "Acme") -> list[str]:
    """The interview's journal lines from `status --json`."""
    return world.interview(title)["story"]


def assert_replied(world: World, who: str, when: str, title: str = "Acme") -> dict:
    """The sequence stopped as replied, naming who and when; no step still waits."""
    record = world.interview(title)
    assert record["status"] == "replied", record
    assert who in record["status_reason"]
    assert when in record["status_reason"]
    waiting = [s for s in record["steps"] if s["state"] in ("planned", "intent")]
    assert waiting == []
    return record


@pytest.fixture
def keep_world(tmp_path) -> Iterator[World]:
    """A world whose settings keep the unsent drafts when the employer replies."""
    w = make_world(tmp_path, at(30, 9), "\n[replies]\ndelete_drafts_on_reply = false\n")
    try:
        yield w
    finally:
        w.server.stop()
        w.assert_never_sent()


# --- employer replies -------------------------------------------------------------------------


def test_reply_before_the_thank_you_draft(world: World) -> None:
    interview_with_acme(world)
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Great meeting you", when=at(30, 17, 5))
    out = world.tick(at(30, 19)).output
    assert "replied" in out
    assert world.drafts() == []
    assert_replied(world, "jane@acme.com", "Mon 2026-11-30 17:05")
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "stopped"
    assert planned[("check_in", "jane@acme.com")]["state"] == "stopped"
    no_more_drafts(world, LATER)


def test_reply_between_steps_removes_the_unsent_draft(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.reply(sender="jane@acme.com", subject="Re: our chat", when=at(1, 9, 40, month=12))
    out = world.tick(at(1, 10, month=12)).output
    assert "removed" in out
    assert world.drafts() == [], "the agent's unsent thank-you draft is deleted"
    record = assert_replied(world, "jane@acme.com", "Tue 2026-12-01 09:40")
    thank_you = steps(world)[("thank_you", "jane@acme.com")]
    assert thank_you["state"] == "stopped"
    assert "draft removed" in thank_you["reason"]
    removed = [line for line in record["story"] if "removed:" in line]
    assert len(removed) == 1 and "thank_you draft for jane@acme.com" in removed[0]
    assert draft["id"] not in {d["id"] for d in world.drafts()}
    no_more_drafts(world, LATER)


def test_reply_after_the_reminder(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    world.tick(at(1, 16, 30, month=12))
    [check_in] = world.drafts()
    world.at(at(1, 17, month=12))
    world.sandbox.user_send_draft(check_in["id"])
    world.tick(at(4, 10, month=12))
    [reminder] = world.drafts()
    assert "#reminder#" in world.natural_key(reminder)
    sent_id = str(parsed(sent["raw"])["Message-ID"])
    world.reply(
        sender="Jane Doe <jane@acme.com>",
        subject="Re: " + str(parsed(sent["raw"])["Subject"]),
        in_reply_to=sent_id,
        when=at(7, 8, 15, month=12),
    )
    world.tick(at(7, 9, month=12))
    assert world.drafts() == [], "the unsent reminder goes"
    assert_replied(world, "jane@acme.com", "Mon 2026-12-07 08:15")
    planned = steps(world)
    assert planned[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert planned[("check_in", "jane@acme.com")]["state"] == "sent"
    assert planned[("reminder", "jane@acme.com")]["state"] == "stopped"
    assert planned[("closed", "")]["state"] == "stopped"
    world.tick(at(11, 10, month=12))
    assert world.interview("Acme")["status"] == "replied", "a replied sequence never closes"


def test_reply_from_a_colleague_at_the_company_domain(world: World) -> None:
    interview_with_acme(world)
    world.reply(sender="Bob Hiring <bob@acme.com>", subject="Next steps", when=at(30, 16))
    world.tick(at(30, 19))
    assert world.drafts() == []
    record = assert_replied(world, "bob@acme.com", "Mon 2026-11-30 16:00")
    assert "acme.com, the company's domain" in record["status_reason"]


def test_reply_via_an_applicant_tracking_system(world: World) -> None:
    interview_with_acme(world)
    # an ATS mail about another company is not Acme's answer
    world.reply(
        sender="Globex Recruiting <no-reply@greenhouse-mail.io>",
        subject="Your application to Globex",
        headers={"Auto-Submitted": "auto-generated"},
        when=at(30, 15, 30),
    )
    world.tick(at(30, 16))
    assert world.interview("Acme")["status"] == "active"
    world.reply(
        sender="Acme Recruiting <no-reply@greenhouse-mail.io>",
        subject="An update on your application to Acme",
        headers={"Auto-Submitted": "auto-generated"},
        when=at(30, 17),
    )
    world.tick(at(30, 19))
    assert world.drafts() == []
    record = assert_replied(world, "greenhouse-mail.io", "Mon 2026-11-30 17:00")
    assert "via Greenhouse naming Acme" in record["status_reason"]


def test_reply_in_the_thread_from_a_new_address(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    headers = parsed(sent["raw"])
    world.reply(
        sender="Sam Lee <sam@talentpartners.example>",
        subject="Re: " + str(headers["Subject"]),
        in_reply_to=str(headers["Message-ID"]),
        when=at(1, 11, month=12),
    )
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "no check-in after a reply in the thread"
    record = assert_replied(world, "sam@talentpartners.example", "Tue 2026-12-01 11:00")
    assert "thread" in record["status_reason"]
    no_more_drafts(world, LATER[1:])


def test_gmail_contact_and_a_stranger_at_gmail(world: World) -> None:
    world.add_interview(
        summary="Interview with Acme",
        start=at(30, 14),
        description="Company: Acme",
        interviewers=(("Jane Doe", "jane.doe@gmail.com"),),
    )
    world.tick(at(30, 9))
    world.reply(sender="Pat Stranger <pat@gmail.com>", subject="Lunch?", when=at(30, 16))
    world.reply(sender="newsletter@gmail.com", subject="Weekly digest", when=at(30, 17))
    world.tick(at(30, 19))
    assert world.interview("Acme")["status"] == "active", "gmail.com is not Acme's domain"
    assert keys_of_drafts(world) == ["thank_you"]
    world.reply(sender="Jane Doe <jane.doe@gmail.com>", subject="Thanks", when=at(1, 9, month=12))
    world.tick(at(1, 9, 30, month=12))
    assert_replied(world, "jane.doe@gmail.com", "Tue 2026-12-01 09:00")
    assert world.drafts() == []


def test_keep_drafts_on_reply_setting(keep_world: World) -> None:
    world = keep_world
    interview_with_acme(world)
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.reply(sender="jane@acme.com", subject="Thanks!", when=at(30, 21))
    world.tick(at(30, 22))
    assert [d["id"] for d in world.drafts()] == [draft["id"]], "the draft is kept"
    record = assert_replied(world, "jane@acme.com", "Mon 2026-11-30 21:00")
    assert not any("removed:" in line for line in record["story"])
    assert steps(world)[("thank_you", "jane@acme.com")]["state"] == "drafted"
    no_more_drafts(world, LATER)


def test_reply_before_the_interview_does_not_stop(world: World) -> None:
    interview_with_acme(world)
    world.reply(sender="jane@acme.com", subject="See you at 2pm", when=at(30, 10))
    world.tick(at(30, 11))
    world.tick(at(30, 19))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["thank_you"]


# --- machine-made mail --------------------------------------------------------------------------

OOO_WITH_DATE = [
    pytest.param(
        "Automatic reply: Thank you",
        {"Auto-Submitted": "auto-replied"},
        "I am out of the office and back on December 3. For urgent matters call Bob.",
        id="english-header",
    ),
    pytest.param(
        "Out of Office: Thank you",
        {},
        "I'm away until 12/03/2026 with limited access to email.",
        id="english-subject",
    ),
    pytest.param(
        "Abwesenheitsnotiz: Vielen Dank",
        {},
        "Ich bin bis zum 03.12.2026 nicht im Büro und ab dem 04.12. wieder erreichbar.",
        id="german-subject",
    ),
    pytest.param(
        "AW: Vielen Dank",
        {"X-Autoreply": "yes", "Auto-Submitted": "auto-replied"},
        "Vielen Dank für Ihre Nachricht. Ich bin bis 3. Dezember 2026 abwesend.",
        id="german-header",
    ),
]

OOO_WITHOUT_DATE = [
    pytest.param(
        "Out of Office",
        {},
        "I am currently out of the office with limited access to email.",
        id="english-subject",
    ),
    pytest.param(
        "Re: Thank you",
        {"Auto-Submitted": "auto-replied", "Precedence": "auto_reply"},
        "Thanks for your email. I will reply as soon as I can.",
        id="english-header",
    ),
    pytest.param(
        "Automatische Antwort: Vielen Dank",
        {},
        "Ich bin derzeit nicht im Büro. Ihre Nachricht wird nicht weitergeleitet.",
        id="german-subject",
    ),
    pytest.param(
        "AW: Vielen Dank",
        {"X-Autorespond": "yes"},
        "Ich bin im Urlaub und lese meine E-Mails nur sporadisch.",
        id="german-header",
    ),
]


@pytest.mark.parametrize(("subject", "headers", "body"), OOO_WITH_DATE)
def test_out_of_office_with_a_return_date_moves_the_next_step(
    world: World, subject: str, headers: dict, body: str
) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    world.reply(
        sender="Jane Doe <jane@acme.com>",
        subject=subject,
        body=body,
        headers=headers,
        when=at(30, 20, 1),
    )
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "active", "an auto-reply never stops the sequence"
    assert any("away until 2026-12-03" in line for line in record["story"]), record["story"]
    planned = steps(world)
    # back Thursday 12-03: the check-in moves to Friday 12-04 at its own time of day
    assert planned[("check_in", "jane@acme.com")]["due"] == at(4, 16, 30, month=12).isoformat()
    assert planned[("reminder", "jane@acme.com")]["due"] == at(9, 10, month=12).isoformat()
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "no check-in while Jane is away"
    world.tick(at(4, 16, 30, month=12))
    assert keys_of_drafts(world) == ["check_in"]


@pytest.mark.parametrize(("subject", "headers", "body"), OOO_WITHOUT_DATE)
def test_out_of_office_without_a_date_changes_nothing(
    world: World, subject: str, headers: dict, body: str
) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    world.tick(at(30, 20, 30))
    before = world.interview("Acme")["steps"]
    world.reply(
        sender="Jane Doe <jane@acme.com>",
        subject=subject,
        body=body,
        headers=headers,
        when=at(30, 20, 31),
    )
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "active"
    assert [(s["step"], s["due"], s["state"]) for s in record["steps"]] == [
        (s["step"], s["due"], s["state"]) for s in before
    ]
    assert any("ignored (no return date)" in line for line in record["story"])
    world.tick(at(1, 16, 30, month=12))
    assert keys_of_drafts(world) == ["check_in"]


def bounce(world: World, failed: str, when: datetime, returned: dict | None = None) -> dict:
    """A delivery failure report from the mail system about `failed`, answering `returned`
    (the message that did not go through) as Gmail's own reports do; else about no mail."""
    return world.reply(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject="Delivery Status Notification (Failure)",
        body=f"Your message wasn't delivered to {failed} because the address couldn't be found.",
        headers={"X-Failed-Recipients": failed, "Auto-Submitted": "auto-replied"},
        in_reply_to=returned["headers"]["Message-ID"] if returned else None,
        when=when,
    )


def test_bounce_pauses_the_sequence(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    bounce(world, "jane@acme.com", at(30, 20, 1), sent)
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "paused"
    assert "jane@acme.com bounced" in record["status_reason"]
    assert "followup resume" in record["status_reason"]
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "a paused sequence drafts nothing"
    assert world.interview("Acme")["status"] == "paused"


def test_bounce_about_other_mail_is_ignored(world: World) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    bounce(world, "old-friend@example.org", at(30, 20, 1))
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["check_in"]


def test_a_notice_that_only_names_the_contact_pauses_nothing(world: World) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    bounce(world, "jane@acme.com", at(30, 20, 1))  # anyone can write this, about no mail
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["check_in"]
    said = "a delivery notice naming Jane Doe that is not about your mail; nothing changed"
    assert any(line.endswith(said) for line in story(world))
    shown = world.cli("status", world.interview("Acme")["id"]).output
    assert said in " ".join(shown.split())  # as `status ID` tells the story, wrapped


def test_a_paused_sequence_still_hears_the_reply(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    bounce(world, "jane@acme.com", at(30, 20, 1), sent)
    world.tick(at(30, 21))
    assert world.interview("Acme")["status"] == "paused"
    world.reply(
        sender="Bob <bob@acme.com>",
        subject="Jane is gone; I'm your contact",
        when=at(1, 9, month=12),
    )
    world.tick(at(1, 10, month=12))
    assert_replied(world, "bob@acme.com", "Tue 2026-12-01 09:00")


def test_the_next_round_supersedes_the_old_sequence(world: World) -> None:
    interview_with_acme(world)
    world.tick(at(30, 19))
    assert keys_of_drafts(world) == ["thank_you"]
    world.add_interview(summary="Acme interview - round 2", start=at(3, 11, month=12))
    world.tick(at(1, 9, month=12))
    old = world.interview(TITLE)
    assert old["status"] == "superseded"
    assert "next round with Acme" in old["status_reason"]
    assert world.interview("round 2")["status"] == "active"
    world.tick(at(1, 16, 30, month=12))
    assert keys_of_drafts(world) == ["thank_you"], "no check-in for the superseded round"


def test_own_address_and_unrelated_mail_never_stop(world: World) -> None:
    interview_with_acme(world)
    msg = EmailMessage()
    msg["From"] = USER
    msg["To"] = "friend@example.org"
    msg["Subject"] = "Interview went well"
    msg.set_content("Talked to Acme today.")
    world.at(at(30, 16))
    world.sandbox.user_send_message(msg)
    world.reply(sender="friend@example.org", subject="Re: Interview went well", when=at(30, 17))
    world.tick(at(30, 19))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["thank_you"]
