"""OAuth for an installed app: scopes, the browser flow, loading/refreshing the token, revoking.

Errors a person can act on come out as agent.core.errors.AuthError (run `followup auth`) or
GoogleUnavailable (network); no token or refresh token is ever logged.
"""

from __future__ import annotations

import errno
import json
import logging
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from google.auth import exceptions as gexc
from google.oauth2.credentials import Credentials

from agent.core.errors import AuthError, GoogleUnavailable
from agent.google.tokenfile import read_token_info, save_token, scope_list

log = logging.getLogger(__name__)

GMAIL_COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
CALENDAR_EVENTS_READONLY = "https://www.googleapis.com/auth/calendar.events.readonly"
CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"

REVOKE_URI = "https://oauth2.googleapis.com/revoke"
PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"
REFRESH_MARGIN = timedelta(minutes=5)
REFUSED = "Google refused the saved token (expired or revoked); run `followup auth`"
CLIENT_HOWTO = (
    "create a Desktop OAuth client: Google Cloud Console > APIs & Services > Credentials > "
    "Create credentials > OAuth client ID > Desktop app; download the JSON and save it as {path}"
)

CLIENT_REPLACE = (
    "followup needs a Desktop app client: Google Cloud Console > APIs & Services > "
    "Credentials > Create credentials > OAuth client ID > Desktop app; download its JSON "
    "and pass it with --client-secret (or put it in place of {path})"
)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def allow_loopback_http(client_secret_file: Path) -> bool:
    """Let oauthlib use plain http when the client's token endpoint is this machine (the
    sandbox); Google's own endpoints are https and stay required to be."""
    import os

    try:
        section = json.loads(client_secret_file.read_text(encoding="utf-8")).get("installed", {})
        url = urllib.parse.urlsplit(str(section.get("token_uri", "")))
    except (OSError, ValueError, AttributeError):
        return False
    if url.scheme != "http" or url.hostname not in LOOPBACK_HOSTS:
        return False
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    return True


def required_scopes(reminders_enabled: bool) -> tuple[str, ...]:
    """Least privilege: compose + readonly mail, read events; write events for reminders."""
    scopes = (GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_EVENTS_READONLY)
    return (*scopes, CALENDAR_EVENTS) if reminders_enabled else scopes


def scope_name(scope: str) -> str:
    """The short name of a scope URL (…/auth/calendar.events -> calendar.events)."""
    return scope.rsplit("/", 1)[-1]


def missing_scopes_message(missing: Sequence[str]) -> str:
    """The one-line error for a token that lacks scopes the settings need."""
    names = ", ".join(scope_name(scope) for scope in missing)
    why = " (reminders are on)" if CALENDAR_EVENTS in missing else ""
    return f"the token lacks {names}{why}; run `followup auth` again"


class SavingCredentials(Credentials):
    """Credentials that re-save their token file after every refresh.

    googleapiclient (through google_auth_httplib2.AuthorizedHttp) calls `refresh` itself when
    the access token expires or an API answers 401, so overriding `refresh` is the one place
    that sees every refresh: after super().refresh() succeeds the file is rewritten (0600,
    atomic). Refresh failures become the agent's errors: a refused grant (invalid_grant) is
    AuthError and is never retried; a network failure or a retryable server error is
    GoogleUnavailable. Copies made by with_*() methods lose the file binding and do not save.
    """

    def __init__(self, *args: Any, token_path: Path | None = None, **kwargs: Any) -> None:
        """Same arguments as Credentials, plus the token file to keep up to date."""
        super().__init__(*args, **kwargs)
        self.token_path = token_path

    @classmethod
    def bound(
        cls, base: Credentials, token_path: Path, *, token_uri: str | None = None
    ) -> SavingCredentials:
        """A saving copy of `base` tied to `token_path` (token_uri replaced when given)."""
        return cls(
            base.token,
            refresh_token=base.refresh_token,
            id_token=base.id_token,
            token_uri=token_uri or base.token_uri,
            client_id=base.client_id,
            client_secret=base.client_secret,
            scopes=base.scopes,
            default_scopes=base.default_scopes,
            quota_project_id=base.quota_project_id,
            expiry=base.expiry,
            rapt_token=base.rapt_token,
            granted_scopes=base.granted_scopes,
            universe_domain=base.universe_domain,
            account=base.account,
            token_path=token_path,
        )

    def refresh(self, request: Any) -> None:
        """Refresh, then re-save the file; failures become AuthError or GoogleUnavailable."""
        try:
            super().refresh(request)
        except gexc.RefreshError as exc:
            raise refresh_failure(exc) from exc
        except (gexc.TransportError, OSError) as exc:
            raise GoogleUnavailable(
                f"cannot reach Google to refresh the token ({type(exc).__name__}); "
                "check the network and try again later"
            ) from exc
        log.info("refreshed the Google access token")
        if self.token_path is not None:
            save_token(self.token_path, self)


def refresh_failure(exc: gexc.RefreshError) -> AuthError | GoogleUnavailable:
    """Map a RefreshError: retryable server trouble -> GoogleUnavailable, else AuthError."""
    if exc.retryable:
        return GoogleUnavailable(
            "Google's token endpoint is failing; the token is kept, try again later"
        )
    code = ""
    if len(exc.args) > 1 and isinstance(exc.args[1], dict):
        code = str(exc.args[1].get("error", ""))
    if code in ("", "invalid_grant"):
        return AuthError(REFUSED)
    return AuthError(f"Google refused the saved token ({code}); run `followup auth`")


def load_credentials(
    path: Path, scopes: Sequence[str], *, token_uri_override: str | None = None
) -> SavingCredentials:
    """The token file as SavingCredentials, refused if unsafe, malformed or short of `scopes`."""
    info = read_token_info(path)
    recorded = scope_list(info.get("scopes"))
    missing = [scope for scope in scopes if scope not in recorded]
    if missing:
        raise AuthError(missing_scopes_message(missing))
    try:
        base = Credentials.from_authorized_user_info(info, recorded)
    except (ValueError, TypeError, AttributeError):
        raise AuthError(f"{path} is not a usable token file; run `followup auth` again") from None
    return SavingCredentials.bound(base, path, token_uri=token_uri_override)


def needs_refresh(creds: Credentials, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
    """True when there is no access token or it expires within `margin` of `now`."""
    if not creds.token or creds.expiry is None:
        return True
    expiry = creds.expiry.replace(tzinfo=UTC)  # google-auth keeps expiry as naive UTC
    return expiry - margin <= now


def fresh_credentials(
    path: Path,
    scopes: Sequence[str],
    *,
    request: Any = None,
    token_uri_override: str | None = None,
    now: datetime | None = None,
) -> SavingCredentials:
    """Load the token and refresh it now if it is expired or about to expire (re-saving it)."""
    creds = load_credentials(path, scopes, token_uri_override=token_uri_override)
    if needs_refresh(creds, now or datetime.now(UTC)):
        if request is None:
            from google.auth.transport.requests import Request

            request = Request()
        creds.refresh(request)
    return creds


def _client_config(client_secret_file: Path) -> dict[str, Any]:
    """The 'installed' section of a Desktop OAuth client JSON, or AuthError with the how-to."""
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
    return section


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
    """Run the installed-app flow on localhost:`port`, save the token (0600), return it.

    Without a browser the URL is printed with the ssh tunnel to use from a laptop.
    """
    _client_config(client_secret_file)
    import webbrowser

    import oauthlib.oauth2
    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError

    class AnnouncingFlow(InstalledAppFlow):
        """InstalledAppFlow that shows the consent URL through print_fn."""

        def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
            """Build the URL as usual, then tell the user where to open it."""
            url, state = super().authorization_url(**kwargs)
            _announce(url, urllib.parse.urlsplit(self.redirect_uri).port or port)
            return url, state

    def _announce(url: str, real_port: int) -> None:
        if open_browser:
            print_fn("Your browser should open Google's consent page; if not, open this URL:")
        else:
            print_fn("Open this URL in a browser to give followup access to calendar and drafts:")
        print_fn(url)
        if not open_browser:
            print_fn(
                f"On a headless machine: on your laptop run `ssh -L {real_port}:localhost:"
                f"{real_port} user@this-host`, then open the URL there."
            )

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
        creds = _changed_scope_credentials(flow, exc, scopes)
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


def _changed_scope_credentials(flow: Any, warning: Warning, scopes: Sequence[str]) -> Any:
    """Google granted other scopes than asked: refuse only when an asked-for one is missing.

    A superset (Google adds scopes granted earlier to the same client) is fine; oauthlib's
    warning carries the token it would have kept.
    """
    token = getattr(warning, "token", None)
    granted = scope_list(getattr(warning, "new_scope", None))
    missing = [scope for scope in scopes if scope not in granted]
    if missing or not token:
        raise AuthError(missing_scopes_message(missing or list(scopes))) from None
    flow.oauth2session.token = token
    return flow.credentials


def _finish(
    creds: Credentials, token_path: Path, scopes: Sequence[str], print_fn: Callable[[str], None]
) -> SavingCredentials:
    """Check what Google granted, save the token, say where it went."""
    if not creds.refresh_token:
        raise AuthError(
            f"Google returned no refresh token; remove followup at {PERMISSIONS_PAGE} and run "
            "`followup auth` again"
        )
    granted = scope_list(creds.granted_scopes) or scope_list(creds.scopes)
    missing = [scope for scope in scopes if scope not in granted]
    if missing:
        raise AuthError(missing_scopes_message(missing))
    saving = SavingCredentials.bound(creds, token_path)
    save_token(token_path, saving)
    print_fn(f"Saved the token to {token_path} (readable only by you).")
    return saving


@dataclass(frozen=True)
class RevokeResult:
    """What `revoke` did."""

    revoked: bool  # Google confirmed the grant is now revoked
    deleted: bool  # the token file was removed
    message: str


def revoke(
    token_path: Path, *, revoke_uri: str = REVOKE_URI, timeout: float = 30.0
) -> RevokeResult:
    """Revoke the saved grant at Google, then delete the token file (also when already invalid)."""
    if not token_path.exists():
        return RevokeResult(False, False, f"no token at {token_path}; nothing to revoke")
    try:
        info = read_token_info(token_path, require_private=False)
    except AuthError:
        token_path.unlink(missing_ok=True)
        return RevokeResult(
            False, True,
            f"{token_path} was not a usable token; deleted it. Check {PERMISSIONS_PAGE} for access "
            "left behind",
        )
    import urllib.error
    import urllib.request  # only revoking needs it (a tick refreshes through google.auth)

    body = urllib.parse.urlencode({"token": info["refresh_token"]}).encode()
    req = urllib.request.Request(
        revoke_uri, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        raise GoogleUnavailable(
            f"cannot reach Google to revoke the token ({type(exc).__name__}); {token_path} is "
            "kept; try again later"
        ) from None
    if status >= 500:
        raise GoogleUnavailable(f"Google's revoke endpoint answered HTTP {status}; "
                                f"{token_path} is kept; try again later")
    token_path.unlink(missing_ok=True)
    if status == 200:
        log.info("revoked the Google grant and deleted %s", token_path)
        return RevokeResult(True, True, f"revoked followup's access and deleted {token_path}")
    log.info("revoke answered HTTP %d (already invalid); deleted %s", status, token_path)
    return RevokeResult(
        False, True,
        f"the token was already invalid (HTTP {status}); deleted {token_path}",
    )
