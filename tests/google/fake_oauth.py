"""A small local stand-in for Google's OAuth token and revoke endpoints (127.0.0.1, http.server).

Token endpoint (POST /token): `authorization_code` for codes registered with `add_code`,
`refresh_token` for tokens it issued (invalid_grant once revoked). POST /revoke revokes a
token. GET /ping answers 200 only with the current access token (a protected API stand-in).
Every request is recorded so tests can count them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "fake-client-secret"


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    form: dict[str, str]


@dataclass
class FakeOAuth:
    """The fake's state; start() serves it on a free port."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)
    requests: list[Recorded] = field(default_factory=list)
    expires_in: int = 3599
    _serial: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeOAuth:
        """Serve on 127.0.0.1 in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                fake._record("GET", self.path, {})
                auth = self.headers.get("Authorization", "")
                ok = auth.startswith("Bearer ") and auth[7:] in fake.access_tokens
                self._answer(200 if ok else 401, {"ok": ok})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = dict(urllib.parse.parse_qsl(raw))
                path = urllib.parse.urlsplit(self.path).path
                fake._record("POST", path, form)
                if path == "/token":
                    status, body = fake._token(form, self.headers.get("Authorization", ""))
                elif path == "/revoke":
                    status, body = fake._revoke(form)
                else:
                    status, body = 404, {"error": "not_found"}
                self._answer(status, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        """The token endpoint."""
        return self.base_url + "/token"

    @property
    def revoke_uri(self) -> str:
        """The revoke endpoint."""
        return self.base_url + "/revoke"

    def client_secret_json(self) -> dict[str, Any]:
        """A Desktop-app client file whose auth_uri and token_uri point here."""
        return {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.base_url + "/auth",
                "token_uri": self.token_uri,
                "redirect_uris": ["http://localhost"],
            }
        }

    def add_code(self, code: str, scopes: tuple[str, ...]) -> None:
        """Accept `code` once in an authorization_code exchange, granting `scopes`."""
        self.codes[code] = scopes

    def issue_refresh_token(self, scopes: tuple[str, ...]) -> str:
        """Mint a refresh token as if a flow had happened."""
        token = f"1//fake-refresh-{self._next()}"
        self.refresh_tokens[token] = scopes
        return token

    def count(self, path: str, grant_type: str | None = None) -> int:
        """How many requests hit `path` (optionally with that grant_type)."""
        return sum(
            1 for r in self.requests
            if r.path == path and (grant_type is None or r.form.get("grant_type") == grant_type)
        )

    def _next(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def _record(self, method: str, path: str, form: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(Recorded(method, path, form))

    def _client_ok(self, form: dict[str, str], authorization: str) -> bool:
        if authorization.startswith("Basic "):
            user, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            pair = (urllib.parse.unquote(user), urllib.parse.unquote(secret))
        else:
            pair = (form.get("client_id", ""), form.get("client_secret", ""))
        return pair == (self.client_id, self.client_secret)

    def _grant(self, scopes: tuple[str, ...], refresh: str | None) -> dict[str, Any]:
        access = f"ya29.fake-access-{self._next()}"
        self.access_tokens.add(access)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.expires_in,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }
        if refresh:
            body["refresh_token"] = refresh
        return body

    def _token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        if not self._client_ok(form, authorization):
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            scopes = self.codes.pop(form.get("code", ""), None)
            if scopes is None:
                return 400, {"error": "invalid_grant", "error_description": "Bad code"}
            return 200, self._grant(scopes, self.issue_refresh_token(scopes))
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            if token in self.revoked or token not in self.refresh_tokens:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
            return 200, self._grant(self.refresh_tokens[token], None)
        return 400, {"error": "unsupported_grant_type"}

    def _revoke(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        token = form.get("token", "")
        if token in self.refresh_tokens and token not in self.revoked:
            self.revoked.add(token)
            return 200, {}
        return 400, {"error": "invalid_token", "error_description": "Token expired or revoked"}


def pkce_challenge(verifier: str) -> str:
    """The S256 code_challenge of a PKCE code_verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
