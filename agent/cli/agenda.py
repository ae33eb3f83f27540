"""`followup agenda`: what the candidate should do today and tomorrow, from state.db alone."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import click

from agent.cli.health import problem_line
from agent.cli.options import Obj, current_time
from agent.cli.state import offline_pass, short_id
from agent.core.etiquette import WAITING_PREFIX
from agent.core.formats import clock, day_heading
from agent.core.model import EMAIL_STEPS, STEPS, UNSETTLED, InterviewStatus, StepName, StepState
from agent.core.text import one_line
from agent.engine.sequence import planned_step
from agent.engine.wording import cue, voicemail
from agent.engine.work import Pass
from agent.store import kv
from agent.store.db import open_store


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def agenda(obj: Obj, as_json: bool) -> None:
    """What to do today and tomorrow: questions to ask, drafts waiting in Gmail, calls to make."""
    settings = obj.settings()
    now = current_time()
    with open_store(settings.paths.state_db) as store:
        p = offline_pass(settings, store, now)
        if as_json:
            click.echo(json.dumps(agenda_json(p, now), indent=2, ensure_ascii=False))
            return
        problem = problem_line(kv.last_pass(store.conn), now, p.zone)
        if problem:
            click.echo(problem)
        click.echo(render_agenda(p, now), nl=False)


@dataclass(frozen=True)
class Item:
    """One thing to do."""

    at: datetime
    kind: str  # ask | draft | call
    title: str
    text: str
    interview: str = ""  # the short id `followup status` shows


def todo(p: Pass, now: datetime) -> dict[date, list[Item]]:
    """Today's and tomorrow's cues, waiting drafts and calls, by day, in time order."""
    today = now.astimezone(p.zone).date()
    days = (today, today + timedelta(days=1))
    items: dict[date, list[Item]] = {d: [] for d in days}
    for seq in p.watched((InterviewStatus.ACTIVE,)):
        iv = seq.interview
        label = one_line(iv.company or iv.title)
        ident = short_id(iv.key)
        for step in seq.steps:
            day = step.due.astimezone(p.zone).date()
            if step.step == StepName.ASK and day in items and step.state == StepState.PLANNED:
                who = one_line(iv.primary.name or iv.primary.email)
                question = cue(p, iv)
                title = f"{label}: before it ends, ask {who}"
                items[day].append(Item(step.due, "ask", title, question, ident))
            if step.step not in EMAIL_STEPS:
                continue
            contact = seq.contact(step.recipient)
            who = one_line(contact.name or contact.email)
            what = STEPS[step.step].label
            if step.state == StepState.PLANNED and step.reason.startswith(WAITING_PREFIX):
                title = f"{label}: the {what} to {who} is {one_line(step.reason)}"
                hint = "send that draft when it reads right, or delete it to move on"
                items[today].append(Item(step.due, "waiting", title, hint, ident))
                continue
            if step.state == StepState.DRAFTED:
                title = f"{label}: {what} draft to {who} is waiting in Gmail"
                hint = "read it, make it yours, and send it"
                items[today].append(Item(step.due, "draft", title, hint, ident))
            waiting = step.state in (*UNSETTLED, StepState.DRAFTED)
            planned = planned_step(seq, step.step) if waiting and day in items else None
            if planned is not None:
                script = voicemail(seq, planned, contact, day)
                phone = one_line(iv.notes.phone or "") or (
                    f"no number noted (followup note {ident} phone NUMBER)"
                )
                title = f"{label}: call {who} ({what}) at {phone}"
                items[day].append(Item(step.due, "call", title, script, ident))
    return {d: sorted(v, key=lambda i: (i.at, i.kind, i.title)) for d, v in items.items()}


def render_agenda(p: Pass, now: datetime) -> str:
    """The agenda as text."""
    today = now.astimezone(p.zone).date()
    lines: list[str] = []
    for day, items in todo(p, now).items():
        name = "Today" if day == today else "Tomorrow"
        lines.append(f"{name}, {day_heading(day)}:")
        if not items:
            lines.append("  nothing to do")
        for item in items:
            local = item.at.astimezone(p.zone)
            # carried over from an earlier day: say which, so the order reads right
            when = clock(item.at, p.zone)
            if local.date() != day:
                when = f"{local:%a} {local.day} {when}"
            lines.append(f"  {when}  [{item.kind}] {item.title}")
            for text_line in item.text.strip().splitlines():
                lines.append(f"         {text_line}" if text_line.strip() else "")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def agenda_json(p: Pass, now: datetime) -> dict[str, Any]:
    """The agenda as data: each day with its items in time order."""
    days = []
    for day, items in todo(p, now).items():
        rows = [{**asdict(i), "at": i.at.isoformat(), "text": i.text.strip()} for i in items]
        days.append({"date": day.isoformat(), "items": rows})
    return {"days": days}
