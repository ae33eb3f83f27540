"""`followup preview`: a step's drafts and voicemail script, rendered from state alone."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import datetime

from agent.cli.offline import find_interview, offline_context
from agent.core.compose import StepText, TemplateSet, compose_draft
from agent.core.errors import NotFound
from agent.core.formats import day_name, moment
from agent.core.headers import UnsafeHeader
from agent.core.model import EMAIL_STEPS, UNSETTLED, StepName
from agent.core.settings import Settings
from agent.core.text import printable
from agent.engine.draft_life import thread_for
from agent.engine.keys import draft_key
from agent.engine.sender import sender
from agent.engine.step_rows import plan_for, sent_days
from agent.store import sequences
from agent.store.db import Store


def _pick_step(name: str | None, rows: list[sequences.StepRow]) -> StepName:
    """The step asked for, else the next email step still waiting, else the thank-you."""
    if name:
        try:
            step = StepName(name.lower().replace("-", "_"))
        except ValueError:
            choices = ", ".join(s.value for s in EMAIL_STEPS)
            raise NotFound(f"no step {name!r}; use one of: {choices}") from None
        if step not in EMAIL_STEPS:
            raise NotFound(f"{step.value} has no draft; preview one of the email steps")
        return step
    for row in rows:
        if row.step in EMAIL_STEPS and row.state in UNSETTLED:
            return row.step
    return StepName.THANK_YOU


def render_preview(
    settings: Settings,
    store: Store,
    templates: TemplateSet,
    ident: str,
    step_name: str | None,
    now: datetime,
) -> str:
    """The drafts one step would make (or made), as text, with the voicemail scripts."""
    ctx = offline_context(settings, store, templates)
    row = find_interview(store, ident)
    rows = sequences.get_steps(store.conn, row.interview.key)
    step = _pick_step(step_name, rows)
    planned = next(p for p in plan_for(ctx, row).steps if p.name == step)
    who = sender(ctx, fetch=False)
    who = replace(who, address=who.address or "you@example.com")
    out: list[str] = []
    for contact in planned.recipients:
        fake_row = sequences.StepRow(
            row.interview.key,
            step,
            contact.email,
            planned.due,
            sequences.StepState.PLANNED,
            None,
            None,
            None,
            None,
            "",
            now,
        )
        when = moment(planned.due, ctx.zone)
        out.append(f"=== {step.value} to {printable(contact.email)} (due {when}) ===")
        try:
            text = StepText(
                step=step,
                interview=row.interview,
                to=contact,
                sender=who,
                content=settings.content,
                today=now.astimezone(ctx.zone).date(),
                branch=planned.branch,
                follow_up_date=day_name(planned.due) if planned.branch == "named" else None,
                sent=tuple(sent_days(ctx, row.interview.key, contact.email).items()),
            )
            thread = thread_for(ctx, row.interview.key, contact.email, step)
            rendered = compose_draft(text, templates, key=draft_key(ctx, fake_row), thread=thread)
        except UnsafeHeader as exc:
            out += [f"no draft: unsafe header: {printable(str(exc))}", ""]
            continue
        parsed = email.message_from_bytes(rendered.raw, policy=email.policy.default)
        for header in ("From", "To", "Subject", "In-Reply-To"):
            if parsed[header]:
                out.append(f"{header}: {parsed[header]}")
        out.append("")
        out.append(rendered.body.rstrip())
        out.append("")
        out.append("--- voicemail script ---")
        out.append(rendered.voicemail.rstrip())
        out.append("")
    return "\n".join(out)
