"""`followup config`: check the settings, show the effective ones, print an example file."""

from __future__ import annotations

import click

from agent.cli.options import Obj
from agent.core.settings import default_config_text, describe_settings


@click.group()
def config() -> None:
    """Check or show the settings."""


@config.command("check")
@click.pass_obj
def config_check(obj: Obj) -> None:
    """Validate the settings file; exit 3 with one line if something is wrong."""
    settings = obj.settings(full=True)
    where = settings.paths.config_file
    click.echo(f"{where}: OK" if where.exists() else f"{where}: not present, using defaults: OK")


@config.command("show")
@click.pass_obj
def config_show(obj: Obj) -> None:
    """Print the effective settings and where each file lives."""
    settings = obj.settings(full=True)
    click.echo(describe_settings(settings, file_found=settings.paths.config_file.exists()))


@config.command("example")
def config_example() -> None:
    """Print an example config.toml with every key, its default and what it does."""
    click.echo(default_config_text(), nl=False)
