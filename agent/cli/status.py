"""`followup status`: a line per interview, or one in full, text or JSON (the board reuses it)."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent.cli.health import last_success_line, problem_line
from agent.cli.options import Obj, current_time
from agent.cli.state import find_interview, short_id
from agent.core.etiquette import WAITING_PREFIX
from agent.core.formats import clock, moment
from agent.core.interviews import Rejection
from agent.core.model import STEPS, UNSETTLED, StepName
from agent.core.text import printable
from agent.engine.work import zone_of
from agent.store import events, kv, sequences, set_aside
from agent.store.db import Store, open_store
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
    draft_message_id: str | None = None


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


def collect(store: Store, zone: ZoneInfo) -> list[InterviewView]:
    """Every interview with its steps and story."""
    conn = store.conn
    views = []
    for row in sequences.list_interviews(conn):
        iv = row.interview
        steps = tuple(
            StepView(s.step.value, printable(s.recipient), s.due, s.state.value, s.draft_id,
                     printable(s.reason), s.draft_message_id)
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
                contacts=tuple(printable(f"{c.name} <{c.email}>" if c.name else c.email)
                               for c in iv.contacts),
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
) -> dict[str, Any]:
    """The --json document: every field of every interview and step (times stay datetimes)."""
    interviews = [dataclasses.asdict(v) for v in views]
    for step in (step for doc in interviews for step in doc["steps"]):
        del step["draft_message_id"]  # a link for people: `status ID` and the board show it
    return {
        "interviews": interviews,
        "ignored": [
            {"event": r.event_id, "title": r.title, "reason": r.reason, "start": start}
            for r, start in rejections
        ],
        "set_aside": [
            {"kind": a.kind, "id": a.item_id, "title": printable(a.title),
             "reason": printable(a.reason), "at": a.at}
            for a in aside
        ],
    }


WIDTH = 80
# Opens the draft in Gmail's compose window: the draft's *message* id, not the draft id
# (docs/google-api-notes.md). u/0 is the first signed-in account.
DRAFT_LINK = "https://mail.google.com/mail/u/0/#drafts?compose={}"
STATE_WORDS = {
    "planned": "planned", "intent": "drafting", "drafted": "draft in Gmail", "sent": "sent",
    "sent_by_user": "you wrote", "dismissed": "draft deleted", "skipped": "skipped",
    "stopped": "stopped", "done": "done",
}
COLOURS = {
    "drafted": "cyan", "sent": "green", "sent_by_user": "green", "done": "green",
    "dismissed": "yellow", "skipped": "yellow", "stopped": "red", "intent": "magenta",
}
Style = Callable[..., str]
Line = tuple[str, dict]


def draft_link(message_id: str | None) -> str | None:
    """The address that opens a draft in Gmail, from its message id."""
    return DRAFT_LINK.format(message_id) if message_id else None


def step_word(step: str) -> str:
    """A step's name in words ("thank-you")."""
    return STEPS[StepName(step)].label


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit(lines: list[Line], style: Style, width: int = WIDTH) -> str:
    """Wrap each line to `width` (keeping its indent), then style it."""
    out: list[str] = []
    for text, kw in lines:
        indent = " " * (len(text) - len(text.lstrip(" ")) + 2)
        pieces = [text] if len(text) <= width else textwrap.wrap(
            text, width, subsequent_indent=indent, break_on_hyphens=False
        )
        out.extend(style(piece, **kw) for piece in pieces)
    return "\n".join(out).rstrip() + "\n"


def short_when(moment: datetime, zone: ZoneInfo) -> str:
    """'Tue Dec 1 16:30' in the user's zone."""
    local = moment.astimezone(zone)
    return f"{local:%a %b} {local.day} {local:%H:%M}"


def next_and_waiting(v: InterviewView, zone: ZoneInfo, now: datetime) -> tuple[str, str]:
    """What comes next for an interview (and when), and whom it waits on."""
    if v.status != "active":
        waiting = "you: answer them" if v.status == "replied" else "nobody"
        return v.status, waiting
    drafted = [s for s in v.steps if s.state == "drafted"]
    if drafted:
        return f"{step_word(drafted[0].step)} draft in Gmail", "you: send it"
    pending = sorted((s for s in v.steps if s.state in UNSETTLED), key=lambda s: s.due)
    if not pending:
        return "nothing planned", "nobody"
    if v.start > now:
        return f"interview {short_when(v.start, zone)}", "the interview"
    nxt = pending[0]
    what = f"{step_word(nxt.step)} {short_when(nxt.due, zone)}"
    if any(s.state in ("sent", "sent_by_user") for s in v.steps):
        return what, f"{name_of(v, v.primary)}'s reply"
    return what, "followup (drafts it)"


def is_primary(v: InterviewView, contact: str) -> bool:
    """Whether a 'Name <email>' contact text is the interview's primary contact."""
    return contact == v.primary or contact.endswith(f"<{v.primary}>")


def name_of(v: InterviewView, address: str) -> str:
    """The name of the contact at `address`, else the address."""
    for contact in v.contacts:
        if contact.endswith(f"<{address}>"):
            return contact.rsplit(" <", 1)[0]
    return address


def render_list(
    views: list[InterviewView],
    rejections: list[tuple[Rejection, datetime | None]],
    zone: ZoneInfo,
    now: datetime,
    *,
    style: Style,
    empty: str,
    aside: Sequence[SetAside] = (),
) -> str:
    """One line per interview: id, company, what is next and when, whom it waits on."""
    lines: list[Line] = []
    if not views:
        lines.append((empty, {}))
    else:
        lines.append((f"{'ID':<7}  {'INTERVIEW':<20}  {'NEXT':<26}  WAITING ON", {"bold": True}))
    for v in views:
        what, waiting = next_and_waiting(v, zone, now)
        colour = "green" if v.status == "active" else "yellow"
        label = clip(v.company or v.title, 20)
        text = f"{v.id:<7}  {label:<20}  {clip(what, 26):<26}  {clip(waiting, 21)}"
        lines.append((text.rstrip(), {"fg": colour}))
        lines.extend((f"{'':9}warning:  {w}", {"fg": "yellow"}) for w in v.warnings)
        lines.extend((f"{'':9}ignored:  {n}", {"fg": "yellow"}) for n in v.ignored_notes)
        lines.extend(
            (f"{'':9}{step_word(s.step)}: {story_words(s.reason)}", {})
            for s in v.steps
            if s.state == "planned" and s.reason.startswith(WAITING_PREFIX)
        )
    if views:
        lines.append(("", {}))
        lines.append((f"Times in {zone.key}. `followup status ID` shows one interview:", {}))
        lines.append(("its steps, a link to each draft in Gmail, and its story.", {}))
    ignored = [  # the calendar events followup looked at and left alone
        f"  {short_when(start, zone) if start else '-'}  {printable(r.title)!r}: "
        f"{printable(r.reason)}"
        for r, start in rejections
    ]
    aside = [  # items a run could not process (the others went on)
        f"  {short_when(a.at, zone)}  {a.kind} {printable(a.title)!r}: {printable(a.reason)}"
        for a in aside
    ]
    for heading, rows in (("Ignored events:", ignored),
                          ("Set aside (could not be processed; the others went on):", aside)):
        if rows:
            lines += [("", {}), (heading, {"bold": True}), *((row, {}) for row in rows)]
    return fit(lines, style)


DRAFT_ID_NOTE = re.compile(r" ?\(draft [^()\s]+\)")


def story_words(line: str) -> str:
    """A journal line or reason with step names in words and without draft ids (see links)."""
    line = DRAFT_ID_NOTE.sub("", line)
    for step, info in STEPS.items():
        line = line.replace(step.value, info.label)
    return line


def render_detail(v: InterviewView, zone: ZoneInfo, now: datetime, *, style: Style) -> str:
    """Everything about one interview: when, status, contacts, each step with its draft link."""
    about = ", ".join(x for x in (v.company, v.role) if x)
    lines: list[Line] = [(f"[{v.id}] {v.title}" + (f" — {about}" if about else ""), {"bold": True})]
    lines.append((f"  when      {moment(v.start, zone)}–{clock(v.end, zone)} ({zone.key})", {}))
    status = v.status + (f": {v.status_reason}" if v.status_reason else "")
    lines.append((f"  status    {status}", {"fg": "green" if v.status == "active" else "red"}))
    what, waiting = next_and_waiting(v, zone, now)
    lines.append((f"  next      {what}; waiting on {waiting}", {}))
    contacts = [c + (" (primary)" if is_primary(v, c) else "") for c in v.contacts]
    lines.append((f"  contacts  {', '.join(contacts)}", {}))
    lines.extend((f"  notes     {note}", {"fg": "yellow"}) for note in v.ignored_notes)
    lines.extend((f"  warning:  {w}", {"fg": "yellow"}) for w in v.warnings)
    lines.append(("  steps", {}))
    pending = [s for s in v.steps if s.state in UNSETTLED]
    next_due = min((s.due for s in pending), default=None)
    for s in v.steps:
        mark = "→" if s in pending and s.due == next_due else " "
        who = clip(s.recipient or "-", 24)
        state = STATE_WORDS.get(s.state, s.state)
        text = f"  {mark} {step_word(s.step):<10} {who:<24} {moment(s.due, zone)}  {state}"
        lines.append((text, {"fg": COLOURS.get(s.state)}))
        link = draft_link(s.draft_message_id) if s.state == "drafted" else None
        if link:
            lines.append((f"      {link}", {}))
        if s.reason:
            lines.append((f"      {story_words(s.reason)}", {}))
    if v.story:
        lines.append(("  story", {}))
        lines.extend((f"    {story_words(line)}", {}) for line in v.story[-8:])
    return fit(lines, style)


@click.command()
@click.argument("interview_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--color/--no-color", default=None, hidden=True, help="Same as followup --color.")
@click.pass_obj
def status(obj: Obj, interview_id: str | None, as_json: bool, color: bool | None) -> None:
    """One line per interview (what is next, when, waiting on whom); with ID, its details."""
    settings = obj.settings()
    now = current_time()
    with open_store(settings.paths.state_db) as store:
        zone = zone_of(settings, store.conn)
        key = find_interview(store, interview_id).interview.key if interview_id else None
        views = [v for v in collect(store, zone) if key is None or v.key == key]
        rejections = [] if key else events.list_rejections(store.conn)
        aside = [] if key else set_aside.listed(store.conn)
        record = kv.last_pass(store.conn)
    problem = problem_line(record, now, zone)
    if as_json:
        doc = to_json(views, rejections, aside)
        doc.update(problem=problem, last_success=record.last_success if record else None)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False, default=datetime.isoformat))
        return
    if color is None:  # this command's --color, else followup's (NO_COLOR counted)
        color = click.get_current_context().color
    use_colour = sys.stdout.isatty() if color is None else color

    def style(text: str, **kw: Any) -> str:
        kw = {k: v for k, v in kw.items() if v is not None}
        return click.style(text, **kw) if use_colour and kw else text

    if problem:
        click.echo(style(problem, fg="red", bold=True), color=use_colour)
    if key is not None:
        click.echo(render_detail(views[0], zone, now, style=style), nl=False, color=use_colour)
        return
    empty = (
        "No interviews found yet. followup finds calendar events with 'interview' in the "
        "title once `followup tick` (or the service) has run."
    )
    if not settings.paths.token_file.exists():
        empty = (
            f"Not set up yet: no token at {settings.paths.token_file}. Run `followup auth` "
            "first (README: \"Setting up for real\"), then `followup tick`."
        )
    text = render_list(views, rejections, zone, now, style=style, empty=empty, aside=aside)
    click.echo(text, nl=False, color=use_colour)
    click.echo(last_success_line(record, zone))
