"""Outsiders' text from calendar events reaches drafts and status as data, never as code."""

from __future__ import annotations

import email
import email.policy
import json

import pytest

from tests.e2e.helpers import at
from tests.e2e.world import USER, World

JANE = "jane@acme.com"
TEMPLATE_EXPR = "{{ 7*7 }}"
TEMPLATE_LOOP = "{% for x in range(3) %}x{% endfor %}"
CRLF_BCC = "Acme\r\nBcc: evil@x.com"
ENCODED_LF = "=?UTF-8?Q?=0A?=Bcc: x@y"
NON_LATIN = "日本語 Ελληνικά العربية"
HUGE = "Ω" + "long " * 2000  # 10,001 characters
ESCAPES = "Acme\x1b[2J\x1b]0;pwned\x07\x08\x00\u2028end"
HOSTILE = [TEMPLATE_EXPR, TEMPLATE_LOOP, CRLF_BCC, ENCODED_LF, NON_LATIN, HUGE, ESCAPES]
IDS = ["jinja-expr", "jinja-loop", "crlf-bcc", "encoded-lf", "non-latin", "10k", "escapes"]
PLAIN_HEADERS = [
    "From",
    "To",
    "Subject",
    "X-Followup-Key",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
]


def message(draft: dict) -> email.message.EmailMessage:
    """A sandbox draft parsed with the modern policy."""
    return email.message_from_bytes(draft["raw"], policy=email.policy.default)


def header_block(draft: dict) -> str:
    """The raw header section of a draft, as bytes decoded for searching."""
    head, _, _ = draft["raw"].partition(b"\r\n\r\n")
    if head == draft["raw"]:
        head, _, _ = draft["raw"].partition(b"\n\n")
    return head.decode("ascii")


def assert_safe_draft(draft: dict, *, threaded: bool = False) -> email.message.EmailMessage:
    """Exactly the intended headers, one To (the contact), no Bcc/Cc, no evaluated template."""
    msg = message(draft)
    expected = list(PLAIN_HEADERS)
    if threaded:
        expected[3:3] = ["In-Reply-To", "References"]
    assert sorted(msg.keys()) == sorted(expected)
    head = header_block(draft)
    unfolded = [line for line in head.split("\r\n") if line and line[0] not in " \t"]
    assert [line.split(":", 1)[0] for line in unfolded] == list(msg.keys())
    assert not any(line.lower().startswith(("bcc", "cc")) for line in head.splitlines())
    [to] = msg["To"].addresses
    assert to.addr_spec == JANE
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
    assert "\x1b" not in str(msg["Subject"]) and "\x1b" not in to.display_name
    body = msg.get_content()
    assert "49" not in body, "a template expression from the event was evaluated"
    assert "xxx" not in body, "a template loop from the event was run"
    assert "\x1b" not in body and "\x00" not in body
    assert not any(line.lower().startswith("bcc:") for line in body.splitlines())
    return msg


def assert_clean_status(world: World) -> None:
    """`followup status` prints no raw control characters (terminal escapes, CR)."""
    text = world.cli("status").output
    assert "\x1b" not in text and "\r" not in text and "\x00" not in text and "\x07" not in text
    data = json.loads(world.cli("status", "--json").stdout)
    assert data["interviews"]


def run_to_thank_you(world: World) -> dict:
    """Tick through the interview day; the one thank-you draft."""
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    return draft


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_hostile_company_role_and_fit_notes(world: World, text: str) -> None:
    world.add_interview(
        summary="Interview with Acme",
        start=at(30, 14),
        description=f"Company: {text}\nRole: {text}\nFit: {text}\nStrengths: {text}",
    )
    msg = assert_safe_draft(run_to_thank_you(world))
    body = msg.get_content()
    if text in (TEMPLATE_EXPR, TEMPLATE_LOOP, NON_LATIN):
        assert text in body, "the note appears literally"
        assert text in str(msg["Subject"])
    assert_clean_status(world)


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_hostile_title(world: World, text: str) -> None:
    world.add_interview(summary=f"Interview: {text}", start=at(30, 14))
    assert_safe_draft(run_to_thank_you(world))
    assert_clean_status(world)


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_hostile_attendee_display_name(world: World, text: str) -> None:
    world.add_interview(
        summary="Interview with Acme", start=at(30, 14), interviewers=((text, JANE),)
    )
    msg = assert_safe_draft(run_to_thank_you(world))
    if text in (TEMPLATE_EXPR, NON_LATIN):
        assert msg["To"].addresses[0].display_name == text
    assert_clean_status(world)


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_hostile_contact_line(world: World, text: str) -> None:
    world.add_interview(
        summary="Interview with Acme",
        start=at(30, 14),
        description=f"Contact: {text} <{JANE}>",
        interviewers=(("Jane Doe", JANE),),
    )
    assert_safe_draft(run_to_thank_you(world))
    assert_clean_status(world)


def test_everything_hostile_at_once_through_the_week(world: World) -> None:
    world.add_interview(
        summary=f"{TEMPLATE_LOOP} interview {CRLF_BCC} {ESCAPES}",
        start=at(30, 14),
        description="\n".join(
            [
                f"Company: {ENCODED_LF}",
                f"Role: {NON_LATIN} {TEMPLATE_EXPR}",
                f"Fit: {HUGE}",
                f"Fit: {TEMPLATE_LOOP}",
                f"Start: {CRLF_BCC}",
                f"Phone: {ESCAPES}",
                "Follow-up: Thursday",
            ]
        ),
        interviewers=((f"{ENCODED_LF} {TEMPLATE_EXPR}", JANE),),
    )
    thank_you = run_to_thank_you(world)
    assert_safe_draft(thank_you)
    sent = world.sandbox.user_send_draft(thank_you["id"])
    world.tick(at(30, 20))
    world.tick(at(3, 10, month=12))
    [check_in] = world.drafts()
    msg = assert_safe_draft(check_in, threaded=True)
    assert msg["In-Reply-To"] == message(world.sandbox.get_message(sent["id"]))["Message-ID"]
    assert TEMPLATE_EXPR in msg.get_content()
    preview = world.cli("preview", world.interview("interview")["id"], "reminder").output
    assert "49" not in preview and "xxx" not in preview
    assert "\x1b" not in preview and "\r" not in preview
    assert_clean_status(world)


def test_control_characters_in_an_attendee_address_stay_out_of_status(world: World) -> None:
    world.sandbox.add_event(
        summary="Interview with Acme",
        start=at(30, 14),
        end=at(30, 15),
        attendees=[
            {"email": USER, "responseStatus": "accepted", "self": True},
            {"email": "jane\r\x1b]0;pwned\x07\x1b[2J@acme.com", "responseStatus": "accepted"},
        ],
        organizer={"email": USER},
    )
    world.tick(at(30, 9))
    ticked = world.tick(at(30, 19)).output
    assert "skipped: thank_you" in ticked
    assert "\r" not in ticked and "\x07" not in ticked and "\x1b" not in ticked
    assert world.drafts() == []
    [row] = [s for s in world.interview("Acme")["steps"] if s["step"] == "thank_you"]
    assert row["state"] == "skipped" and "unsafe header" in row["reason"]
    preview = world.cli("preview", world.interview("Acme")["id"], "thank_you").output
    assert "no draft: unsafe header" in preview
    assert "\x07" not in preview and "\x1b" not in preview and "\r" not in preview
    for args in (("status",), ("status", "--color")):
        text = world.cli(*args).output
        assert "\r" not in text and "\x07" not in text and "\x1b]" not in text
        assert "\x1b[2j" not in text.lower(), "an outsider's terminal escape reached the screen"
    assert_clean_status(world)


def test_check_in_to_a_non_latin_subject_stays_in_its_thread(world: World) -> None:
    world.add_interview(
        summary="Interview with Acme",
        start=at(30, 14),
        description=f"Role: {NON_LATIN}\nFollow-up: Thursday",
    )
    thank_you = run_to_thank_you(world)
    sent = world.sandbox.user_send_draft(thank_you["id"])
    world.tick(at(30, 20))
    world.tick(at(3, 10, month=12))
    [check_in] = world.drafts()
    msg = assert_safe_draft(check_in, threaded=True)
    original = message(world.sandbox.get_message(sent["id"]))
    assert str(msg["Subject"]) == "Re: " + str(original["Subject"])
    assert check_in["threadId"] == sent["threadId"], "the reply draft left the thread"
