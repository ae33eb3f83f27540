"""The Gmail and Calendar services; their requests retried, sent once, counted against a budget."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from agent.core.errors import (
    AuthError,
    GoogleApiError,
    GoogleRefused,
    GoogleUnavailable,
    OutcomeUnknown,
    QuotaStop,
)
from agent.core.settings import GoogleSettings
from agent.google.quota import units as gmail_units

log = logging.getLogger(__name__)

# What comes back from a request: an HTTP error, or no HTTP answer at all (refused, reset, timeout).
API_FAILURES = (HttpError, OSError, httplib2.HttpLib2Error)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# the last: details[]' spelling of the other two
RATE_LIMITED = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
QUOTA_REASONS = RATE_LIMITED | {"quotaExceeded"}
AUTH_403 = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "forbidden"})
# A 400 or 413 says the request itself is wrong: sending it again cannot succeed. A 400
# failedPrecondition is about the account (e.g. Gmail turned off), which can change.
LASTING_STATUS = frozenset({400, 413})
CHANGEABLE_400_REASONS = frozenset({"failedPrecondition", "FAILED_PRECONDITION"})
# Safe to send twice: their second copy does no second thing (RFC 9110 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BACKOFF_CAP_SECONDS = 32.0


def error_status(exc: BaseException | None) -> int | None:
    """The HTTP status of an HttpError, else None (no answer came)."""
    return int(exc.status_code) if isinstance(exc, HttpError) else None


def error_reason(exc: BaseException) -> str:
    """The reason Google gave, `errors[].reason` before `details[].reason` ('' if none)."""
    # The client's own `error_details` prefers `details`, whose ErrorInfo reasons
    # (ACCESS_TOKEN_SCOPE_INSUFFICIENT, RATE_LIMIT_EXCEEDED) differ from the documented ones.
    try:
        error = json.loads(getattr(exc, "content", b""))["error"]
        items = [*(error.get("errors") or ()), *(error.get("details") or ())]
    except (ValueError, TypeError, KeyError, AttributeError):
        return ""
    return next((str(i["reason"]) for i in items if isinstance(i, dict) and i.get("reason")), "")


def is_retryable(exc: BaseException) -> bool:
    """True for the failures Google says to retry with backoff (and for no answer at all)."""
    status = error_status(exc)
    if status is None or status in RETRYABLE_STATUS:
        return True
    return status == 403 and error_reason(exc) in RATE_LIMITED


def describe(exc: BaseException) -> str:
    """A short description of an API failure for a one-line message."""
    status = error_status(exc)
    if status is None:
        return f"{type(exc).__name__}: {exc}".strip()
    reason = error_reason(exc)
    return f"HTTP {status}{' ' + reason if reason else ''}: {getattr(exc, 'reason', '')}"[:300]


class Api:
    """Runs API requests: reads with backoff, writes exactly once, Gmail units within a budget."""

    def __init__(self, settings: GoogleSettings) -> None:
        self.where = settings.endpoint or "Google"
        self.max_tries = settings.max_retries + 1
        self.base_seconds = settings.retry_base_seconds
        self.budget = settings.unit_budget
        self.spent = 0

    def read(self, request: Any, what: str, *, expect: frozenset[int] = frozenset()) -> Any:
        """Execute an idempotent request, retrying what Google says to retry, with backoff."""
        # An HttpError whose status is in `expect` (404, 410) is raised as is.
        return self._execute(request, what, expect, once=False)

    def maybe(self, request: Any, what: str, gone: frozenset[int] = frozenset({404})) -> Any:
        """A read whose answer with a status in `gone` means the thing is not there (None)."""
        try:
            return self.read(request, what, expect=gone) or {}
        except HttpError:
            return None

    def pages(
        self, method: Callable[..., Any], what: str, *, expect: frozenset[int] = frozenset(),
        **params: Any,
    ) -> Iterator[dict[str, Any]]:
        """A listing page by page (its nextPageToken followed), each page read as `read` does."""
        token: str | None = None
        while True:
            page = self.read(method(pageToken=token, **params), what, expect=expect)
            yield page
            token = page.get("nextPageToken")
            if not token:
                return

    def write_once(self, request: Any, what: str) -> Any:
        """Execute a non-idempotent request once; no answer after sending is OutcomeUnknown."""
        # Google may have done it: the caller reconciles before trying again.
        return self._execute(request, what, frozenset(), once=True)

    def _execute(self, request: Any, what: str, expect: frozenset[int], once: bool) -> Any:
        """Charge the request's units, run it, and turn its failures into the agent's errors."""
        attempt = 0
        while True:
            attempt += 1
            units = gmail_units(str(getattr(request, "methodId", "") or ""))
            if units and self.spent + units > self.budget:
                raise QuotaStop(
                    f"{what}: stopped at this tick's budget of {self.budget} Gmail quota units "
                    f"({self.spent} spent; [google] unit_budget); what was done is kept and "
                    "the next tick continues"
                )
            self.spent += units
            try:
                return request.execute(num_retries=0)
            except API_FAILURES as exc:
                status = error_status(exc)
                if status in expect:
                    raise
                if once and status is None:
                    raise OutcomeUnknown(
                        f"{what}: no answer from {self.where} after sending ({describe(exc)}); "
                        "whether it was done is checked before anything is tried again"
                    ) from exc
                quota = status == 429 or (status == 403 and error_reason(exc) in QUOTA_REASONS)
                if units and quota:
                    raise QuotaStop(
                        f"{what}: stopped at Gmail's quota ({describe(exc)}); what was done is "
                        "kept and the next tick continues"
                    ) from exc
                if once or not is_retryable(exc) or attempt >= self.max_tries:
                    raise self.fail(exc, what) from exc
                ceiling = min(BACKOFF_CAP_SECONDS, self.base_seconds * 2 ** (attempt - 1))
                wait = random.uniform(ceiling / 2, ceiling)
                log.warning("%s failed (%s); retry %d in %.1fs", what, describe(exc), attempt, wait)
                time.sleep(wait)

    def fail(self, exc: BaseException, what: str) -> Exception:
        """Turn an API failure into the agent's error with a one-line message."""
        status = error_status(exc)
        if is_retryable(exc):
            return GoogleUnavailable(
                f"{what}: cannot get an answer from {self.where} ({describe(exc)}); "
                "check the network and try again later"
            )
        if status == 401:
            return AuthError(
                f"{what}: Google refused the credentials (HTTP 401); run `followup auth`"
            )
        reason = error_reason(exc)
        if status == 403 and reason in AUTH_403:
            return AuthError(
                f"{what}: the token lacks a permission ({describe(exc)}); run `followup auth` again"
            )
        if status in LASTING_STATUS and reason not in CHANGEABLE_400_REASONS:
            return GoogleRefused(f"{what}: {describe(exc)}")
        return GoogleApiError(f"{what}: {describe(exc)}")


@dataclass(frozen=True)
class Services:
    """The two built services plus the request runner they share."""

    gmail: Any
    calendar: Any
    api: Api


class AnswerLost(ConnectionError):
    """A write was sent and its connection ended before an answer: it is not sent again."""


class _SendOnce:
    """One connection as httplib2 sees it, refusing to carry its request a second time."""

    # httplib2 re-sends a request whose answer never came (it takes a closed kept-alive
    # connection for a stale one), whatever the method: by reconnecting and sending again.
    # Both are refused here once the request has gone out (the first failure is the cause).

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._sent = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def connect(self) -> None:
        if self._sent:
            raise AnswerLost("the connection ended after the request was sent")
        self._conn.connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self._sent:
            raise AnswerLost("the connection ended after the request was sent")
        self._sent = True
        self._conn.request(*args, **kwargs)


class WriteOnceHttp(httplib2.Http):
    """An httplib2.Http that sends a non-idempotent request (POST, PATCH) at most once."""

    # Such a request goes out on a fresh connection (a kept-alive one may have gone stale
    # unseen), and a connection that ends before the answer raises instead of re-sending.
    # Reads keep httplib2's own handling. httplib2 has no public switch for its re-send, so
    # this overrides its private `_conn_request` (for exactly-once, not for speed); if that
    # changes, tests/e2e/test_hostile_world.py::test_connection_closed_* fail.

    def _conn_request(
        self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
    ) -> Any:
        if method.upper() in IDEMPOTENT_METHODS:
            return super()._conn_request(conn, request_uri, method, body, headers)
        conn.close()
        return super()._conn_request(_SendOnce(conn), request_uri, method, body, headers)


def build_services(credentials: Any, settings: GoogleSettings) -> Services:
    """Build Gmail v1 and Calendar v3 from the bundled discovery documents (no network)."""
    base = settings.endpoint.rstrip("/")
    # Gmail's method paths already start with gmail/v1/; Calendar's endpoint ends in /calendar/v3/.
    built = [
        build(
            name,
            version,
            http=google_auth_httplib2.AuthorizedHttp(
                credentials, http=WriteOnceHttp(timeout=settings.timeout_seconds)
            ),
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": f"{base}/{path}"} if settings.endpoint else None,
        )
        for name, version, path in (("gmail", "v1", ""), ("calendar", "v3", "calendar/v3/"))
    ]
    return Services(gmail=built[0], calendar=built[1], api=Api(settings))
