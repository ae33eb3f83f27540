"""Wire formats shared by the sandbox: Google-shaped errors, timestamps, base64, page tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_DEFAULT_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    410: "deleted",
    429: "rateLimitExceeded",
    501: "notImplemented",
}

_DEFAULT_MESSAGES = {
    400: "Bad Request",
    401: "Request had invalid authentication credentials.",
    403: "Forbidden",
    404: "Requested entity was not found.",
    409: "The requested identifier already exists.",
    410: "Resource has been deleted",
    429: "Rate Limit Exceeded",
    500: "Backend Error",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded",
}


class ApiError(Exception):
    """An error the sandbox answers with a Google-shaped JSON body."""

    def __init__(
        self,
        status: int,
        reason: str | None = None,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        item_message: str | None = None,
    ) -> None:
        self.status = status
        self.reason = default_reason(status) if reason is None else reason  # "": no reason
        self.message = message or default_message(status)
        self.details = details
        self.item_message = item_message
        super().__init__(f"{status} {self.reason or '(no reason)'}: {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body Google would send for this error."""
        return error_body(
            self.status,
            self.reason,
            self.message,
            details=self.details,
            item_message=self.item_message,
        )


def default_reason(status: int) -> str:
    """The `reason` Google usually gives for a status code."""
    if status >= 500 and status != 501:
        return "backendError"
    return _DEFAULT_REASONS.get(status, "error")


def default_message(status: int) -> str:
    """The top-level `message` Google usually gives for a status code."""
    return _DEFAULT_MESSAGES.get(status, "Error")


RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def error_body(
    status: int,
    reason: str | None,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    item_message: str | None = None,
) -> dict[str, Any]:
    """`{"error": {code, message, errors: [{message, domain, reason}], status, details}}`.

    An empty reason leaves `reason` out of the errors entry (Google sends such 403s too);
    `item_message` is the errors entry's own message when it differs from the top one.
    """
    item: dict[str, Any] = {
        "message": item_message or message,
        "domain": "usageLimits" if reason in RATE_REASONS else "global",
    }
    if reason:
        item["reason"] = reason
    error: dict[str, Any] = {"code": status, "message": message, "errors": [item]}
    if status in _STATUS_NAMES:
        error["status"] = _STATUS_NAMES[status]
    if details:
        error["details"] = details
    return {"error": error}


def rfc3339(dt: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC with milliseconds: 2026-01-05T15:00:00.000Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime:
    """Parse RFC 3339 / ISO 8601 with an offset (or Z) into an aware datetime."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError(f"datetime without a UTC offset: {text!r}")
    return dt


def parse_date(text: str) -> date:
    """Parse YYYY-MM-DD."""
    return date.fromisoformat(text.strip())


def require_aware(dt: datetime, what: str = "datetime") -> datetime:
    """Return dt, or raise ValueError when it has no timezone."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware: {dt!r}")
    return dt


def to_ms(dt: datetime) -> int:
    """Milliseconds since the epoch."""
    return int(require_aware(dt).timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """An aware UTC datetime from milliseconds since the epoch."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def b64url_encode(data: bytes) -> str:
    """URL-safe base64 with padding (what Gmail emits)."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode URL-safe or standard base64, with or without padding."""
    cleaned = "".join(text.split()).replace("+", "-").replace("/", "_")
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.urlsafe_b64decode(cleaned.encode("ascii"))


def encode_token(payload: dict[str, Any], prefix: str) -> str:
    """An opaque token carrying a small JSON payload."""
    packed = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return prefix + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_token(token: str, prefix: str) -> dict[str, Any] | None:
    """The payload of a token made by encode_token, or None when malformed."""
    if not token.startswith(prefix):
        return None
    try:
        payload = json.loads(b64url_decode(token[len(prefix) :]))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def page_window(
    items: list[Any],
    page_token: str | None,
    max_results: int | None,
    default: int,
    cap: int,
    extra: dict[str, Any] | None = None,
) -> tuple[list[Any], str | None, dict[str, Any]]:
    """Slice one page; returns (page, next page token, this page's token payload).

    `extra` is carried in the next tokens unless the current token already has those keys.
    """
    size = default if max_results is None else max(1, min(int(max_results), cap))
    payload: dict[str, Any] = {"o": 0}
    if page_token:
        decoded = decode_token(page_token, "p")
        if decoded is None or not isinstance(decoded.get("o"), int) or decoded["o"] < 0:
            raise ApiError(400, "invalid", "Invalid pageToken")
        payload = decoded
    payload = {**(extra or {}), **payload}
    offset = payload["o"]
    page = items[offset : offset + size]
    next_token = None
    if offset + size < len(items):
        next_token = encode_token({**payload, "o": offset + size}, "p")
    return page, next_token, payload
