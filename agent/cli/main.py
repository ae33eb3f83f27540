"""The `followup` command line; only its windowless twin (agent.cli.windowless) imports it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from agent.cli.common import FollowupGroup, Obj, colour_choice

log = logging.getLogger("agent")

# Every command and where it is defined ("module:name"). A command's module is imported only
# when that command runs (or to show its help), so `followup tick` loads no other command.
COMMANDS = {
    "agenda": "agent.cli.agenda:agenda",
    "auth": "agent.cli.setup_commands:auth",
    "board": "agent.cli.board:board",
    "config": "agent.cli.config_commands:config",
    "demo": "agent.cli.setup_commands:demo",
    "doctor": "agent.cli.setup_commands:doctor",
    "note": "agent.cli.interview_commands:note",
    "preview": "agent.cli.interview_commands:preview",
    "resume": "agent.cli.interview_commands:resume",
    "run": "agent.cli.setup_commands:run",
    "sandbox": "agent.cli.config_commands:sandbox",
    "service": "agent.cli.setup_commands:service",
    "status": "agent.cli.interview_commands:status",
    "stop": "agent.cli.interview_commands:stop",
    "tick": "agent.cli.tick_command:tick",
}


@click.group(
    cls=FollowupGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


if __name__ == "__main__":  # pragma: no cover
    main()
