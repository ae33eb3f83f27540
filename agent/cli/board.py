"""`followup board`: every interview on one self-contained HTML page (no script, no network)."""

from __future__ import annotations

import html
import logging
import webbrowser
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from agent.cli.health import problem_line
from agent.cli.options import Obj, current_time
from agent.cli.status import (
    STATE_WORDS,
    InterviewView,
    StepView,
    clip,
    collect,
    draft_link,
    is_primary,
    name_of,
    next_and_waiting,
    short_when,
    step_word,
    story_words,
)
from agent.core.formats import clock
from agent.core.settings import Settings
from agent.engine.work import zone_of
from agent.files.paths import write_private
from agent.store import kv
from agent.store.db import Store, open_store

log = logging.getLogger(__name__)

BOARD_NAME = "board.html"  # beside state.db
LONG = 300  # characters of an outsider's text shown on a card
# (key, heading, what it means): one column per state, in this order.
COLUMNS = (
    ("you", "Waiting on you", "a draft to send"),
    ("them", "Waiting on them", "the interview, followup's next draft or their reply"),
    ("replied", "Replied", "they answered: the sequence stopped"),
    ("paused", "Paused", "a follow-up bounced: fix the address, then followup resume ID"),
    ("closed", "Closed", "ended, stopped by you, cancelled or no longer an interview"),
)
# Colours per theme; every text colour is read on every background (tests check WCAG AA).
THEMES = {
    "light": {
        "bg": "#f3f4f6", "card": "#ffffff", "alert-bg": "#fdecea",
        "text": "#1b2330", "muted": "#4a5567", "link": "#0b57d0", "alert": "#8a1c12",
        "you": "#a14207", "them": "#1d4ed8", "replied": "#047857", "paused": "#b91c1c",
        "closed": "#4b5563", "line": "#737d8c",
    },
    "dark": {
        "bg": "#0f1318", "card": "#1a2029", "alert-bg": "#3a1512",
        "text": "#e7eaf0", "muted": "#aab3c0", "link": "#8ab4f8", "alert": "#ffd2cc",
        "you": "#fbbf24", "them": "#93c5fd", "replied": "#6ee7b7", "paused": "#fca5a5",
        "closed": "#cbd5e1", "line": "#6b7585",
    },
}
BACKGROUNDS = ("bg", "card", "alert-bg")
DECORATION = ("line",)  # borders and timeline dots: 3:1 is enough
# A step state's dot on the timeline takes the colour of the column it belongs to.
STATE_COLOUR = {
    "drafted": "you", "intent": "you", "planned": "line", "sent": "replied",
    "sent_by_user": "replied", "done": "replied", "dismissed": "closed", "skipped": "closed",
    "stopped": "paused",
}
CSS = """
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
header,main,footer{padding:0 1rem;max-width:90rem;margin:0 auto}
h1{font-size:1.4rem;margin:1rem 0 .2rem}
h2{font-size:1rem;margin:0 0 .1rem;display:flex;justify-content:space-between}
h3{font-size:1.05rem;margin:0}
p{margin:.2rem 0}
a{color:var(--link)}
.muted,.hint,time,.state{color:var(--muted)}
.hint{font-size:.85rem;margin-bottom:.6rem}
[role=alert]{background:var(--alert-bg);color:var(--alert);border-left:.4rem solid var(--alert);
padding:.7rem 1rem;margin:.8rem 0;font-weight:600}
main{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));
align-items:start;padding-bottom:1rem}
section{border-top:.35rem solid var(--c);padding-top:.5rem}
section h2{color:var(--c)}
article{background:var(--card);border:1px solid var(--line);border-radius:.5rem;
padding:.7rem .8rem;margin:0 0 .7rem}
ul,ol{margin:.3rem 0;padding:0;list-style:none}
ol{border-left:2px solid var(--line);margin-left:.35rem;padding-left:.8rem}
ol li{position:relative;margin:.3rem 0;font-size:.9rem}
ol li::before{content:"";position:absolute;left:-1.27rem;top:.35rem;width:.7rem;height:.7rem;
border-radius:50%;background:var(--dot);border:2px solid var(--card)}
.step{font-weight:600}
.next{margin:.4rem 0;font-weight:600}
.why{font-size:.9rem}
footer{color:var(--muted);font-size:.85rem;padding-bottom:1.5rem}
@media print{body{background:#fff;color:#000;font-size:11pt}
main{display:block}section{break-inside:auto;border-top-width:2pt}
article{break-inside:avoid;border-color:#000}
.muted,.hint,time,.state,footer,section h2{color:#000}a{color:#000}}
"""


def _variables(theme: dict[str, str]) -> str:
    """A theme as CSS custom properties."""
    return ";".join(f"--{name}:{value}" for name, value in theme.items())


def style_sheet() -> str:
    """The page's whole style: the light theme, the dark one when the system asks, print."""
    columns = "".join(f".c-{key}{{--c:var(--{key})}}" for key, _, _ in COLUMNS)
    dots = "".join(f".s-{state}{{--dot:var(--{c})}}" for state, c in STATE_COLOUR.items())
    dark = f"@media (prefers-color-scheme:dark){{:root{{{_variables(THEMES['dark'])}}}}}"
    return f":root{{{_variables(THEMES['light'])}}}{dark}{CSS}{columns}{dots}"


def column_of(v: InterviewView) -> str:
    """The board column of an interview (a key of COLUMNS)."""
    if v.status == "active":
        return "you" if any(s.state == "drafted" for s in v.steps) else "them"
    return v.status if v.status in ("replied", "paused") else "closed"


def _e(text: str, limit: int = LONG) -> str:
    """Outsiders' text as HTML text: clipped, every markup character escaped."""
    return html.escape(clip(text, limit), quote=True)


def _time(at: datetime, zone: ZoneInfo) -> str:
    """A <time> element in the user's zone."""
    return f'<time datetime="{at.isoformat()}">{_e(short_when(at, zone))}</time>'


def _step(v: InterviewView, s: StepView, zone: ZoneInfo) -> str:
    """One step on the card's timeline: what, for whom, when, its state, its draft, why."""
    who = f" to {_e(name_of(v, s.recipient))}" if s.recipient else ""
    link = draft_link(s.draft_message_id) if s.state == "drafted" else None
    opens = f' <a href="{html.escape(link)}">open the draft in Gmail</a>' if link else ""
    said = s.reason and s.reason != v.status_reason  # a stopped step's reason is the card's
    why = f'<br><span class="muted">{_e(story_words(s.reason))}</span>' if said else ""
    state = _e(STATE_WORDS.get(s.state, s.state))
    return (
        f'<li class="s-{_e(s.state, 20)}"><span class="step">{_e(step_word(s.step))}</span>'
        f'{who}<br>{_time(s.due, zone)} · <span class="state">{state}</span>{opens}{why}</li>'
    )


def _card(v: InterviewView, zone: ZoneInfo, now: datetime) -> str:
    """One interview: who and when, what is next or why it stopped, each step."""
    what, waiting = next_and_waiting(v, zone, now)
    if v.status == "active":
        next_line = f"Next: {_e(what)} · waiting on {_e(waiting)}"
    else:
        reason = f": {_e(story_words(v.status_reason))}" if v.status_reason else ""
        next_line = f"{_e(v.status.capitalize())}{reason}"
    when = f"{short_when(v.start, zone)}–{clock(v.end, zone)}"
    about = " · ".join(_e(x) for x in (v.role, when) if x)
    people = "".join(
        f"<li>{_e(c)}{' (primary)' if is_primary(v, c) else ''}</li>"
        for c in v.contacts
    )
    notes = "".join(f'<p class="why">Warning: {_e(w)}</p>' for w in v.warnings)
    notes += "".join(f'<p class="why">Ignored note: {_e(n)}</p>' for n in v.ignored_notes)
    steps = "".join(_step(v, s, zone) for s in v.steps)
    return (
        f'<article aria-labelledby="i-{_e(v.id)}"><h3 id="i-{_e(v.id)}">{_e(v.company or v.title)}'
        f'</h3><p>{about}</p><p class="muted">{_e(v.title)} · id {_e(v.id)}</p>'
        f'<p class="next">{next_line}</p>{notes}<ul aria-label="contacts">{people}</ul>'
        f'<ol aria-label="steps">{steps}</ol></article>'
    )


def render_board(
    views: list[InterviewView], zone: ZoneInfo, now: datetime, problem: str | None = None
) -> str:
    """The whole page: a banner when followup is not working, then one column per state."""
    sections = []
    for key, heading, hint in COLUMNS:
        cards = [_card(v, zone, now) for v in views if column_of(v) == key]
        body = "".join(cards) or '<p class="muted">none</p>'
        sections.append(
            f'<section class="c-{key}" aria-labelledby="h-{key}"><h2 id="h-{key}">{heading}'
            f'<span>{len(cards)}</span></h2><p class="hint">{html.escape(hint)}</p>{body}</section>'
        )
    banner = f'<div role="alert">{_e(problem)}</div>' if problem else ""
    count = f"{len(views)} interview" + ("" if len(views) == 1 else "s")
    if not views:
        count = "No interviews yet: followup finds them on your calendar when it runs"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
        f"<title>followup board</title><style>{style_sheet()}</style></head><body>"
        f"<header><h1>Your interviews</h1><p class=\"muted\">{count}, as of "
        f"{_time(now, zone)} ({_e(zone.key)})</p>{banner}</header>"
        f"<main>{''.join(sections)}</main>"
        "<footer><p>Written by <code>followup board</code> (and by <code>followup run</code> "
        "after each pass that changes something). It never sends mail: drafts wait in Gmail "
        "for you.</p></footer></body></html>\n"
    )


def board_path(settings: Settings) -> Path:
    """Where the board goes: board.html beside state.db."""
    return settings.paths.state_db.with_name(BOARD_NAME)


def write_board(store: Store, zone: ZoneInfo, now: datetime, path: Path) -> Path:
    """Render the board from state.db (the problem line as its banner); write it, mode 600."""
    problem = problem_line(kv.last_pass(store.conn), now, zone)
    write_private(path, render_board(collect(store, zone), zone, now, problem))
    return path


def refresh_board(settings: Settings, store: Store, now: datetime) -> None:
    """The daemon's call after a pass that changed something: never fails the pass."""
    if not settings.daemon.write_board:
        return
    try:
        write_board(store, zone_of(settings, store.conn), now, board_path(settings))
    except OSError as exc:
        log.warning("the board was not rewritten: %s", exc)


@click.command()
@click.option("--open", "open_it", is_flag=True, help="Open it in your web browser.")
@click.pass_obj
def board(obj: Obj, open_it: bool) -> None:
    """Write every interview to one HTML page (board.html beside state.db); print its path."""
    settings = obj.settings()
    with open_store(settings.paths.state_db) as store:
        zone = zone_of(settings, store.conn)
        path = write_board(store, zone, current_time(), board_path(settings))
    click.echo(str(path))
    if open_it and not webbrowser.open(path.as_uri()):
        click.echo("no web browser found here: open the file above in one")
