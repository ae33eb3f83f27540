"""`followup sandbox`: serve the stand-in and give followup a token that works with it."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

SANDBOX_REFRESH_TOKEN = "sandbox-refresh"


def sandbox_credentials(url: str, scopes: tuple[str, ...]):
    """Credentials whose refresh goes to the sandbox's token endpoint."""
    from google.oauth2.credentials import Credentials

    return Credentials(
        token="sandbox-token",
        refresh_token=SANDBOX_REFRESH_TOKEN,
        token_uri=url.rstrip("/") + "/token",
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        scopes=list(scopes),
        expiry=(datetime.now(UTC) + timedelta(days=3650)).replace(tzinfo=None),
    )


def write_sandbox_token(token_file: Path, url: str, reminders: bool) -> None:
    """Save a token file for the sandbox (0600, atomic), like `followup auth` would."""
    from agent.google.auth import required_scopes
    from agent.google.tokenfile import save_token

    save_token(token_file, sandbox_credentials(url, required_scopes(reminders)))


def serve_sandbox(
    config: Path | None,
    *,
    host: str,
    port: int,
    state_file: Path | None,
    email: str,
    time_zone: str,
    write_token: bool,
    echo: Callable[[str], None],
) -> None:
    """Run the sandbox server in the foreground until interrupted."""
    from agent.cli.runtime import settings_from_env
    from agent.sandbox import Sandbox, SandboxServer

    world = (
        Sandbox.load(state_file)
        if state_file and state_file.exists()
        else Sandbox(user_email=email, time_zone=time_zone)
    )
    server = SandboxServer(world, host=host, port=port, state_file=state_file)
    url = server.url
    echo(f"sandbox serving Gmail and Calendar at {url} (mailbox {email})")
    echo(f"control surface: {url}_sandbox/  (see docs/sandbox.md)")
    if write_token:
        env = dict(os.environ, FOLLOWUP_GOOGLE_ENDPOINT=url)
        settings = settings_from_env(config, env)
        write_sandbox_token(settings.paths.token_file, url, settings.reminders.enabled)
        echo(f"wrote a sandbox token to {settings.paths.token_file}")
    echo(f"point followup at it:  export FOLLOWUP_GOOGLE_ENDPOINT={url}")
    echo("press Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopping the sandbox")
