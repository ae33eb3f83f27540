"""Voicemail scripts as the drafts would carry them: same branch, named date and history."""

from __future__ import annotations

from datetime import date

from agent.core.compose import render_voicemail
from agent.core.interviews import Contact
from agent.core.model import StepName
from agent.engine.context import Context
from agent.engine.sender import sign
from agent.engine.step_rows import plan_for, sent_days
from agent.store import sequences


def call_script(ctx: Context, key: str, step: StepName, contact: Contact, day: date) -> str:
    """The voicemail script of an email step for one contact, as of `day`.

    It takes the check-in's branch ("named" or "next_day") and named date from the plan and
    what this contact was actually sent, exactly as the draft of the same step does.
    """
    sign(ctx, fetch=False)
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
    return render_voicemail(
        step=step,
        interview=row.interview,
        to=contact,
        candidate_name=ctx.settings.user.name,
        content=ctx.settings.content,
        user=ctx.settings.user,
        templates=ctx.templates,
        branch=branch,
        follow_up_date=named,
        today=day,
        sent=sent_days(ctx, key, contact.email),
    )
