"""Pure: a step of an interview + the user's templates -> a safe plain-text draft.

Event text (company, role, names, notes) only ever reaches a template as a variable
value, with control characters turned into spaces; header values go through
`agent.core.headers`, which encodes them and checks the serialized message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from agent.core.formats import day_name
from agent.core.headers import MAX_SUBJECT, build_message, display_name, verify_message
from agent.core.interviews import Contact, Interview
from agent.core.messages import RenderedDraft, ThreadRef
from agent.core.model import STEPS, StepName
from agent.core.settings import ContentSettings, UserSettings
from agent.core.templating import TemplateSet
from agent.core.text import as_written

log = logging.getLogger(__name__)

_REPLY_PREFIX = re.compile(r"^(?:\s*re\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def _when(interview_day: date, today: date) -> str:
    """How the interview day reads from `today`: 'today', 'yesterday' or 'on Tuesday, ...'."""
    if interview_day == today:
        return "today"
    if interview_day == today - timedelta(days=1):
        return "yesterday"
    return f"on {day_name(interview_day)}"


def _clean_contact(contact: Contact) -> Contact:
    """The contact as templates see it (name on one line)."""
    return Contact(email=as_written(contact.email), name=as_written(contact.name))


def template_context(
    *,
    step: StepName,
    interview: Interview,
    to: Contact,
    candidate_name: str,
    content: ContentSettings,
    user: UserSettings,
    branch: str = "",
    follow_up_date: str | None = None,
    today: date,
    sent: Mapping[StepName, date] | None = None,
) -> dict[str, Any]:
    """Every template variable (see templates/README.md) for one step and recipient.

    `sent` names the earlier emails this contact actually got, with the day each went out.
    """
    sent = sent or {}
    notes = interview.notes
    candidate = as_written(candidate_name or user.name)
    fit = [as_written(p) for p in (notes.fit or content.fit) if as_written(p)]
    strengths = [as_written(p) for p in (notes.strengths or content.strengths) if as_written(p)]
    day = interview.start.date()
    return {
        "candidate": candidate,
        "signature": user.signature.strip() or candidate,
        "candidate_phone": as_written(user.phone) or None,
        "contact": _clean_contact(to),
        "contacts": tuple(_clean_contact(c) for c in interview.contacts),
        "company": as_written(interview.company),
        "role": as_written(interview.role),
        "interview_date": day_name(day),
        "interview_when": _when(day, today),
        "fit": fit,
        "strengths": strengths,
        "start": as_written(notes.start) or None,
        "follow_up_date": as_written(follow_up_date) or None,
        "branch": branch,
        "step": step.value,
        "is_panel": len(interview.contacts) > 1,
        "phone": as_written(notes.phone) or None,
        "thank_you_sent": _sent_day(sent, StepName.THANK_YOU),
        "check_in_sent": _sent_day(sent, StepName.CHECK_IN),
    }


def _sent_day(sent: Mapping[StepName, date], step: StepName) -> str | None:
    """The day an earlier email went out, as templates show it, or None when it did not."""
    day = sent.get(step)
    return day_name(day) if day is not None else None


def reply_subject(thread_subject: str, fallback: str) -> str:
    """'Re: <thread subject>' without stacking prefixes ('Re: Re: x' -> 'Re: x')."""
    base = _REPLY_PREFIX.sub("", as_written(thread_subject, MAX_SUBJECT)).strip() or fallback
    return as_written("Re: " + base, MAX_SUBJECT + 4)


def _template_for(step: StepName, kind: str) -> str:
    """The step's template file of that kind ("email", "voicemail" or "cue")."""
    name: str | None = getattr(STEPS[step], f"{kind}_template")
    if name is None:
        raise ValueError(f"step {step.value!r} has no {kind} template")
    return name


def compose_draft(
    *,
    step: StepName,
    interview: Interview,
    to: Contact,
    sender: str,
    candidate_name: str,
    content: ContentSettings,
    user: UserSettings,
    templates: TemplateSet,
    key: str,
    thread: ThreadRef | None,
    branch: str = "",
    follow_up_date: str | None = None,
    today: date,
    sent: Mapping[StepName, date] | None = None,
) -> RenderedDraft:
    """The draft (raw RFC 822 bytes) and voicemail script for one step and recipient.

    Raises UnsafeHeader when an address or header cannot be made safe, and
    TemplateError when a template fails.
    """
    context = template_context(
        step=step, interview=interview, to=to, candidate_name=candidate_name, content=content,
        user=user, branch=branch, follow_up_date=follow_up_date, today=today, sent=sent,
    )
    text = templates.render_email(_template_for(step, "email"), context)
    subject = as_written(text.subject, MAX_SUBJECT)
    if thread is not None:
        subject = reply_subject(thread.subject, subject)
    from_name = display_name(context["candidate"])
    to_name = display_name(to.name)
    to_addr = to.email.strip()
    sender = sender.strip()
    msg = build_message(
        from_name=from_name, from_addr=sender, to_name=to_name, to_addr=to_addr,
        subject=subject, key=key, body=text.body,
        in_reply_to=thread.message_id_header if thread is not None else None,
        references=thread.references if thread is not None else "",
    )
    raw = msg.as_bytes()
    verify_message(
        raw, threaded=thread is not None, from_name=from_name, from_addr=sender,
        to_name=to_name, to_addr=to_addr, subject=subject, key=key,
    )
    voicemail = templates.render(_template_for(step, "voicemail"), context)
    log.debug("composed %s for %s (%d bytes)", step.value, to_addr, len(raw))
    return RenderedDraft(
        to=to,
        subject=subject,
        body=text.body,
        raw=raw,
        thread_id=thread.thread_id if thread is not None else None,
        voicemail=voicemail,
    )


def render_voicemail(
    *,
    step: StepName,
    interview: Interview,
    to: Contact,
    candidate_name: str,
    content: ContentSettings,
    user: UserSettings,
    templates: TemplateSet,
    branch: str = "",
    follow_up_date: str | None = None,
    today: date,
    sent: Mapping[StepName, date] | None = None,
) -> str:
    """The voicemail script of an email step, carrying the same points as its email."""
    context = template_context(
        step=step, interview=interview, to=to, candidate_name=candidate_name, content=content,
        user=user, branch=branch, follow_up_date=follow_up_date, today=today, sent=sent,
    )
    return templates.render(_template_for(step, "voicemail"), context)


def render_cue(
    interview: Interview,
    templates: TemplateSet,
    *,
    candidate_name: str = "",
    content: ContentSettings | None = None,
    user: UserSettings | None = None,
    today: date | None = None,
) -> str:
    """The `ask` cue: the question to ask the primary contact before the interview ends."""
    context = template_context(
        step=StepName.ASK, interview=interview, to=interview.primary,
        candidate_name=candidate_name, content=content or ContentSettings(),
        user=user or UserSettings(), today=today or interview.start.date(),
    )
    return templates.render(_template_for(StepName.ASK, "cue"), context).strip()
