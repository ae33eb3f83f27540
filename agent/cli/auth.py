"""`followup auth`: the one-time OAuth consent, revoking it, and `auth status` (the grant)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from agent.cli.options import Obj
from agent.cli.tick import build_services_for
from agent.core.errors import FollowupError
from agent.google.auth import read_token_info, required_scopes, scope_list, scope_name
from agent.google.auth import revoke as revoke_token
from agent.google.consent import allow_loopback_http, run_auth_flow
from agent.google.gmail import Gmail

EXPIRY = (  # the token file does not say when the grant ends
    "Google does not say whether your OAuth app is in Testing; if it is, this grant ends "
    "7 days after `followup auth` (publish the app: README, setup step 4)"
)


@click.group(invoke_without_command=True)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the consent URL (and an ssh tunnel line) instead of opening a browser.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=int,
    help="Local port Google redirects to after consent.",
)
@click.option(
    "--client-secret",
    "client_secret",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Desktop OAuth client JSON (default: [google] client_secret_file, "
    "else client_secret.json beside config.toml).",
)
@click.option(
    "--revoke",
    is_flag=True,
    help="Revoke the saved grant where it was made (Google, or the sandbox) and delete the token.",
)
@click.pass_context
def auth(
    ctx: click.Context, no_browser: bool, port: int, client_secret: Path | None, revoke: bool
) -> None:
    """One-time OAuth setup: let followup read your calendar and write drafts.

    `followup auth status` shows the account, the permissions granted and the token file.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Obj = ctx.obj
    settings = obj.settings()
    token = settings.paths.token_file
    if revoke:  # where the token was made: Google, or the sandbox that wrote it
        click.echo(revoke_token(token).message)
        return
    secret = client_secret or (
        Path(settings.google.client_secret_file)
        if settings.google.client_secret_file
        else settings.paths.config_file.parent / "client_secret.json"
    )
    scopes = required_scopes(settings.reminders.enabled)
    allow_loopback_http(secret)  # the sandbox's token endpoint is plain http on this machine
    run_auth_flow(
        secret, token, scopes, open_browser=not no_browser, port=port, print_fn=click.echo
    )
    click.echo("Next: `followup doctor`, then `followup tick --dry-run`.")


@auth.command("status")
@click.pass_obj
def auth_status(obj: Obj) -> None:
    """Show the account, the permissions granted, the token file and when the grant ends."""
    settings = obj.settings()
    token = settings.paths.token_file
    info = read_token_info(token)  # AuthError (4) when absent, unsafe or not a token
    granted = scope_list(info.get("scopes"))
    needed = required_scopes(settings.reminders.enabled)
    missing = [s for s in needed if s not in granted]
    lines = [
        f"token     {token} (readable only by you)",
        f"scopes    {', '.join(scope_name(s) for s in granted) or 'none recorded'}",
    ]
    code = 0
    if missing:
        names = ", ".join(scope_name(s) for s in missing)
        lines.append(f"missing   {names}: run `followup auth` again")
        code = 4
    try:
        account = Gmail(build_services_for(settings)).account().address
        lines.append(f"account   {account}")
    except FollowupError as exc:
        lines.append(f"account   unknown: {exc}")
        code = code or exc.exit_code
    lines.append(f"expiry    {EXPIRY}")
    for line in lines:  # file paths stay whole on their line
        wrap = len(line) > 80 and not line.startswith("token ")
        click.echo(textwrap.fill(line, 80, subsequent_indent=" " * 10) if wrap else line)
    sys.exit(code)
