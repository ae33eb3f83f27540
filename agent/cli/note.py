"""`followup note`: set a note as the event description would, and re-plan the interview."""

from __future__ import annotations

import click

from agent.cli.options import Obj, current_time
from agent.cli.state import find_interview, offline_pass
from agent.core.dates import check_follow_up
from agent.core.errors import SettingsError
from agent.core.formats import moment
from agent.core.interviews import Interview
from agent.core.model import InterviewStatus
from agent.core.notes import NOTE_KEYS, notes_from_pairs
from agent.core.text import printable
from agent.engine.calendar_sync import redetect, save_interview
from agent.engine.sequence import sync_rows
from agent.engine.work import Pass
from agent.store import events, sequences
from agent.store.db import open_store


def replan(p: Pass, key: str) -> None:
    """Re-detect an interview from its stored event and current notes, and move its steps."""
    seq = p.sequence(key)
    if seq is None:
        return
    event = events.get_event(p.conn, seq.interview.calendar_id, seq.interview.event_id)
    if event is not None:
        result = redetect(p, event)
        if isinstance(result, Interview):
            save_interview(p, result, seq)
    if seq.status == InterviewStatus.ACTIVE:
        sync_rows(seq)


@click.command()
@click.argument("interview_id")
@click.argument("key")
@click.argument("value", required=False, default="")
@click.pass_obj
def note(obj: Obj, interview_id: str, key: str, value: str) -> None:
    """Set a note as the event description would (KEY: follow-up, fit, strengths, start,
    phone, contact, company, role); an empty VALUE clears it. The plan follows at once."""
    name = key.lower().replace("_", "-")
    if name not in NOTE_KEYS:
        raise SettingsError(f"unknown note {key!r}; use one of: {', '.join(NOTE_KEYS)}")
    try:
        notes_from_pairs([(name, value)])
    except ValueError as exc:
        raise SettingsError(f"note {key}: {exc}") from exc
    settings = obj.settings()
    now = current_time()
    with open_store(settings.paths.state_db) as store:
        row = find_interview(store, interview_id)
        p = offline_pass(settings, store, now)
        if name == "follow-up" and value.strip():
            check_follow_up(value, row.interview.end, p.zone, p.business)
        with store.write():
            sequences.set_note(store.conn, row.interview.key, name, value)
            sequences.journal(store.conn, now, row.interview.key, "note", f"{name} = {value!r}")
        replan(p, row.interview.key)
        steps = sequences.get_steps(store.conn, row.interview.key)
    click.echo(f"{name} set for {row.interview.title!r}; plan:")
    for s in steps:
        who = printable(s.recipient) or "-"
        click.echo(f"  {s.step.value:<10} {who:<28} {moment(s.due, p.zone)}  {s.state.value}")
