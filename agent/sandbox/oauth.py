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


def _merge(*groups: list[str]) -> list[str]:
    """Scopes in order, each once."""
    return list(dict.fromkeys(s for group in groups for s in group))


@dataclass
class AuthBook:
    """Which tokens the sandbox accepts and which scopes they carry.

    `scopes` is what the user consented to: every token without scopes of its own carries
    them. Access tokens from the token endpoint carry what was granted to them, and tokens
    given scopes with set_token_scopes carry those, whatever `scopes` says later.
    """

    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_SCOPES))
    accepted: set[str] | None = None  # None: any non-empty Bearer token
    issued: set[str] = field(default_factory=set)  # access tokens from the token endpoint
    revoked: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=lambda: {DEFAULT_REFRESH_TOKEN})
    codes: dict[str, list[str]] = field(default_factory=dict)  # code -> consented scopes
    token_scopes: dict[str, list[str]] = field(default_factory=dict)  # access token -> scopes
    grants: dict[str, list[str]] = field(default_factory=dict)  # refresh token -> consent
    extra_grant: list[str] = field(default_factory=list)  # granted beyond what is asked

    @staticmethod
    def _token(header: str | None) -> str:
        scheme, _, token = (header or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def scopes_for(self, header: str | None) -> list[str]:
        """The scopes the Bearer token in this Authorization header carries."""
        return list(self.token_scopes.get(self._token(header), self.scopes))

    def set_token_scopes(self, token: str, scopes: list[str]) -> None:
        """Give one access token its own scopes (and accept it when only some are)."""
        self.token_scopes[token] = list(scopes)
        if self.accepted is not None:
            self.accepted.add(token)

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

    def _grant(self, refresh_token: str | None, scopes: list[str]) -> dict[str, Any]:
        granted = _merge(scopes, self.extra_grant)
        token = self._access()
        self.token_scopes[token] = granted
        out: dict[str, Any] = {
            "access_token": token,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": "Bearer",
            "scope": " ".join(granted),
        }
        if refresh_token:
            out["refresh_token"] = refresh_token
        return out

    def token_endpoint(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """POST /token: refresh_token and authorization_code grants.

        A refresh grants the scopes asked for (`scope`), which must be within what the
        refresh token was consented for (else 400 invalid_scope), or all of them when none
        are asked; extra_grant is added on top (Google may grant more than asked).
        """
        grant = form.get("grant_type", "")
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh not in self.refresh_tokens:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
            consent = self.grants.get(refresh, self.scopes)
            asked = form.get("scope", "").split()
            if not set(asked) <= set(consent):
                return 400, {"error": "invalid_scope", "error_description": "Bad Request"}
            return 200, self._grant(None, asked or consent)
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in self.codes:
                return 400, {"error": "invalid_grant", "error_description": "Malformed auth code."}
            consent = self.codes.pop(code)
            refresh = "sbx-rt-" + secrets.token_hex(12)
            self.refresh_tokens.add(refresh)
            self.grants[refresh] = list(consent)
            return 200, self._grant(refresh, consent)
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
            self.token_scopes.pop(token, None)
            return 200, {}
        return 400, {"error": "invalid_token", "error_description": "Token expired or revoked"}

    def revoke_all(self) -> None:
        """Every grant ends: refresh tokens, issued and given access tokens, any-token mode."""
        self.revoked |= self.issued | set(self.token_scopes) | (self.accepted or set())
        self.accepted = set()  # from now on only tokens the token endpoint issues
        self.issued.clear()
        self.refresh_tokens.clear()
        self.grants.clear()

    def issue_code(self, scopes: list[str] | None = None) -> str:
        """A one-time authorization code; the user consented to `scopes` (None: `self.scopes`)."""
        code = "sbx-code-" + secrets.token_hex(8)
        self.codes[code] = list(self.scopes if scopes is None else scopes)
        return code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state."""
        return {
            "scopes": self.scopes,
            "accepted": None if self.accepted is None else sorted(self.accepted),
            "issued": sorted(self.issued),
            "revoked": sorted(self.revoked),
            "refresh_tokens": sorted(self.refresh_tokens),
            "codes": self.codes,
            "token_scopes": self.token_scopes,
            "grants": self.grants,
            "extra_grant": self.extra_grant,
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
            codes=(
                dict(codes)
                if isinstance(codes := data["codes"], dict)
                else {c: list(data["scopes"]) for c in codes}
            ),
            token_scopes=dict(data.get("token_scopes") or {}),
            grants=dict(data.get("grants") or {}),
            extra_grant=list(data.get("extra_grant") or []),
        )
