"""Drafts are signed: the settings' name and signature, else the Gmail account's (sendAs)."""

from __future__ import annotations

import email
import email.policy

from tests.e2e.helpers import at
from tests.e2e.world import World

SIG_HTML = (
    '<div dir="ltr">Casey Candidate<br>Backend Engineer &amp; SRE'
    '<div><a href="tel:+15550100">+1 555 0100</a></div><style>p{color:red}</style></div>'
)


def unsigned(world: World) -> None:
    """Settings without [user] name and signature."""
    config = world.home / "config.toml"
    lines = config.read_text().splitlines()
    kept = [x for x in lines if not x.startswith(("name =", "signature ="))]
    config.write_text("\n".join(kept) + "\n")


def thank_you(world: World) -> email.message.EmailMessage:
    """Jane's interview drafted at 19:00; the thank-you, parsed."""
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [draft] = world.drafts()
    return email.message_from_bytes(draft["raw"], policy=email.policy.default)  # type: ignore[return-value]


def text_of(message: email.message.EmailMessage) -> str:
    """The body with plain line ends."""
    return message.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]


def test_name_and_signature_come_from_gmail_when_settings_leave_them_empty(world: World) -> None:
    unsigned(world)
    world.sandbox.set_send_as(display_name="Casey Q. Candidate", signature=SIG_HTML)
    message = thank_you(world)
    assert message["From"].addresses[0].display_name == "Casey Q. Candidate"
    assert text_of(message).endswith(
        "Best regards,\nCasey Candidate\nBackend Engineer & SRE\n+1 555 0100\n"
    )
    ident = world.interview("Acme")["id"]
    script = world.cli("preview", ident, "thank_you").output
    assert "this is Casey Q. Candidate." in script
    assert "[your name]" not in script
    doctor = world.cli("doctor").output
    assert 'name "Casey Q. Candidate" (from Gmail)' in doctor
    assert "Backend Engineer & SRE" in doctor


def test_settings_override_gmail(world: World) -> None:
    world.sandbox.set_send_as(display_name="Someone Else", signature="<b>Other</b>")
    message = thank_you(world)
    assert str(message["From"]) == "Casey Candidate <candidate@example.com>"
    assert text_of(message).endswith("Best regards,\nCasey Candidate\n+1 555 0100\n")
    assert "Someone Else" not in text_of(message) and "Other" not in text_of(message)
    assert 'name "Casey Candidate" (from settings)' in world.cli("doctor").output


def test_doctor_warns_when_drafts_would_be_unsigned(world: World) -> None:
    unsigned(world)
    out = world.cli("doctor").output
    [line] = [x for x in out.splitlines() if " sender " in f" {x} "]
    assert line.startswith("WARN")
    assert "no name" in line and "[user] name" in line
    message = thank_you(world)
    assert text_of(message).endswith("Best regards,\n")
