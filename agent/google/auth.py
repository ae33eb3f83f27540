"""The OAuth token: its scopes, its private file, using it only where it was made, revoking it."""

# Errors a person can act on come out as AuthError (run `followup auth`) or GoogleUnavailable
# (network); no token or refresh token is ever logged or put into a message.

from __future__ import annotations

import json
import logging
import os
import stat
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth import exceptions as gexc
from google.oauth2.credentials import Credentials

from agent.core.errors import AuthError, GoogleUnavailable
from agent.files.paths import write_private

log = logging.getLogger(__name__)

GMAIL_COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
CALENDAR_EVENTS_READONLY = "https://www.googleapis.com/auth/calendar.events.readonly"
CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # where a token without token_uri goes
PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"
REFRESH_MARGIN = timedelta(minutes=5)
REFUSED = "Google refused the saved token (expired or revoked); run `followup auth`"
REQUIRED_FIELDS = ("refresh_token", "client_id", "client_secret")


def required_scopes(reminders_enabled: bool) -> tuple[str, ...]:
    """Least privilege: compose + readonly mail, read events; write events for reminders."""
    scopes = (GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_EVENTS_READONLY)
    return (*scopes, CALENDAR_EVENTS) if reminders_enabled else scopes


def scope_name(scope: str) -> str:
    """The short name of a scope URL (…/auth/calendar.events -> calendar.events)."""
    return scope.rsplit("/", 1)[-1]


def scope_list(value: Any) -> list[str]:
    """Scopes as a list, from a list or a space-separated string (None -> [])."""
    return value.split() if isinstance(value, str) else [str(item) for item in value or ()]


def check_scopes(needed: Sequence[str], granted: Sequence[str]) -> None:
    """AuthError naming the scopes the settings need that `granted` lacks."""
    missing = [scope for scope in needed if scope not in granted]
    if missing:
        names = ", ".join(scope_name(scope) for scope in missing)
        why = " (reminders are on)" if CALENDAR_EVENTS in missing else ""
        raise AuthError(f"the token lacks {names}{why}; run `followup auth` again")


# --- the token file ---------------------------------------------------------------------------


def token_json(creds: Credentials) -> str:
    """Credentials.to_json(), with `scopes` narrowed to the granted ones when Google said so."""
    data = json.loads(creds.to_json())
    granted = scope_list(creds.granted_scopes)
    if granted:
        data["scopes"] = granted
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def save_token(path: Path, creds: Credentials) -> None:
    """Write the credentials' JSON to `path` atomically, mode 0600, in a 0700 folder."""
    try:
        write_private(path, token_json(creds))
    except OSError as exc:
        problem = f"cannot write {path} ({exc.strerror}); check its folder's permissions"
        raise AuthError(problem) from exc
    log.info("saved the OAuth token to %s", path)


def read_token_info(path: Path, *, require_private: bool = True) -> dict[str, Any]:
    """The token file's JSON object, checked for mode and the fields a refresh needs."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if require_private and mode & 0o077 and os.name != "nt":  # Windows: the profile's ACLs
            raise AuthError(
                f"{path} is open to other users (mode {mode:o}); run `chmod 600 {path}` and try "
                "again"
            )
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuthError(f"no token at {path}; run `followup auth` first") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise AuthError(f"cannot read {path} ({reason}); run `followup auth` again") from None
    try:
        info = json.loads(raw)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise AuthError(f"{path} is not a token file (bad JSON); run `followup auth` again")
    missing = [name for name in REQUIRED_FIELDS if not info.get(name)
               or not isinstance(info.get(name), str)]
    if missing:
        raise AuthError(f"{path} lacks {', '.join(missing)}; run `followup auth` again")
    return info


# --- using the token ---------------------------------------------------------------------------


class SavingCredentials(Credentials):
    """Credentials that re-save their token file after every refresh, failing as our errors."""

    # google_auth_httplib2.AuthorizedHttp calls `refresh` itself when the access token expires
    # or an API answers 401: overriding it is the one place that sees every refresh. A refused
    # grant (invalid_grant) is AuthError, never retried; a network failure or a retryable
    # server error is GoogleUnavailable. Copies made by with_*() lose the file and do not save.

    def __init__(self, *args: Any, token_path: Path | None = None, **kwargs: Any) -> None:
        """Same arguments as Credentials, plus the token file to keep up to date."""
        super().__init__(*args, **kwargs)
        self.token_path = token_path

    @classmethod
    def bound(
        cls, base: Credentials, token_path: Path, *, token_uri: str | None = None
    ) -> SavingCredentials:
        """A saving copy of `base` tied to `token_path` (and to the file's own token_uri)."""
        # google-auth's from_authorized_user_info always puts Google's token_uri.
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


def is_google(url: str) -> bool:
    """Whether a URL is one of Google's own (https on googleapis.com or accounts.google.com)."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    ours = host in ("googleapis.com", "accounts.google.com") or host.endswith(".googleapis.com")
    return parts.scheme == "https" and ours


def token_uri_of(info: dict[str, Any]) -> str:
    """Where the token in a token file refreshes: the endpoint it was made for."""
    return str(info.get("token_uri") or GOOGLE_TOKEN_URI)


def check_endpoint(path: Path, info: dict[str, Any], endpoint: str) -> None:
    """AuthError unless the token was made for where the APIs go (a Google token only Google's)."""
    token_uri = token_uri_of(info)
    made_at = urllib.parse.urljoin(token_uri, "/")
    if is_google(token_uri):
        if endpoint and not is_google(endpoint):
            raise AuthError(
                f"{path} is a Google token and followup sends it only to Google, not to "
                f"{endpoint}; unset FOLLOWUP_GOOGLE_ENDPOINT ([google] endpoint), or use a "
                "token made for that endpoint (`followup sandbox --write-token` with "
                "FOLLOWUP_HOME set to another folder)"
            )
    elif not endpoint or is_google(endpoint):
        raise AuthError(
            f"{path} was made for {made_at}, not Google; run `followup auth`, or set "
            f"FOLLOWUP_GOOGLE_ENDPOINT={made_at} to use it there"
        )
    elif not token_uri.startswith(endpoint.rstrip("/") + "/"):
        raise AuthError(
            f"{path} was made for {made_at}, not {endpoint}; write one for it with "
            f"`followup sandbox --write-token`, or set FOLLOWUP_GOOGLE_ENDPOINT={made_at}"
        )


def load_credentials(path: Path, scopes: Sequence[str], *, endpoint: str = "") -> SavingCredentials:
    """The token file's credentials; AuthError if unsafe, short of `scopes` or made elsewhere."""
    info = read_token_info(path)
    check_endpoint(path, info, endpoint)
    recorded = scope_list(info.get("scopes"))
    check_scopes(scopes, recorded)
    try:
        base = Credentials.from_authorized_user_info(info, recorded)
    except (ValueError, TypeError, AttributeError):
        raise AuthError(f"{path} is not a usable token file; run `followup auth` again") from None
    return SavingCredentials.bound(base, path, token_uri=token_uri_of(info))


def fresh_credentials(
    path: Path, scopes: Sequence[str], *, endpoint: str = "", now: datetime | None = None
) -> SavingCredentials:
    """Load the token and refresh it now if it is expired or about to expire (re-saving it)."""
    creds = load_credentials(path, scopes, endpoint=endpoint)
    expiry = creds.expiry.replace(tzinfo=UTC) if creds.expiry else None  # kept as naive UTC
    if not creds.token or expiry is None or expiry - REFRESH_MARGIN <= (now or datetime.now(UTC)):
        creds.refresh(google_auth_httplib2.Request(httplib2.Http(timeout=30)))
    return creds


@dataclass(frozen=True)
class RevokeResult:
    """What `revoke` did."""

    revoked: bool  # the endpoint confirmed the grant is now revoked
    deleted: bool  # the token file was removed
    message: str


def revoke_uri_of(info: dict[str, Any]) -> str:
    """Where a token is revoked: beside the token endpoint it was made at."""
    return urllib.parse.urljoin(token_uri_of(info), "revoke")


def revoke(token_path: Path, *, timeout: float = 30.0) -> RevokeResult:
    """Revoke the saved grant where it was made, then delete the token file (also when invalid)."""
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
    uri = revoke_uri_of(info)
    where = f"Google ({uri})" if is_google(uri) else f"the sandbox at {uri} (not Google)"
    try:
        response, _ = httplib2.Http(timeout=timeout).request(
            uri, "POST", body=urllib.parse.urlencode({"token": info["refresh_token"]}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    except (OSError, httplib2.HttpLib2Error) as exc:
        raise GoogleUnavailable(
            f"cannot reach {where} to revoke the token ({type(exc).__name__}); {token_path} is "
            "kept; try again later"
        ) from None
    status = response.status
    if status >= 500:
        raise GoogleUnavailable(f"{where} answered HTTP {status} to the revoke; "
                                f"{token_path} is kept; try again later")
    token_path.unlink(missing_ok=True)
    if status == 200:
        log.info("revoked the grant at %s and deleted %s", uri, token_path)
        done = f"revoked followup's access at {where}; deleted {token_path}"
        return RevokeResult(True, True, done)
    log.info("revoke at %s answered HTTP %d (already invalid); deleted %s", uri, status, token_path)
    return RevokeResult(
        False, True,
        f"the token was already invalid (HTTP {status}) at {where}; deleted {token_path}",
    )
