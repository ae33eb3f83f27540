"""The `followup` command line; nothing else imports this module."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from agent.cli.common import FollowupGroup, Obj, colour_choice, fail_cleanly, take_lock
from agent.cli.daily import agenda
from agent.cli.setup_commands import auth, demo, doctor, run, service

log = logging.getLogger("agent")

EXIT_LOCKED = 0


@click.group(cls=FollowupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file to use instead of <home>/config.toml.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option("-v", "--verbose", is_flag=True, help="Log what each run does (INFO).")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour on or off (default: on for a terminal, off when NO_COLOR is set).",
)
@click.version_option(package_name="interview-followup")
@click.pass_context
def main(
    ctx: click.Context, config: Path | None, debug: bool, verbose: bool, color: bool | None
) -> None:
    """Interview follow-up drafts in Gmail, on the etiquette's schedule. Never sends mail.

    Files live in $FOLLOWUP_HOME when set, else in the platform's config and data folders.
    """
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    # journald stamps each line itself (it sets JOURNAL_STREAM); anywhere else we do.
    stamp = "" if os.environ.get("JOURNAL_STREAM") else "%(asctime)s "
    logging.basicConfig(
        level=level,
        format=stamp + "%(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S%z",
        stream=sys.stderr,
    )
    if not debug:
        logging.getLogger("googleapiclient").setLevel(logging.ERROR)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ctx.color = colour_choice(color)
    ctx.obj = Obj(config, debug, ctx.color)


@main.command()
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing anywhere.")
@click.pass_obj
@fail_cleanly
def tick(obj: Obj, dry_run: bool) -> None:
    """Run one pass: sync calendar and inbox, draft what is due (for cron)."""
    from agent.cli.runtime import current_time, opened_store, scratch_copy, session_for
    from agent.core.templating import TemplateSet
    from agent.core.text import printable
    from agent.engine.tick import tick as run_tick

    settings = obj.settings()
    now = current_time()
    lock = take_lock(settings)
    if lock is None:
        sys.exit(EXIT_LOCKED)
    try:
        templates = TemplateSet(settings.paths.templates_dir)
        opener = scratch_copy if dry_run else opened_store
        with opener(settings) as store:
            session = session_for(settings, store, templates, dry_run=dry_run)
            run = run_tick(session, now, dry_run=dry_run)
    finally:
        lock.release()
    for action in run.actions:
        detail = printable(action.detail)
        click.echo(f"{action.kind}: {detail} [{_short(action.interview_key)}]")
    if dry_run:
        click.echo("dry run: nothing was written to Gmail, Calendar or state.db")
    elif not run.actions:
        click.echo("nothing to do")


def _short(key: str) -> str:
    """The short id of an interview key."""
    from agent.cli.offline import short_id

    return short_id(key)


@main.command()
@click.argument("interview_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--color/--no-color", default=None, hidden=True, help="Same as followup --color.")
@click.pass_obj
@fail_cleanly
def status(obj: Obj, interview_id: str | None, as_json: bool, color: bool | None) -> None:
    """One line per interview (what is next, when, waiting on whom); with ID, its details."""
    from agent.cli.common import wants_colour
    from agent.cli.offline import find_interview, user_zone
    from agent.cli.runtime import current_time, opened_store
    from agent.cli.status import collect, render_detail, render_list, to_json
    from agent.store import calendar_side, set_aside

    settings = obj.settings()
    with opened_store(settings) as store:
        zone = user_zone(settings, store)
        key = find_interview(store, interview_id).interview.key if interview_id else None
        views = [v for v in collect(store, zone) if key is None or v.key == key]
        rejections = [] if key else calendar_side.list_rejections(store.conn)
        aside = [] if key else set_aside.listed(store.conn)
    if as_json:
        click.echo(json.dumps(to_json(views, rejections, aside), indent=2, ensure_ascii=False))
        return
    use_colour = wants_colour() if color is None else color

    def style(text: str, **kw: Any) -> str:
        kw = {k: v for k, v in kw.items() if v is not None}
        return click.style(text, **kw) if use_colour and kw else text

    now = current_time()
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


@main.command()
@click.argument("interview_id")
@click.argument("step", required=False)
@click.pass_obj
@fail_cleanly
def preview(obj: Obj, interview_id: str, step: str | None) -> None:
    """Show the rendered draft(s) and voicemail script of a step (default: the next one)."""
    from agent.cli.preview import render_preview
    from agent.cli.runtime import current_time, opened_store
    from agent.core.templating import TemplateSet

    settings = obj.settings()
    with opened_store(settings) as store:
        text = render_preview(
            settings,
            store,
            TemplateSet(settings.paths.templates_dir),
            interview_id,
            step,
            current_time(),
        )
    click.echo(text)


@main.command()
@click.argument("interview_id")
@click.argument("key")
@click.argument("value", required=False, default="")
@click.pass_obj
@fail_cleanly
def note(obj: Obj, interview_id: str, key: str, value: str) -> None:
    """Set a note as the event description would (KEY: follow-up, fit, strengths, start,
    phone, contact, company, role); an empty VALUE clears it. The plan follows at once."""
    from agent.cli.offline import find_interview, offline_context, replan
    from agent.cli.runtime import current_time, opened_store
    from agent.core.dates import check_follow_up
    from agent.core.errors import SettingsError
    from agent.core.formats import moment
    from agent.core.notes import NOTE_KEYS, notes_from_pairs
    from agent.core.templating import TemplateSet
    from agent.core.text import printable
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
        ctx = offline_context(settings, store, TemplateSet(settings.paths.templates_dir))
        if name == "follow-up" and value.strip():
            check_follow_up(value, row.interview.end, ctx.zone, ctx.business)
        with store.write():
            sequences.set_note(store.conn, row.interview.key, name, value)
            sequences.journal(store.conn, now, row.interview.key, "note", f"{name} = {value!r}")
        replan(ctx, row.interview.key, now)
        steps = sequences.get_steps(store.conn, row.interview.key)
    click.echo(f"{name} set for {row.interview.title!r}; plan:")
    for s in steps:
        when = moment(s.due, ctx.zone)
        who = printable(s.recipient) or "-"
        click.echo(f"  {s.step.value:<10} {who:<28} {when}  {s.state.value}")


@main.command()
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


@main.command()
@click.argument("interview_id")
@click.pass_obj
@fail_cleanly
def resume(obj: Obj, interview_id: str) -> None:
    """Resume a sequence paused by a bounce (after fixing the address) or stopped by you."""
    from agent.cli.stop_resume import resume_interview

    click.echo(resume_interview(obj.settings(), interview_id))


@main.group()
def config() -> None:
    """Check or show the settings."""


@config.command("check")
@click.pass_obj
@fail_cleanly
def config_check(obj: Obj) -> None:
    """Validate the settings file; exit 3 with one line if something is wrong."""
    settings = obj.settings()
    where = settings.paths.config_file
    click.echo(f"{where}: OK" if where.exists() else f"{where}: not present, using defaults: OK")


@config.command("show")
@click.pass_obj
@fail_cleanly
def config_show(obj: Obj) -> None:
    """Print the effective settings and where each file lives."""
    from agent.core.config import describe_settings

    click.echo(describe_settings(obj.settings()))


@config.command("example")
def config_example() -> None:
    """Print an example config.toml with every key, its default and what it does."""
    from agent.core.config import default_config_text

    click.echo(default_config_text(), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free).")
@click.option(
    "--state-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the sandbox's mailbox and calendars in this JSON file across restarts.",
)
@click.option(
    "--email", default="candidate@example.com", show_default=True, help="Mailbox address."
)
@click.option(
    "--timezone",
    "time_zone",
    default="America/New_York",
    show_default=True,
    help="The sandbox calendar's time zone.",
)
@click.option(
    "--write-token",
    is_flag=True,
    help="Write a token.json for the sandbox into the followup home folder.",
)
@click.pass_obj
@fail_cleanly
def sandbox(
    obj: Obj,
    host: str,
    port: int,
    state_file: Path | None,
    email: str,
    time_zone: str,
    write_token: bool,
) -> None:
    """Serve the local stand-in for Gmail and Google Calendar (for trying things out).

    The guide to it (control surface, faults, quota, scopes) is docs/sandbox.md.
    """
    from agent.cli.sandbox_command import serve_sandbox

    serve_sandbox(
        obj.config,
        host=host,
        port=port,
        state_file=state_file,
        email=email,
        time_zone=time_zone,
        write_token=write_token,
        echo=click.echo,
    )


for command in (agenda, auth, doctor, run, service, demo):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
