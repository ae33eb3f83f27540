"""`followup config` (check, show, example) and `followup sandbox` (the local stand-in)."""

from __future__ import annotations

from pathlib import Path

import click

from agent.cli.common import Obj, fail_cleanly


@click.group()
def config() -> None:
    """Check or show the settings."""


@config.command("check")
@click.pass_obj
@fail_cleanly
def config_check(obj: Obj) -> None:
    """Validate the settings file; exit 3 with one line if something is wrong."""
    settings = obj.settings(full=True)
    where = settings.paths.config_file
    click.echo(f"{where}: OK" if where.exists() else f"{where}: not present, using defaults: OK")


@config.command("show")
@click.pass_obj
@fail_cleanly
def config_show(obj: Obj) -> None:
    """Print the effective settings and where each file lives."""
    from agent.core.settings import describe_settings

    settings = obj.settings(full=True)
    click.echo(describe_settings(settings, file_found=settings.paths.config_file.exists()))


@config.command("example")
def config_example() -> None:
    """Print an example config.toml with every key, its default and what it does."""
    from agent.core.settings import default_config_text

    click.echo(default_config_text(), nl=False)


@click.command()
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
