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
