"""Voicemail scripts and the `ask` cue, rendered with the user's own settings."""

from __future__ import annotations

from datetime import date

from agent.core.compose import render_cue, render_voicemail
from agent.core.model import Contact, Interview, StepName
from agent.core.settings import Settings
from agent.core.templating import TemplateSet


def voicemail(
    settings: Settings,
    templates: TemplateSet,
    step: StepName,
    interview: Interview,
    contact: Contact,
    day: date,
) -> str:
    """The voicemail script of an email step for one contact, as of `day`."""
    return render_voicemail(
        step=step,
        interview=interview,
        to=contact,
        candidate_name=settings.user.name,
        content=settings.content,
        user=settings.user,
        templates=templates,
        today=day,
    )


def cue(settings: Settings, templates: TemplateSet, interview: Interview) -> str:
    """The question to ask before the interview ends."""
    return render_cue(
        interview,
        templates,
        candidate_name=settings.user.name,
        content=settings.content,
        user=settings.user,
    )
