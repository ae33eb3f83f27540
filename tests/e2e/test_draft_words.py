"""The words of the drafts: natural without a role, company or name; true to what was sent."""

from __future__ import annotations

import re

import pytest

from agent.core.compose import (
    EMAIL_TEMPLATES,
    TEMPLATE_NAMES,
    Sender,
    StepText,
    template_context,
)
from agent.core.interviews import Contact, Interview
from agent.core.model import StepName
from agent.core.settings import ContentSettings
from agent.files.templates import load_templates
from tests.e2e.helpers import at, parsed
from tests.e2e.world import World

BAD = re.compile(r"\bthe the\b|\brole role\b|  |\s[.,;:]|\[your name\]|\bat \.", re.I)


def test_unknown_role_reads_naturally(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    record = world.interview("Acme")
    assert (record["company"], record["role"]) == ("Acme", "")
    assert "the role" not in world.cli("status").output
    world.tick(at(30, 19))
    [draft] = world.drafts()
    message = parsed(draft)
    assert message["Subject"] == "Thank you for the interview at Acme"
    body = message.get_content().replace("\r\n", "\n")
    assert "Thank you for taking the time to meet with me today about the position at Acme." in body
    assert not BAD.search(body), body
    preview = world.cli("preview", record["id"], "check_in").output
    assert "Subject: Following up on our interview at Acme" in preview
    assert not BAD.search(preview), preview


def test_unknown_company_and_role_read_naturally(world: World) -> None:
    world.add_interview(
        summary="Interview", start=at(30, 14), interviewers=(("", "jane@gmail.com"),)
    )
    world.tick(at(30, 9))
    record = world.interview("Interview")
    assert (record["company"], record["role"]) == ("", "")
    world.tick(at(30, 19))
    [draft] = world.drafts()
    message = parsed(draft)
    assert message["Subject"] == "Thank you for the interview"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Hello,\n\nThank you for taking the time to meet with me today. ")
    for step in ("check_in", "reminder"):
        out = world.cli("preview", record["id"], step).output
        assert not BAD.search(out), out
        assert "Subject: " in out


def _interview(company: str, role: str, name: str) -> Interview:
    """A one-interviewer interview with some fields missing."""
    jane = Contact(email="jane@acme.example", name=name)
    return Interview(
        key="primary/e1", calendar_id="primary", event_id="e1", title="Interview",
        start=at(30, 14), end=at(30, 15), contacts=(jane,), primary=jane,
        company=company, role=role,
    )


@pytest.mark.parametrize("company", ["", "Acme"])
@pytest.mark.parametrize("role", ["", "Backend Engineer"])
@pytest.mark.parametrize("name", ["", "Jane Doe"])
@pytest.mark.parametrize("user_name", ["", "Casey Candidate"])
@pytest.mark.parametrize("branch", ["named", "next_day"])
def test_every_default_template_reads_naturally_with_missing_fields(
    company: str, role: str, name: str, user_name: str, branch: str
) -> None:
    templates = load_templates(None)
    interview = _interview(company, role, name)
    for template in TEMPLATE_NAMES:
        step = StepName(template.split(".")[0])
        context = template_context(StepText(
            step=step, interview=interview, to=interview.primary,
            sender=Sender(address="", name=user_name, signature=""),
            content=ContentSettings(), branch=branch, today=at(30, 19).date(),
        ))
        if template in EMAIL_TEMPLATES:
            text = templates.render_email(template, context)
            words = text.subject + "\n" + text.body
        else:
            words = templates.render(template, context)
        assert not BAD.search(words), (template, words)
        assert "None" not in words, (template, words)
