"""Voicemail scripts as the drafts would carry them, and the question to ask at an interview."""

from __future__ import annotations

from datetime import date

from agent.core.compose import StepText, render_cue, render_voicemail
from agent.core.interviews import Contact, Interview
from agent.core.model import StepName
from agent.engine.context import Context
from agent.engine.sender import sender
from agent.engine.step_rows import plan_for, sent_days
from agent.store import sequences


def call_script(ctx: Context, key: str, step: StepName, contact: Contact, day: date) -> str:
    """The voicemail script of an email step for one contact, as of `day`.

    It takes the check-in's branch ("named" or "next_day") and named date from the plan and
    what this contact was actually sent, exactly as the draft of the same step does.
    """
    row = sequences.get_interview(ctx.store.conn, key)
    if row is None:
        raise KeyError(key)
    planned = next((p for p in plan_for(ctx, row).steps if p.name == step), None)
    branch = planned.branch if planned is not None and step == StepName.CHECK_IN else ""
    named = (
        planned.due.astimezone(ctx.zone).strftime("%A, %B %-d")
        if planned is not None and branch == "named"
        else None
    )
    text = StepText(
        step=step,
        interview=row.interview,
        to=contact,
        sender=sender(ctx, fetch=False),
        content=ctx.settings.content,
        today=day,
        branch=branch,
        follow_up_date=named,
        sent=tuple(sent_days(ctx, key, contact.email).items()),
    )
    return render_voicemail(text, ctx.templates)


def cue(ctx: Context, interview: Interview) -> str:
    """The question to ask the primary contact before the interview ends."""
    text = StepText(
        step=StepName.ASK,
        interview=interview,
        to=interview.primary,
        sender=sender(ctx, fetch=False),
        content=ctx.settings.content,
        today=interview.start.date(),
    )
    return render_cue(text, ctx.templates)
