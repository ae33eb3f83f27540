"""The employer's systems, through the CLI: mail a system sends for a person about this
candidacy is an answer; auto-replies, newsletters, list posts and job alerts are not.

Jane Doe <jane@acme.com> interviews the candidate on Monday 2026-11-30 at 14:00 New York; the
candidate sends the thank-you at 20:00, and each message below arrives at 21:00.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.world import NY, World

TITLE = "Interview with Acme - Backend Engineer"
EVENING = datetime(2026, 11, 30, 21, tzinfo=NY)


@pytest.fixture
def sent(world: World) -> dict:
    """The interview, its thank-you drafted at 19:00 and sent at 20:00: the SENT message."""
    world.add_interview(summary=TITLE, start=datetime(2026, 11, 30, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 19, tzinfo=NY))
    (draft,) = world.drafts()
    world.at(datetime(2026, 11, 30, 20, tzinfo=NY))
    message = world.sandbox.user_send_draft(draft["id"])
    return world.sandbox.get_message(message["id"])


def status_after(world: World, **mail: object) -> str:
    """The sequence's status after one message arrives and a tick reads it."""
    world.reply(when=EVENING, **mail)  # type: ignore[arg-type]
    world.tick(datetime(2026, 11, 30, 21, 5, tzinfo=NY))
    return str(world.interview("Acme")["status"])


def test_a_helpdesk_reply_in_the_thread_is_an_answer(world: World, sent: dict) -> None:
    assert status_after(
        world, sender="Acme Recruiting <support@acme.freshdesk.com>",
        subject=f"Re: {sent['headers']['Subject']}", in_reply_to=sent["headers"]["Message-ID"],
        body="Hi Casey, thanks for your note. Jane will get back to you by Friday.",
        headers={"Auto-Submitted": "auto-generated", "X-Mailer": "Freshdesk"},
    ) == "replied"


def test_a_tracking_systems_rejection_with_list_unsubscribe_is_an_answer(
    world: World, sent: dict
) -> None:
    assert status_after(
        world, sender="Acme Talent Team <no-reply@greenhouse.io>",
        subject="Your application to Acme", body="Thank you for interviewing with Acme. "
        "We have decided to move forward with other candidates.",
        headers={"Auto-Submitted": "auto-generated",
                 "List-Unsubscribe": "<https://greenhouse.io/unsubscribe/123>"},
    ) == "replied"


@pytest.mark.parametrize("mail", [
    {"sender": "Jane Doe <jane@acme.com>", "subject": "Automatic reply: Thank you",
     "body": "I am out of the office with no access to email.",
     "headers": {"Auto-Submitted": "auto-replied"}},
    {"sender": "Acme News <news@acme.com>", "subject": "Acme this month",
     "body": "Our product launch and more.",
     "headers": {"List-Unsubscribe": "<mailto:leave@acme.com>", "Precedence": "bulk",
                 "List-Id": "Acme news <news.acme.com>"}},
    {"sender": "Jane Doe <jane@acme.com>", "subject": "[eng-announce] Offsite agenda",
     "body": "Hi all, the agenda is attached.",
     "headers": {"List-Id": "eng-announce <eng-announce.lists.acme.com>",
                 "Precedence": "list"}},
    {"sender": "LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>",
     "subject": "New jobs at Acme and 5 more", "body": "Backend Engineer at Acme, apply now."},
    {"sender": "Greenhouse <alerts@greenhouse.io>", "subject": "New jobs at Acme",
     "body": "Acme is hiring: Backend Engineer, SRE."},
], ids=["out-of-office", "company-newsletter", "a-persons-list-post", "job-alert", "ats-alert"])
def test_machine_mail_and_alerts_naming_the_company_are_no_answer(
    world: World, sent: dict, mail: dict
) -> None:
    assert status_after(world, **mail) == "active"
