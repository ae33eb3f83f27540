"""`followup sandbox`: serve the stand-in and give followup a token that works with it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from google.oauth2.credentials import Credentials

from agent.cli.options import Obj
from agent.core.errors import AuthError
from agent.google.auth import is_google, required_scopes, save_token
from agent.sandbox import Sandbox, SandboxServer

SANDBOX_REFRESH_TOKEN = "sandbox-refresh"
USER = "candidate@example.com"  # the sandbox mailbox's address, unless --email says another


def check_replaceable(token_file: Path) -> None:
    """AuthError unless token_file is absent or a sandbox's (a Google token is never replaced)."""
    try:
        info = json.loads(token_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        info = None
    uri = info.get("token_uri", "") if isinstance(info, dict) else ""
    if not isinstance(uri, str) or not uri or is_google(uri):
        raise AuthError(
            f"{token_file} holds a token that is not a sandbox's (a Google token is never "
            "overwritten); to try the sandbox, set FOLLOWUP_HOME to another folder"
        )


def write_sandbox_token(token_file: Path, url: str, reminders: bool) -> None:
    """Save a token file for the sandbox (0600, atomic): its token_uri is the sandbox's."""
    check_replaceable(token_file)
    credentials = Credentials(
        token="sandbox-token",
        refresh_token=SANDBOX_REFRESH_TOKEN,
        token_uri=url.rstrip("/") + "/token",
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        scopes=list(required_scopes(reminders)),
        expiry=(datetime.now(UTC) + timedelta(days=3650)).replace(tzinfo=None),
    )
    save_token(token_file, credentials)


@click.command()
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free).")
@click.option("--email", default=USER, show_default=True, help="Mailbox address.")
@click.option(
    "--write-token", is_flag=True,
    help="Write a token.json for the sandbox into the followup home folder.",
)
@click.pass_obj
def sandbox(obj: Obj, port: int, email: str, write_token: bool) -> None:
    """Serve the local stand-in for Gmail and Google Calendar (for trying things out).

    The guide to it (control surface, faults, quota, scopes) is docs/sandbox.md.
    """
    settings = obj.settings() if write_token else None
    if settings is not None:
        check_replaceable(settings.paths.token_file)  # before serving anything
    server = SandboxServer(Sandbox(user_email=email), port=port)
    url = server.url
    click.echo(f"sandbox serving Gmail and Calendar at {url} (mailbox {email})")
    click.echo(f"control surface: {url}_sandbox/  (see docs/sandbox.md)")
    if settings is not None:
        write_sandbox_token(settings.paths.token_file, url, settings.reminders.enabled)
        click.echo(f"wrote a sandbox token to {settings.paths.token_file}")
    click.echo(f"point followup at it:  export FOLLOWUP_GOOGLE_ENDPOINT={url}")
    click.echo("press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping the sandbox")
