"""`followup preview`: a step's drafts and voicemail script, rendered from state alone."""

from __future__ import annotations

import email
import email.policy

import click

from agent.cli.options import Obj, current_time
from agent.cli.state import find_interview, offline_pass
from agent.core.compose import compose_draft
from agent.core.errors import NotFound
from agent.core.formats import moment
from agent.core.headers import UnsafeHeader
from agent.core.model import EMAIL_STEPS, UNSETTLED, StepName
from agent.core.text import printable
from agent.engine.sequence import planned_step
from agent.engine.wording import draft_key, step_text, thread_for
from agent.store import sequences
from agent.store.db import open_store


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


@click.command()
@click.argument("interview_id")
@click.argument("step", required=False)
@click.pass_obj
def preview(obj: Obj, interview_id: str, step: str | None) -> None:
    """Show the rendered draft(s) and voicemail script of a step (default: the next one)."""
    settings = obj.settings()
    now = current_time()
    with open_store(settings.paths.state_db) as store:
        p = offline_pass(settings, store, now)
        seq = p.sequence(find_interview(store, interview_id).interview.key)
        assert seq is not None
        name = _pick_step(step, seq.steps)
        planned = planned_step(seq, name)
        assert planned is not None
        out: list[str] = []
        for contact in planned.recipients:
            when = moment(planned.due, p.zone)
            out.append(f"=== {name.value} to {printable(contact.email)} (due {when}) ===")
            try:
                rendered = compose_draft(
                    step_text(seq, planned, contact, now.astimezone(p.zone).date()),
                    p.session.templates,
                    key=draft_key(p, seq.key, name, contact.email),
                    thread=thread_for(seq, contact.email, name),
                )
            except UnsafeHeader as exc:
                out += [f"no draft: unsafe header: {printable(str(exc))}", ""]
                continue
            parsed = email.message_from_bytes(rendered.raw, policy=email.policy.default)
            for header in ("From", "To", "Subject", "In-Reply-To"):
                if parsed[header]:
                    out.append(f"{header}: {parsed[header]}")
            out += ["", rendered.body.rstrip(), "", "--- voicemail script ---"]
            out += [rendered.voicemail.rstrip(), ""]
    click.echo("\n".join(out))
