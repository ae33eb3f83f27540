"""What `followup status` shows: one record per interview, as JSON or text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.cli.offline import short_id
from agent.core.formats import clock, moment
from agent.core.model import UNSETTLED, Rejection
from agent.core.text import printable
from agent.store import sequences
from agent.store.db import Store
from agent.store.set_aside import SetAside


@dataclass(frozen=True)
class StepView:
    """One step row as shown."""

    step: str
    recipient: str
    due: datetime
    state: str
    draft_id: str | None
    reason: str


@dataclass(frozen=True)
class InterviewView:
    """One interview as shown."""

    id: str
    key: str
    title: str
    company: str
    role: str
    start: datetime
    end: datetime
    status: str
    status_reason: str
    status_at: datetime | None
    contacts: tuple[str, ...]
    primary: str
    steps: tuple[StepView, ...]
    story: tuple[str, ...]
    ignored_notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # plan warnings told by a tick (unreadable follow-up, ...)


def _contact_text(name: str, email: str) -> str:
    """'Name <email>' for display."""
    return f"{name} <{email}>" if name else email


def collect(store: Store, zone: ZoneInfo) -> list[InterviewView]:
    """Every interview with its steps and story."""
    conn = store.conn
    views = []
    for row in sequences.list_interviews(conn):
        iv = row.interview
        steps = tuple(
            StepView(
                s.step.value,
                printable(s.recipient),
                s.due,
                s.state.value,
                s.draft_id,
                printable(s.reason),
            )
            for s in sequences.get_steps(conn, iv.key)
        )
        journal = sequences.read_journal(conn, iv.key)
        story = tuple(f"{moment(e.at, zone)}  {e.kind}: {printable(e.detail)}" for e in journal)
        warnings = tuple(printable(e.detail) for e in journal if e.kind == "warning")
        views.append(
            InterviewView(
                id=short_id(iv.key),
                key=iv.key,
                title=printable(iv.title),
                company=printable(iv.company),
                role=printable(iv.role),
                start=iv.start,
                end=iv.end,
                status=row.status.value,
                status_reason=printable(row.status_reason),
                status_at=row.status_at,
                contacts=tuple(printable(_contact_text(c.name, c.email)) for c in iv.contacts),
                primary=printable(iv.primary.email),
                steps=steps,
                story=story,
                ignored_notes=tuple(printable(n) for n in iv.notes.ignored),
                warnings=warnings,
            )
        )
    return views


def to_json(
    views: list[InterviewView],
    rejections: list[tuple[Rejection, datetime | None]],
    aside: Sequence[SetAside] = (),
) -> dict:
    """The --json document."""
    return {
        "interviews": [
            {
                "id": v.id,
                "key": v.key,
                "title": v.title,
                "company": v.company,
                "role": v.role,
                "start": v.start.isoformat(),
                "end": v.end.isoformat(),
                "status": v.status,
                "status_reason": v.status_reason,
                "status_at": v.status_at.isoformat() if v.status_at else None,
                "contacts": list(v.contacts),
                "primary": v.primary,
                "warnings": list(v.warnings),
                "steps": [
                    {
                        "step": s.step,
                        "recipient": s.recipient,
                        "due": s.due.isoformat(),
                        "state": s.state,
                        "draft_id": s.draft_id,
                        "reason": s.reason,
                    }
                    for s in v.steps
                ],
                "story": list(v.story),
                "ignored_notes": list(v.ignored_notes),
            }
            for v in views
        ],
        "ignored": [
            {
                "event": r.event_id,
                "title": r.title,
                "reason": r.reason,
                "start": start.isoformat() if start else None,
            }
            for r, start in rejections
        ],
        "set_aside": [
            {
                "kind": a.kind,
                "id": a.item_id,
                "title": printable(a.title),
                "reason": printable(a.reason),
                "at": a.at.isoformat(),
            }
            for a in aside
        ],
    }


MARKS = {
    "planned": "·",
    "intent": "…",
    "drafted": "✉",
    "sent": "✓",
    "sent_by_user": "✓",
    "dismissed": "✗",
    "skipped": "↷",
    "stopped": "■",
    "done": "✓",
}
COLOURS = {
    "drafted": "cyan",
    "sent": "green",
    "sent_by_user": "green",
    "done": "green",
    "dismissed": "yellow",
    "skipped": "yellow",
    "stopped": "red",
    "intent": "magenta",
}


def render_text(
    views: list[InterviewView],
    rejections: list[tuple[Rejection, datetime | None]],
    zone: ZoneInfo,
    now: datetime,
    *,
    style,
    aside: Sequence[SetAside] = (),
) -> str:
    """Tables per interview with a small timeline of steps."""
    lines: list[str] = []
    if not views:
        lines.append("No interviews found yet. Tag calendar events with 'interview' in the title.")
    for v in views:
        about = ", ".join(x for x in (v.company, v.role) if x)
        head = f"[{v.id}] {v.title}" + (f" — {about}" if about else "")
        lines.append(style(head, bold=True))
        lines.append(
            f"  when:     {moment(v.start, zone)} – {clock(v.end, zone)} ({zone.key})"
        )
        status = v.status + (f": {v.status_reason}" if v.status_reason else "")
        lines.append(f"  status:   {style(status, fg='red' if v.status != 'active' else 'green')}")
        lines.append(f"  contacts: {', '.join(v.contacts)} (primary {v.primary})")
        lines.extend(f"  notes:    {note}" for note in v.ignored_notes)
        lines.extend(f"  warning:  {w}" for w in v.warnings)
        pending = [s for s in v.steps if s.state in UNSETTLED]
        next_due = min((s.due for s in pending), default=None)
        timeline = "  ".join(
            style(f"{MARKS.get(s.state, '?')} {s.step}", fg=COLOURS.get(s.state))
            for s in _one_per_step(v.steps)
        )
        lines.append(f"  timeline: {timeline}")
        for s in v.steps:
            marker = "→" if next_due is not None and s.due == next_due and s in pending else " "
            who = s.recipient or "-"
            draft = f" draft {s.draft_id}" if s.draft_id else ""
            reason = f" ({s.reason})" if s.reason else ""
            lines.append(
                f"   {marker} {s.step:<10} {who:<28} {moment(s.due, zone)}  "
                f"{style(s.state, fg=COLOURS.get(s.state))}{draft}{reason}"
            )
        if v.story:
            lines.append("  story:")
            lines.extend(f"    {line}" for line in v.story[-8:])
        lines.append("")
    if rejections:
        lines.append(style("Ignored events:", bold=True))
        for r, start in rejections:
            when = moment(start, zone) if start else "-"
            title, reason = printable(r.title), printable(r.reason)
            lines.append(f"  {when}  {title!r}: {reason}")
    if aside:
        lines.append(style("Set aside (could not be processed; the others went on):", bold=True))
        for a in aside:
            title, reason = printable(a.title), printable(a.reason)
            lines.append(f"  {moment(a.at, zone)}  {a.kind} {title!r}: {reason}")
    return "\n".join(lines).rstrip() + "\n"


def _one_per_step(steps: tuple[StepView, ...]) -> list[StepView]:
    """The first row of each step, for the timeline."""
    seen: dict[str, StepView] = {}
    for s in steps:
        seen.setdefault(s.step, s)
    return list(seen.values())
