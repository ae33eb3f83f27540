"""The `ask` cue, rendered with the user's own settings (voicemail scripts: engine/scripts.py)."""

from __future__ import annotations

from agent.core.compose import render_cue
from agent.core.interviews import Interview
from agent.core.settings import Settings
from agent.core.templating import TemplateSet


def cue(settings: Settings, templates: TemplateSet, interview: Interview) -> str:
    """The question to ask before the interview ends."""
    return render_cue(
        interview,
        templates,
        candidate_name=settings.user.name,
        content=settings.content,
        user=settings.user,
    )
