"""`followup agenda`: what the candidate should do today and tomorrow, from state.db alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agent.cli.offline import short_id
from agent.core.etiquette import WAITING_PREFIX
from agent.core.formats import clock, day_heading
from agent.core.model import EMAIL_STEPS, STEPS, UNSETTLED, InterviewStatus, StepName, StepState
from agent.core.text import one_line
from agent.engine.context import Context
from agent.engine.draft_life import contact_for
from agent.engine.scripts import call_script, cue
from agent.store import sequences


@dataclass(frozen=True)
class Item:
    """One thing to do."""

    at: datetime
    kind: str  # ask | draft | call
    title: str
    text: str
    interview: str = ""  # the short id `followup status` shows


def agenda(ctx: Context, now: datetime) -> dict[date, list[Item]]:
    """Today's and tomorrow's cues, waiting drafts and calls, by day, in time order."""
    today = now.astimezone(ctx.zone).date()
    days = (today, today + timedelta(days=1))
    items: dict[date, list[Item]] = {d: [] for d in days}
    conn = ctx.store.conn
    for row in sequences.list_interviews(conn, [InterviewStatus.ACTIVE]):
        iv = row.interview
        label = one_line(iv.company or iv.title)
        ident = short_id(iv.key)
        for step in sequences.get_steps(conn, iv.key):
            day = step.due.astimezone(ctx.zone).date()
            if step.step == StepName.ASK and day in items and step.state == StepState.PLANNED:
                who = one_line(iv.primary.name or iv.primary.email)
                question = cue(ctx, iv)
                title = f"{label}: before it ends, ask {who}"
                items[day].append(Item(step.due, "ask", title, question, ident))
            if step.step not in EMAIL_STEPS:
                continue
            contact = contact_for(iv, step.recipient)
            who = one_line(contact.name or contact.email)
            what = STEPS[step.step].label
            if step.state == StepState.PLANNED and step.reason.startswith(WAITING_PREFIX):
                title = f"{label}: the {what} to {who} is {one_line(step.reason)}"
                hint = "send that draft when it reads right, or delete it to move on"
                items[today].append(Item(step.due, "waiting", title, hint, ident))
                continue
            if step.state == StepState.DRAFTED:
                items[today].append(
                    Item(
                        step.due,
                        "draft",
                        f"{label}: {what} draft to {who} is waiting in Gmail",
                        "read it, make it yours, and send it",
                        ident,
                    )
                )
            waiting = step.state in (*UNSETTLED, StepState.DRAFTED)
            if waiting and day in items:
                script = call_script(ctx, iv.key, step.step, contact, day)
                phone = one_line(iv.notes.phone or "") or (
                    f"no number noted (followup note {ident} phone NUMBER)"
                )
                title = f"{label}: call {who} ({what}) at {phone}"
                items[day].append(Item(step.due, "call", title, script, ident))
    return {d: sorted(v, key=lambda i: (i.at, i.kind, i.title)) for d, v in items.items()}


def render_agenda(ctx: Context, now: datetime) -> str:
    """The agenda as text."""
    today = now.astimezone(ctx.zone).date()
    lines: list[str] = []
    for day, items in agenda(ctx, now).items():
        name = "Today" if day == today else "Tomorrow"
        lines.append(f"{name}, {day_heading(day)}:")
        if not items:
            lines.append("  nothing to do")
        for item in items:
            local = item.at.astimezone(ctx.zone)
            # carried over from an earlier day: say which, so the order reads right
            when = clock(item.at, ctx.zone)
            if local.date() != day:
                when = f"{local:%a} {local.day} {when}"
            lines.append(f"  {when}  [{item.kind}] {item.title}")
            for text_line in item.text.strip().splitlines():
                lines.append(f"         {text_line}" if text_line.strip() else "")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def agenda_json(ctx: Context, now: datetime) -> dict:
    """The agenda as data: each day with its items in time order."""
    return {
        "days": [
            {
                "date": day.isoformat(),
                "items": [
                    {
                        "at": item.at.isoformat(),
                        "kind": item.kind,
                        "interview": item.interview,
                        "title": item.title,
                        "text": item.text.strip(),
                    }
                    for item in items
                ],
            }
            for day, items in agenda(ctx, now).items()
        ]
    }
