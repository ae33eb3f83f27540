"""Commands on the interviews in state.db: status, preview, note, stop and resume."""

from __future__ import annotations

import json
from typing import Any

import click

from agent.cli.common import Obj, fail_cleanly


@click.command()
@click.argument("interview_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--color/--no-color", default=None, hidden=True, help="Same as followup --color.")
@click.pass_obj
@fail_cleanly
def status(obj: Obj, interview_id: str | None, as_json: bool, color: bool | None) -> None:
    """One line per interview (what is next, when, waiting on whom); with ID, its details."""
    from agent.cli.common import wants_colour
    from agent.cli.health import last_success_line, problem_line
    from agent.cli.offline import find_interview, user_zone
    from agent.cli.runtime import current_time, opened_store
    from agent.cli.status import collect, render_detail, render_list, to_json
    from agent.store import events, kv, set_aside

    settings = obj.settings()
    now = current_time()
    with opened_store(settings) as store:
        zone = user_zone(settings, store)
        key = find_interview(store, interview_id).interview.key if interview_id else None
        views = [v for v in collect(store, zone) if key is None or v.key == key]
        rejections = [] if key else events.list_rejections(store.conn)
        aside = [] if key else set_aside.listed(store.conn)
        record = kv.last_pass(store.conn)
    problem = problem_line(record, now, zone)
    if as_json:
        doc = to_json(views, rejections, aside)
        success = record.last_success if record else None
        doc.update(problem=problem, last_success=success.isoformat() if success else None)
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    use_colour = wants_colour() if color is None else color

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


@click.command()
@click.argument("interview_id")
@click.argument("step", required=False)
@click.pass_obj
@fail_cleanly
def preview(obj: Obj, interview_id: str, step: str | None) -> None:
    """Show the rendered draft(s) and voicemail script of a step (default: the next one)."""
    from agent.cli.preview import render_preview
    from agent.cli.runtime import current_time, opened_store
    from agent.files.templates import load_templates

    settings = obj.settings()
    with opened_store(settings) as store:
        text = render_preview(
            settings,
            store,
            load_templates(settings.paths.templates_dir),
            interview_id,
            step,
            current_time(),
        )
    click.echo(text)


@click.command()
@click.argument("interview_id")
@click.argument("key")
@click.argument("value", required=False, default="")
@click.pass_obj
@fail_cleanly
def note(obj: Obj, interview_id: str, key: str, value: str) -> None:
    """Set a note as the event description would (KEY: follow-up, fit, strengths, start,
    phone, contact, company, role); an empty VALUE clears it. The plan follows at once."""
    from agent.cli.offline import find_interview, offline_pass, replan
    from agent.cli.runtime import current_time, opened_store
    from agent.core.dates import check_follow_up
    from agent.core.errors import SettingsError
    from agent.core.formats import moment
    from agent.core.notes import NOTE_KEYS, notes_from_pairs
    from agent.core.text import printable
    from agent.files.templates import load_templates
    from agent.store import sequences

    name = key.lower().replace("_", "-")
    if name not in NOTE_KEYS:
        raise SettingsError(f"unknown note {key!r}; use one of: {', '.join(NOTE_KEYS)}")
    try:
        notes_from_pairs([(name, value)])
    except ValueError as exc:
        raise SettingsError(f"note {key}: {exc}") from exc
    settings = obj.settings()
    now = current_time()
    with opened_store(settings) as store:
        row = find_interview(store, interview_id)
        p = offline_pass(settings, store, load_templates(settings.paths.templates_dir))
        if name == "follow-up" and value.strip():
            check_follow_up(value, row.interview.end, p.zone, p.business)
        with store.write():
            sequences.set_note(store.conn, row.interview.key, name, value)
            sequences.journal(store.conn, now, row.interview.key, "note", f"{name} = {value!r}")
        replan(p, row.interview.key)
        steps = sequences.get_steps(store.conn, row.interview.key)
    click.echo(f"{name} set for {row.interview.title!r}; plan:")
    for s in steps:
        when = moment(s.due, p.zone)
        who = printable(s.recipient) or "-"
        click.echo(f"  {s.step.value:<10} {who:<28} {when}  {s.state.value}")


@click.command()
@click.argument("interview_id")
@click.option("--keep-drafts", is_flag=True, help="Leave the agent's unsent drafts in Gmail.")
@click.pass_obj
@fail_cleanly
def stop(obj: Obj, interview_id: str, keep_drafts: bool) -> None:
    """Stop an interview's sequence now (its unsent drafts are removed unless --keep-drafts)."""
    from agent.cli.stop_resume import stop_interview
    from agent.core.errors import Busy
    from agent.store.lock import RunLock

    settings = obj.settings()
    lock = RunLock(settings.paths.lock_file)
    if not lock.acquire():
        holder = lock.holder_pid()
        who = f" (pid {holder})" if holder else ""
        raise Busy(f"another followup run is active{who}; try again when it has finished")
    try:
        message = stop_interview(settings, interview_id, keep_drafts=keep_drafts)
    finally:
        lock.release()
    click.echo(message)


@click.command()
@click.argument("interview_id")
@click.pass_obj
@fail_cleanly
def resume(obj: Obj, interview_id: str) -> None:
    """Resume a sequence paused by a bounce (after fixing the address) or stopped by you."""
    from agent.cli.stop_resume import resume_interview

    click.echo(resume_interview(obj.settings(), interview_id))
