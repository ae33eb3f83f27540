"""The `followup` command line: its options and where each command lives (loaded when it runs)."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from agent.cli.failures import handle
from agent.cli.options import Obj
from agent.core.errors import FollowupError

# Every command and where it is defined ("module:name"). A command's module is imported only
# when that command runs (or to show its help), so `followup tick` loads no other command.
COMMANDS = {
    "agenda": "agent.cli.agenda:agenda",
    "auth": "agent.cli.auth:auth",
    "board": "agent.cli.board:board",
    "config": "agent.cli.config:config",
    "demo": "agent.cli.demo:demo",
    "doctor": "agent.cli.doctor:doctor",
    "note": "agent.cli.note:note",
    "preview": "agent.cli.preview:preview",
    "resume": "agent.cli.stop_resume:resume",
    "run": "agent.cli.run:run",
    "sandbox": "agent.cli.sandbox:sandbox",
    "service": "agent.cli.service:service",
    "status": "agent.cli.status:status",
    "stop": "agent.cli.stop_resume:stop",
    "tick": "agent.cli.tick:tick",
}


# What `followup --help` lists beside each name, so that listing loads no command module (a
# test keeps each equal to its command's own first sentence).
SUMMARIES = {
    "agenda": "What to do today and tomorrow: questions to ask, drafts waiting in Gmail, calls "
    "to make.",
    "auth": "One-time OAuth setup: let followup read your calendar and write drafts.",
    "board": "Write every interview to one HTML page (board.html beside state.db); print its "
    "path.",
    "config": "Check or show the settings.",
    "demo": "Watch the whole story on the built-in sandbox: offline, in seconds, nothing of "
    "yours.",
    "doctor": "Check settings, templates, token, Google, sender, state, lock, files and the "
    "service.",
    "note": "Set a note as the event description would (KEY: follow-up, fit, strengths, start, "
    "phone, contact, company, role); an empty VALUE clears it.",
    "preview": "Show the rendered draft(s) and voicemail script of a step (default: the next "
    "one).",
    "resume": "Resume a sequence paused by a bounce (after fixing the address) or stopped by "
    "you.",
    "run": "Run as a daemon: tick on an interval and exactly when the next step is due.",
    "sandbox": "Serve the local stand-in for Gmail and Google Calendar (for trying things out).",
    "service": "Run followup unattended: systemd (Linux), launchd (macOS) or Task Scheduler "
    "(Windows).",
    "status": "One line per interview (what is next, when, waiting on whom); with ID, its "
    "details.",
    "stop": "Stop an interview's sequence now (its unsent drafts are removed unless "
    "--keep-drafts).",
    "tick": "Run one pass: sync calendar and inbox, draft what is due (for cron).",
}


class FollowupGroup(click.Group):
    """The `followup` group: a command's module loads when used; its failures reach `handle`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, loaded or not, sorted (as `followup --help` lists them)."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module the first time it is asked for."""
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        # __import__ rather than importlib.import_module: `python -X importtime` then shows it.
        command: click.Command = getattr(__import__(module, fromlist=[attribute]), attribute)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, as click lists them, without loading any."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        names = sorted(COMMANDS)
        short = [click.Command(n, help=SUMMARIES[n]).get_short_help_str(limit) for n in names]
        rows = list(zip(names, short, strict=True))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, suggesting from every command for a typo, not only the loaded ones."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            name = getattr(exc, "command_name", None)  # click.exceptions.NoSuchCommand (8.4+)
            if name is None or getattr(exc, "possibilities", None):
                raise
            raise type(exc)(name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map user-caused failures and Ctrl-C to one line and an exit code."""
        try:
            return super().invoke(ctx)
        except (FollowupError, OSError, sqlite3.Error, KeyboardInterrupt) as exc:
            handle(exc)


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
    if color is None and os.environ.get("NO_COLOR"):  # any non-empty value: no colour
        color = False
    ctx.color = color  # None: colour on a terminal only
    ctx.obj = Obj(config, debug)


if __name__ == "__main__":  # pragma: no cover
    main()
