"""Build the Gmail and Calendar services and run their requests with a retry policy."""

from __future__ import annotations

import json
import logging
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.core.errors import (
    AuthError,
    GoogleApiError,
    GoogleRefused,
    GoogleUnavailable,
    OutcomeUnknown,
    QuotaStop,
)
from agent.google.quota import units as gmail_units

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RETRYABLE_403_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}  # errors[], details[]
)
AUTH_403_REASONS = frozenset(
    {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "forbidden"}
)
# A 400 or 413 says the request itself is wrong: sending it again cannot succeed. A 400
# failedPrecondition is about the account (e.g. Gmail turned off), which can change.
LASTING_STATUS = frozenset({400, 413})
CHANGEABLE_400_REASONS = frozenset({"failedPrecondition", "FAILED_PRECONDITION"})
# Safe to send twice: their second copy does no second thing (RFC 9110 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BACKOFF_CAP_SECONDS = 32.0
QUOTA_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})


@dataclass(frozen=True)
class RetryPolicy:
    """Capped, jittered exponential backoff for reads."""

    max_tries: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = BACKOFF_CAP_SECONDS
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> float:
        """Full-jitter wait before retry number `attempt` (1-based)."""
        ceiling = min(self.cap_seconds, self.base_seconds * (2 ** (attempt - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)


def error_status(exc: BaseException) -> int | None:
    """The HTTP status of a googleapiclient HttpError, else None."""
    resp = getattr(exc, "resp", None)
    status = getattr(resp, "status", None)
    return int(status) if status is not None else None


def error_reason(exc: BaseException) -> str:
    """The reason Google gave: `errors[].reason` first, then `details[].reason` ('' if none).

    The client's `error_details` prefers `details`, whose ErrorInfo reasons
    (ACCESS_TOKEN_SCOPE_INSUFFICIENT, RATE_LIMIT_EXCEEDED) differ from the documented ones.
    """
    body = _error_body(exc)
    for key in ("errors", "details"):
        for item in body.get(key) or ():
            if isinstance(item, dict) and item.get("reason"):
                return str(item["reason"])
    details = getattr(exc, "error_details", None)
    if isinstance(details, list):
        for item in details:
            if isinstance(item, dict) and item.get("reason"):
                return str(item["reason"])
    return ""


def _error_body(exc: BaseException) -> dict[str, Any]:
    """The `error` object of a JSON error body, or {}."""
    content = getattr(exc, "content", b"")
    try:
        data = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
    except (ValueError, AttributeError, TypeError):
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def is_connection_error(exc: BaseException) -> bool:
    """True for failures where no HTTP answer arrived (refused, reset, timeout)."""
    import httplib2

    return (
        isinstance(
            exc, (ConnectionError, socket.timeout, TimeoutError, OSError, httplib2.HttpLib2Error)
        )
        and error_status(exc) is None
    )


def is_retryable(exc: BaseException) -> bool:
    """True for the errors Google says to retry with backoff."""
    status = error_status(exc)
    if status is None:
        return is_connection_error(exc)
    if status in RETRYABLE_STATUS:
        return True
    return status == 403 and error_reason(exc) in RETRYABLE_403_REASONS


def is_quota_refusal(exc: BaseException) -> bool:
    """True for Gmail's per-minute quota answer: 429, or 403 with a rate-limit reason."""
    status = error_status(exc)
    return status == 429 or (status == 403 and error_reason(exc) in QUOTA_REASONS)


def request_units(request: Any) -> int:
    """The Gmail quota units a request costs (0 for Calendar)."""
    return gmail_units(str(getattr(request, "methodId", "") or ""))


@dataclass
class UnitMeter:
    """Gmail units spent in the current tick against its budget (None: no budget)."""

    budget: int | None = None
    spent: int = 0

    def left(self) -> int | None:
        """Units this tick may still spend, or None without a budget."""
        return None if self.budget is None else max(0, self.budget - self.spent)

    def charge(self, units: int, what: str) -> None:
        """Count a request's units; QuotaStop when it would take the tick past its budget."""
        if units and self.budget is not None and self.spent + units > self.budget:
            raise QuotaStop(
                f"{what}: stopped at this tick's budget of {self.budget} Gmail quota units "
                f"({self.spent} spent; [google] unit_budget); what was done is kept and "
                "the next tick continues"
            )
        self.spent += units


def describe(exc: BaseException) -> str:
    """A short description of an API failure for a one-line message."""
    status = error_status(exc)
    if status is None:
        return f"{type(exc).__name__}: {exc}".strip()
    reason = error_reason(exc)
    message = ""
    getter = getattr(exc, "_get_reason", None)
    if callable(getter):
        message = str(getter()).strip()
    return f"HTTP {status}{' ' + reason if reason else ''}: {message}"[:300]


class Api:
    """Runs API requests: reads with backoff, writes exactly once."""

    def __init__(self, policy: RetryPolicy, where: str, meter: UnitMeter | None = None) -> None:
        self.policy = policy
        self.where = where
        self.meter = meter or UnitMeter()

    def read(self, request: Any, what: str, *, expect: frozenset[int] = frozenset()) -> Any:
        """Execute an idempotent request, retrying retryable failures with backoff.

        An HttpError whose status is in `expect` (e.g. 404, 410) is raised unchanged.
        """
        attempt = 0
        while True:
            attempt += 1
            units = request_units(request)
            self.meter.charge(units, what)
            try:
                return request.execute(num_retries=0)
            except Exception as exc:
                if not is_api_failure(exc) or error_status(exc) in expect:
                    raise
                if units and is_quota_refusal(exc):
                    raise quota_stop(exc, what) from exc
                if not is_retryable(exc) or attempt >= self.policy.max_tries:
                    raise self.fail(exc, what) from exc
                wait = self.policy.delay(attempt)
                log.warning("%s failed (%s); retry %d in %.1fs", what, describe(exc), attempt, wait)
                self.policy.sleep(wait)

    def write_once(self, request: Any, what: str) -> Any:
        """Execute a non-idempotent request once; a failure becomes the agent's error.

        A failure without an HTTP answer (connection closed or reset after sending, timeout)
        is OutcomeUnknown: Google may have done it, so the caller reconciles before retrying.
        """
        units = request_units(request)
        self.meter.charge(units, what)
        try:
            return request.execute(num_retries=0)
        except Exception as exc:
            if not is_api_failure(exc):
                raise
            if error_status(exc) is None:
                raise OutcomeUnknown(
                    f"{what}: no answer from {self.where} after sending ({describe(exc)}); "
                    "whether it was done is checked before anything is tried again"
                ) from exc
            if units and is_quota_refusal(exc):
                raise quota_stop(exc, what) from exc
            raise self.fail(exc, what) from exc

    def fail(self, exc: BaseException, what: str) -> Exception:
        """Turn an API failure into the agent's error with a one-line message."""
        status = error_status(exc)
        if status is None or is_retryable(exc):
            return GoogleUnavailable(
                f"{what}: cannot get an answer from {self.where} ({describe(exc)}); "
                "check the network and try again later"
            )
        if status == 401:
            return AuthError(
                f"{what}: Google refused the credentials (HTTP 401); run `followup auth`"
            )
        reason = error_reason(exc)
        if status == 403 and reason in AUTH_403_REASONS:
            return AuthError(
                f"{what}: the token lacks a permission ({describe(exc)}); run `followup auth` again"
            )
        if status in LASTING_STATUS and reason not in CHANGEABLE_400_REASONS:
            return GoogleRefused(f"{what}: {describe(exc)}")
        return GoogleApiError(f"{what}: {describe(exc)}")


def quota_stop(exc: BaseException, what: str) -> QuotaStop:
    """Gmail refused for its per-minute quota: end the tick, keep what was done."""
    return QuotaStop(
        f"{what}: stopped at Gmail's quota ({describe(exc)}); what was done is kept "
        "and the next tick continues"
    )


def is_api_failure(exc: BaseException) -> bool:
    """True for HttpError and transport failures (not programming errors)."""
    from googleapiclient.errors import HttpError

    return isinstance(exc, HttpError) or is_connection_error(exc)


@dataclass(frozen=True)
class Services:
    """The two built services plus the request runners."""

    gmail: Any
    calendar: Any
    api: Api


def gmail_endpoint(endpoint: str) -> str:
    """Gmail's api_endpoint for a base URL (method paths already start with gmail/v1/)."""
    return endpoint.rstrip("/") + "/"


def calendar_endpoint(endpoint: str) -> str:
    """Calendar's api_endpoint for a base URL (must end in /calendar/v3/)."""
    return endpoint.rstrip("/") + "/calendar/v3/"


class AnswerLost(ConnectionError):
    """A write was sent and its connection ended before an answer: it is not sent again."""


class _SendOnce:
    """One connection as httplib2 sees it, refusing to carry its request a second time.

    httplib2 re-sends a request whose answer never came (it takes a closed kept-alive
    connection for a stale one), whatever the method: by reconnecting and sending again.
    Both are refused here once the request has gone out.
    """

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._sent = False
        self._lost: BaseException | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def _refuse(self) -> AnswerLost:
        cause = self._lost
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        return AnswerLost(f"the connection ended after the request was sent{detail}")

    def connect(self) -> None:
        if self._sent:
            raise self._refuse()
        self._conn.connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self._sent:
            raise self._refuse()
        self._sent = True
        self._conn.request(*args, **kwargs)

    def getresponse(self) -> Any:
        try:
            return self._conn.getresponse()
        except Exception as exc:
            self._lost = exc
            raise


def write_once_http(timeout: float) -> Any:
    """An httplib2.Http that sends a non-idempotent request (POST, PATCH) at most once.

    Such a request goes out on a fresh connection (a kept-alive one may have gone stale
    unseen), and a connection that ends before the answer raises instead of re-sending.
    Reads keep httplib2's own handling.
    """
    import httplib2

    class WriteOnceHttp(httplib2.Http):
        def _conn_request(
            self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
        ) -> Any:
            if method.upper() in IDEMPOTENT_METHODS:
                return super()._conn_request(conn, request_uri, method, body, headers)
            conn.close()
            return super()._conn_request(_SendOnce(conn), request_uri, method, body, headers)

    return WriteOnceHttp(timeout=timeout)


def build_services(
    credentials: Any,
    *,
    endpoint: str,
    timeout: float,
    policy: RetryPolicy,
    unit_budget: int | None = None,
) -> Services:
    """Build Gmail v1 and Calendar v3 from the bundled discovery documents (no network)."""
    import google_auth_httplib2
    from googleapiclient.discovery import build

    def authed_http() -> Any:
        return google_auth_httplib2.AuthorizedHttp(credentials, http=write_once_http(timeout))

    gmail_opts = {"api_endpoint": gmail_endpoint(endpoint)} if endpoint else None
    cal_opts = {"api_endpoint": calendar_endpoint(endpoint)} if endpoint else None
    gmail = build(
        "gmail",
        "v1",
        http=authed_http(),
        static_discovery=True,
        cache_discovery=False,
        client_options=gmail_opts,
    )
    calendar = build(
        "calendar",
        "v3",
        http=authed_http(),
        static_discovery=True,
        cache_discovery=False,
        client_options=cal_opts,
    )
    api = Api(policy, endpoint or "Google", UnitMeter(unit_budget))
    return Services(gmail=gmail, calendar=calendar, api=api)
