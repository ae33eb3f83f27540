"""Bearer-token checks and a stand-in for Google's OAuth token and revoke endpoints."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

GMAIL = "https://www.googleapis.com/auth/gmail."
CALENDAR = "https://www.googleapis.com/auth/calendar"
FULL_MAIL = "https://mail.google.com/"
# What `followup auth` asks for (calendar.events only with reminders on): all granted here.
DEFAULT_SCOPES = (
    GMAIL + "compose", GMAIL + "readonly", CALENDAR + ".events.readonly", CALENDAR + ".events"
)
DEFAULT_REFRESH_TOKEN = "sandbox-refresh"
ACCESS_TOKEN_SECONDS = 3600


@dataclass
class AuthBook:
    """Which tokens the sandbox accepts and which scopes they carry."""

    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_SCOPES))
    accepted: set[str] | None = None  # None: any non-empty Bearer token
    issued: set[str] = field(default_factory=set)  # access tokens from the token endpoint
    revoked: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=lambda: {DEFAULT_REFRESH_TOKEN})
    codes: set[str] = field(default_factory=set)

    def check(self, header: str | None) -> str | None:
        """None when the Authorization header is acceptable, else the 401 message."""
        if not header:
            return (
                "Request is missing required authentication credential. "
                "Expected OAuth 2 access token."
            )
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or token in self.revoked:
            return "Request had invalid authentication credentials. Expected OAuth 2 access token."
        if self.accepted is not None and token not in self.accepted and token not in self.issued:
            return "Request had invalid authentication credentials. Expected OAuth 2 access token."
        return None

    def _access(self) -> str:
        token = "sbx-at-" + secrets.token_hex(12)
        self.issued.add(token)
        return token

    def _grant(self, refresh_token: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "access_token": self._access(),
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": "Bearer",
            "scope": " ".join(self.scopes),
        }
        if refresh_token:
            out["refresh_token"] = refresh_token
        return out

    def token_endpoint(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """POST /token: refresh_token and authorization_code grants."""
        grant = form.get("grant_type", "")
        if grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
            return 200, self._grant(None)
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in self.codes:
                return 400, {"error": "invalid_grant", "error_description": "Malformed auth code."}
            self.codes.discard(code)
            refresh = "sbx-rt-" + secrets.token_hex(12)
            self.refresh_tokens.add(refresh)
            return 200, self._grant(refresh)
        return 400, {
            "error": "unsupported_grant_type",
            "error_description": f"Invalid grant_type: {grant}",
        }

    def revoke(self, token: str) -> tuple[int, dict[str, Any]]:
        """POST /revoke?token=: forget a refresh or access token."""
        if token in self.refresh_tokens:
            self.refresh_tokens.discard(token)
            return 200, {}
        if token and token not in self.revoked:
            self.revoked.add(token)
            self.issued.discard(token)
            return 200, {}
        return 400, {"error": "invalid_token", "error_description": "Token expired or revoked"}

    def issue_code(self) -> str:
        """A one-time authorization code for the authorization_code grant."""
        code = "sbx-code-" + secrets.token_hex(8)
        self.codes.add(code)
        return code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {
            "scopes": self.scopes,
            "accepted": None if self.accepted is None else sorted(self.accepted),
            "issued": sorted(self.issued),
            "revoked": sorted(self.revoked),
            "refresh_tokens": sorted(self.refresh_tokens),
            "codes": sorted(self.codes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuthBook:
        """Inverse of to_dict."""
        accepted = data.get("accepted")
        return cls(
            scopes=list(data["scopes"]),
            accepted=None if accepted is None else set(accepted),
            issued=set(data["issued"]),
            revoked=set(data["revoked"]),
            refresh_tokens=set(data["refresh_tokens"]),
            codes=set(data["codes"]),
        )
