"""Errors as Google's front end sends them: `errors` plus, where Google adds one, an ErrorInfo.

Google attaches `details: [{"@type": ...ErrorInfo, reason, domain, metadata}]` to the errors
its front end makes (credentials, scopes, quota) but not to the Gmail/Calendar backends' own
400/404/409/410/5xx answers. google-api-python-client fills `HttpError.error_details` from
`details` first, so a client that reads only `error_details[0]["reason"]` sees
ACCESS_TOKEN_SCOPE_INSUFFICIENT / RATE_LIMIT_EXCEEDED, never insufficientPermissions.
"""

from __future__ import annotations

from typing import Any

from agent.sandbox.wire import RATE_REASONS, ApiError, default_message, default_reason

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
PROJECT_NUMBER = "1048576000001"  # the sandbox's stand-in for the OAuth client's project
SEE = "See https://developers.google.com/identity/sign-in/web/devconsole-project."
_REASON_MESSAGES = {
    "backendError": "Backend Error",
    "forbidden": "Forbidden",
    "notFound": "Requested entity was not found.",
    "rateLimitExceeded": "Rate Limit Exceeded",
    "userRateLimitExceeded": "User Rate Limit Exceeded",
    "insufficientPermissions": "Insufficient Permission",
    "failedPrecondition": "Precondition check failed.",
    "invalidArgument": "Invalid argument",
}


def service_of(method_id: str) -> str:
    """The Google service name a discovery method belongs to."""
    if method_id.startswith("calendar."):
        return "calendar-json.googleapis.com"
    return "gmail.googleapis.com"


def error_info(reason: str, metadata: dict[str, str]) -> dict[str, Any]:
    """One google.rpc.ErrorInfo detail."""
    return {"@type": ERROR_INFO, "reason": reason, "domain": "googleapis.com", "metadata": metadata}


def _where(method_id: str) -> dict[str, str]:
    return {"service": service_of(method_id), "method": method_id}


def unauthenticated(method_id: str, missing: bool) -> ApiError:
    """401: no credentials (`required`) or unusable ones (`authError`)."""
    if missing:
        return ApiError(
            401,
            "required",
            "Request is missing required authentication credential. Expected OAuth 2 access "
            f"token, login cookie or other valid authentication credential. {SEE}",
            item_message="Login Required.",
            details=[error_info("CREDENTIALS_MISSING", _where(method_id))],
        )
    return ApiError(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        f"login cookie or other valid authentication credential. {SEE}",
        item_message="Invalid Credentials",
        details=[error_info("ACCESS_TOKEN_TYPE_UNSUPPORTED", _where(method_id))],
    )


def scope_denied(method_id: str) -> ApiError:
    """403 for a token without any of the method's scopes."""
    return ApiError(
        403,
        "insufficientPermissions",
        "Request had insufficient authentication scopes.",
        item_message="Insufficient Permission",
        details=[error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", _where(method_id))],
    )


def quota_message(method_id: str) -> str:
    """The 429 message for the per-user per-minute limit."""
    return (
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of "
        f"service '{service_of(method_id)}' for consumer 'project_number:{PROJECT_NUMBER}'."
    )


def rate_limited(
    method_id: str, status: int = 429, reason: str = "rateLimitExceeded", limit: int | None = None
) -> ApiError:
    """429 (RESOURCE_EXHAUSTED) or 403 rateLimitExceeded/userRateLimitExceeded, with details."""
    service = service_of(method_id)
    metadata = {
        "service": service,
        "consumer": f"projects/{PROJECT_NUMBER}",
        "quota_metric": f"{service}/default",
        "quota_limit": "defaultPerMinutePerUser",
        "quota_location": "global",
    }
    if limit is not None:
        metadata["quota_limit_value"] = str(limit)
    message = quota_message(method_id) if status == 429 else _REASON_MESSAGES[reason]
    return ApiError(
        status, reason, message, details=[error_info("RATE_LIMIT_EXCEEDED", metadata)]
    )


def injected(method_id: str, status: int, reason: str | None) -> ApiError:
    """The error an injected fault answers: shaped as Google sends that status and reason.

    reason None: the usual reason for the status (403: plain `forbidden`, not a rate limit);
    reason "": an errors entry without any reason.
    """
    why = default_reason(status) if reason is None else reason
    if status == 429:
        return rate_limited(method_id, 429, why or "rateLimitExceeded")
    if status == 403 and why in RATE_REASONS:
        return rate_limited(method_id, 403, why)
    if status == 403 and why == "insufficientPermissions":
        return scope_denied(method_id)
    if status == 401:
        return unauthenticated(method_id, missing=why == "required")
    return ApiError(status, why, _REASON_MESSAGES.get(why, default_message(status)))
