"""The consent flow of `followup auth` (only that command imports its libraries)."""

from __future__ import annotations

import errno
import json
import os
import urllib.parse
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import oauthlib.oauth2
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError

from agent.core.errors import AuthError, GoogleUnavailable
from agent.google.auth import (
    PERMISSIONS_PAGE,
    SavingCredentials,
    check_scopes,
    save_token,
    scope_list,
)

CONSOLE = (
    "Google Cloud Console > APIs & Services > Credentials > Create credentials > OAuth client ID "
    "> Desktop app"
)
CLIENT_HOWTO = (
    f"create a Desktop OAuth client: {CONSOLE}; "
    "download the JSON and save it as {path}"
)
CLIENT_REPLACE = (
    f"followup needs a Desktop app client: {CONSOLE}; download its JSON and pass it with "
    "--client-secret (or put it in place of {path})"
)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def allow_loopback_http(client_secret_file: Path) -> bool:
    """Let oauthlib use plain http where the client's token endpoint is this machine (a sandbox)."""
    try:
        section = json.loads(client_secret_file.read_text(encoding="utf-8")).get("installed", {})
        url = urllib.parse.urlsplit(str(section.get("token_uri", "")))
    except (OSError, ValueError, AttributeError):
        return False
    if url.scheme != "http" or url.hostname not in LOOPBACK_HOSTS:
        return False
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    return True


def _check_client(client_secret_file: Path) -> None:
    """AuthError with the how-to unless the file is a Desktop OAuth client JSON ('installed')."""
    howto = CLIENT_HOWTO.format(path=client_secret_file)
    if client_secret_file.exists():  # the wrong file: never advise saving over it blindly
        howto = CLIENT_REPLACE.format(path=client_secret_file)
    try:
        data = json.loads(client_secret_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthError(f"no OAuth client file at {client_secret_file}; {howto}") from None
    except (OSError, ValueError) as exc:
        raise AuthError(
            f"cannot read {client_secret_file} as an OAuth client ({type(exc).__name__}); {howto}"
        ) from None
    if isinstance(data, dict) and "web" in data and "installed" not in data:
        raise AuthError(f"{client_secret_file} is a Web application client; {howto}")
    section = data.get("installed") if isinstance(data, dict) else None
    needed = ("client_id", "client_secret", "auth_uri", "token_uri")
    if not isinstance(section, dict) or not all(section.get(key) for key in needed):
        raise AuthError(f"{client_secret_file} is not a Desktop OAuth client file; {howto}")


def run_auth_flow(
    client_secret_file: Path,
    token_path: Path,
    scopes: Sequence[str],
    *,
    open_browser: bool,
    port: int,
    print_fn: Callable[[str], None],
    timeout_seconds: float | None = 600.0,
) -> SavingCredentials:
    """Run the installed-app flow on localhost:`port`, save the token (0600), return it."""
    _check_client(client_secret_file)

    class AnnouncingFlow(InstalledAppFlow):
        """InstalledAppFlow that shows the consent URL through print_fn."""

        def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
            """Build the URL as usual, then tell the user where to open it."""
            url, state = super().authorization_url(**kwargs)
            if open_browser:
                print_fn("Your browser should open Google's consent page; if not, open this URL:")
                print_fn(url)
                return url, state
            print_fn("Open this URL in a browser to give followup access to calendar and drafts:")
            print_fn(url)
            real = urllib.parse.urlsplit(self.redirect_uri).port or port  # the ssh tunnel's
            print_fn(
                f"On a headless machine: on your laptop run `ssh -L {real}:localhost:{real} "
                "user@this-host`, then open the URL there."
            )
            return url, state

    flow = AnnouncingFlow.from_client_secrets_file(str(client_secret_file), scopes=list(scopes))
    try:
        creds = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message="",
            timeout_seconds=timeout_seconds,
            access_type="offline",
            prompt="consent",
        )
    except WSGITimeoutError:
        raise AuthError("no answer from the browser in time; run `followup auth` again") from None
    except webbrowser.Error:
        raise AuthError(
            "no browser found on this machine; run `followup auth` with the browser off "
            "(--no-browser) and open the URL elsewhere"
        ) from None
    except Warning as exc:  # oauthlib: "Scope has changed" (a box left unticked, or more given)
        # A superset (Google adds scopes granted earlier to the same client) is fine; oauthlib's
        # warning carries the token it would have kept.
        token = getattr(exc, "token", None)
        check_scopes(scopes, scope_list(getattr(exc, "new_scope", None)) if token else [])
        flow.oauth2session.token = token
        creds = flow.credentials
    except oauthlib.oauth2.OAuth2Error as exc:
        raise AuthError(
            f"Google did not grant access ({exc.error}); run `followup auth` again and "
            "allow every requested permission"
        ) from None
    except OSError as exc:  # binding the local port, or requests failing to reach Google
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise AuthError(
                f"cannot listen on port {port} ({exc.strerror}); choose another port with "
                f"--port, e.g. `followup auth --port {port + 1 if port else 8081}`"
            ) from None
        raise GoogleUnavailable(
            f"the OAuth exchange failed ({type(exc).__name__}); check the network and try again"
        ) from None
    return _finish(creds, token_path, scopes, print_fn)


def _finish(
    creds: Credentials, token_path: Path, scopes: Sequence[str], print_fn: Callable[[str], None]
) -> SavingCredentials:
    """Check what Google granted, save the token, say where it went."""
    if not creds.refresh_token:
        raise AuthError(
            f"Google returned no refresh token; remove followup at {PERMISSIONS_PAGE} and run "
            "`followup auth` again"
        )
    check_scopes(scopes, scope_list(creds.granted_scopes) or scope_list(creds.scopes))
    saving = SavingCredentials.bound(creds, token_path)
    save_token(token_path, saving)
    print_fn(f"Saved the token to {token_path} (readable only by you).")
    return saving
