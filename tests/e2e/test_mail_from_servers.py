"""Real-shaped mail from servers and robots, through the sandbox and the CLI (clock pinned).

Bounces written by the recipient's side (the failed address only in the delivery-status
part or the text), delay notices, list mail and robots in the follow-up's thread, and
out-of-office replies with implausible return dates. Interview: Monday 2026-11-30
14:00 New York with Jane Doe <jane@acme.com>; the thank-you is sent at 20:00.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.helpers import (
    at,
    interview_with_acme,
    keys_of_drafts,
    postfix_dsn,
    sent_thank_you,
    steps,
)
from tests.e2e.world import USER, World


def exchange_ndr(sent: dict) -> bytes:
    """A Microsoft 365 text-only non-delivery report (no X-Failed-Recipients, no DSN part),
    answering the message that was not delivered, as Exchange's reports do."""
    returned = sent["headers"]["Message-ID"]
    return f"""From: Microsoft Outlook <postmaster@acmecorp.onmicrosoft.com>
To: {USER}
Subject: Undeliverable: Thank you for today
Date: Tue, 1 Dec 2026 01:00:40 +0000
Message-ID: <ndr-77@acmecorp.onmicrosoft.com>
In-Reply-To: {returned}
References: {returned}
X-MS-Exchange-Message-Is-Ndr:
Content-Type: text/plain; charset="utf-8"

Your message to jane@acme.com couldn't be delivered.
jane wasn't found at acme.com.

Diagnostic information for administrators:
Generating server: BN8PR.namprd.prod.outlook.com
jane@acme.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'
""".encode()


def test_a_recipient_side_bounce_pauses_naming_the_address(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    bounce = world.sandbox.deliver(postfix_dsn(sent), internal_date=at(30, 20, 1))
    world.sandbox.clear_log()
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "paused"
    assert "jane@acme.com bounced" in record["status_reason"]
    full = [
        r.path.rsplit("/", 1)[1]
        for r in world.sandbox.request_log()
        if r.method == "gmail.users.messages.get" and r.query.get("format") != "metadata"
    ]
    assert full == [bounce["id"]], "one full read, of the report only"
    world.tick(at(1, 16, 30, month=12))
    assert world.drafts() == [], "a paused sequence drafts nothing"


def test_a_text_only_exchange_report_pauses(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    world.sandbox.deliver(exchange_ndr(sent), internal_date=at(30, 20, 1))
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "paused"
    assert "jane@acme.com bounced" in record["status_reason"]


def test_a_delay_notice_is_not_a_bounce(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    world.sandbox.deliver(
        postfix_dsn(sent, action="delayed", status="4.4.1"), internal_date=at(30, 20, 1)
    )
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["check_in"]


ROBOTS_IN_THE_THREAD = [
    pytest.param(
        "Acme Careers <careers@acme.com>",
        {"List-Id": "Acme hiring <hiring.acme.com>", "Precedence": "list"},
        "Your message has been posted to the hiring list.",
        id="list",
    ),
    pytest.param(
        "hiring-owner@lists.acme.com",
        {},
        "Your message to hiring@lists.acme.com was rejected: you are not a member.",
        id="list-robot-rejection",
    ),
    pytest.param(
        "Jane Doe <jane@acme.com>",
        {"Precedence": "bulk"},
        "Thank you for your message. It has been received.",
        id="precedence-bulk",
    ),
    pytest.param(
        "Jane Doe <jane@acme.com>",
        {"Precedence": "junk"},
        "Dziękuję za wiadomość. Odpowiem po powrocie.",
        id="precedence-junk-unknown-language",
    ),
    pytest.param(
        "Jane Doe <jane@acme.com>",
        {},
        "I protect my inbox from spam. Please click the link below to confirm you are human "
        "and your message will be delivered: https://verify.example/abc",
        id="challenge-response",
    ),
]


@pytest.mark.parametrize(("sender", "headers", "body"), ROBOTS_IN_THE_THREAD)
def test_a_robot_in_the_thread_never_stops(
    world: World, sender: str, headers: dict, body: str
) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    message_id = sent["headers"]["Message-ID"]
    world.reply(
        sender=sender,
        subject="Re: " + sent["headers"]["Subject"],
        body=body,
        headers=headers,
        in_reply_to=message_id,
        when=at(30, 20, 5),
    )
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active"
    assert keys_of_drafts(world) == ["check_in"]


def ooo(world: World, body: str, date_header: str, when: datetime) -> None:
    """Jane's out-of-office reply with its own Date header."""
    world.reply(
        sender="Jane Doe <jane@acme.com>",
        subject="Automatic reply: Thank you",
        body=body,
        headers={"Auto-Submitted": "auto-replied", "Date": date_header},
        when=when,
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("I am away until May 5th with no access to email.", "more than 60 days after"),
        ("I am on leave and back on 2027-03-15.", "more than 60 days after"),
        ("I was back on November 20.", "already past"),
    ],
)
def test_an_implausible_return_date_moves_nothing(world: World, body: str, why: str) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    before = {k: s["due"] for k, s in steps(world).items()}
    ooo(world, body, "Mon, 30 Nov 2026 20:01:00 -0500", at(30, 20, 1))
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "active"
    assert {k: s["due"] for k, s in steps(world).items()} == before
    assert any(why in line and "ignored" in line for line in record["story"]), record["story"]


def test_a_return_date_is_read_relative_to_the_replys_own_date(world: World) -> None:
    interview_with_acme(world)
    sent_thank_you(world)
    # an old out-of-office written in April ("back May 5") that only arrives now: past
    ooo(world, "Out of the office, back May 5.", "Tue, 28 Apr 2026 09:00:00 -0400", at(30, 20, 1))
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert any("2026-05-05 ignored: already past" in line for line in record["story"])
    assert steps(world)[("check_in", "jane@acme.com")]["due"] == at(1, 16, 30, 12).isoformat()


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("Mail Delivery System <MDaemon@relay.hosting.example>", "Mancato recapito: Thank you"),
        ("Postmaster <pm@relay.hosting.example>", "Onbestelbaar: Thank you"),
        ("Servidor <mail@relay.hosting.example>", "Não entregue: Thank you"),
        ("Serwer <mail@relay.hosting.example>", "Wiadomość niedostarczona: Thank you"),
        ("Server <mail@relay.hosting.example>", "Kunde inte levereras: Thank you"),
        ("Mail Delivery Subsystem <mailer-daemon@relay.hosting.example>", "Mail delivery problem"),
    ],
)
def test_a_bounce_from_a_third_party_server_in_any_language_is_read(
    world: World, sender: str, subject: str
) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    raw = postfix_dsn(sent).replace(
        b"From: MAILER-DAEMON@mx1.acme.com (Mail Delivery System)", f"From: {sender}".encode()
    ).replace(b"Subject: Undelivered Mail Returned to Sender", f"Subject: {subject}".encode())
    world.sandbox.deliver(raw, internal_date=at(30, 20, 1))
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "paused", record["story"]
    assert "jane@acme.com bounced" in record["status_reason"]


def test_a_third_party_bounce_inside_a_history_gap_is_found(world: World) -> None:
    """A full sync (the history id expired) searches for delivery reports too: a report from a
    relay that is neither Acme's nor in the thank-you's thread still pauses the sequence."""
    interview_with_acme(world)
    sent = sent_thank_you(world)
    raw = postfix_dsn(sent).replace(
        b"From: MAILER-DAEMON@mx1.acme.com (Mail Delivery System)",
        b"From: Mail Delivery Subsystem <mailer-daemon@relay.hosting.example>",
    )
    world.sandbox.deliver(raw, internal_date=at(30, 20, 1))
    world.sandbox.expire_history()
    world.tick(at(30, 21))
    record = world.interview("Acme")
    assert record["status"] == "paused", record["story"]
    assert "jane@acme.com bounced" in record["status_reason"]
