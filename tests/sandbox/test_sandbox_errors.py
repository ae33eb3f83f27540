"""Error bodies shaped as Google sends them: `errors` and, where Google adds one, an ErrorInfo."""

from __future__ import annotations

import json

import httplib2
import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient
from tests.sandbox.helpers import GMAIL, create_draft, error, info_reason, message, reason

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def _profile(gmail) -> dict:
    return gmail.users().getProfile(userId="me").execute()


def test_missing_scope_403_has_errors_and_details(gmail, sandbox: Sandbox) -> None:
    sandbox.set_scopes([GMAIL + "readonly"])
    with pytest.raises(HttpError) as err:
        create_draft(gmail, message())
    assert err.value.resp.status == 403
    assert error(err.value) == {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [
            {
                "message": "Insufficient Permission",
                "domain": "global",
                "reason": "insufficientPermissions",
            }
        ],
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": ERROR_INFO,
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "gmail.googleapis.com",
                    "method": "gmail.users.drafts.create",
                },
            }
        ],
    }
    # the client reads `details` first: a client keyed on error_details sees the ErrorInfo
    assert err.value.error_details[0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_invalid_token_401_has_details(server, sandbox: Sandbox) -> None:
    sandbox.require_token("good")
    resp, body = httplib2.Http().request(
        server.url + "gmail/v1/users/me/profile", headers={"Authorization": "Bearer bad"}
    )
    got = json.loads(body)["error"]
    assert resp.status == 401 and got["status"] == "UNAUTHENTICATED"
    assert got["errors"][0]["reason"] == "authError"
    assert got["details"][0]["reason"] == "ACCESS_TOKEN_TYPE_UNSUPPORTED"


@pytest.mark.parametrize("why", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_injected_403_rate_limit_has_details(gmail, sandbox: Sandbox, why: str) -> None:
    sandbox.inject_fault("gmail.users.getProfile", 403, reason=why)
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    body = error(err.value)
    assert err.value.resp.status == 403 and body["status"] == "PERMISSION_DENIED"
    assert body["errors"][0] == {
        "message": "Rate Limit Exceeded"
        if why == "rateLimitExceeded"
        else "User Rate Limit Exceeded",
        "domain": "usageLimits",
        "reason": why,
    }
    assert body["details"][0]["@type"] == ERROR_INFO
    assert info_reason(err.value) == "RATE_LIMIT_EXCEEDED"


def test_injected_403_without_reason_is_not_a_rate_limit(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.getProfile", 403)  # reason None: plain forbidden
    sandbox.inject_fault("gmail.users.getProfile", 403, reason="")  # no reason at all
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    assert reason(err.value) == "forbidden" and error(err.value)["message"] == "Forbidden"
    assert "details" not in error(err.value)
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    assert err.value.resp.status == 403
    assert error(err.value)["errors"] == [{"message": "Forbidden", "domain": "global"}]
    assert "details" not in error(err.value)


def test_injected_scope_403_and_429_shapes(gmail, client: SandboxClient) -> None:
    client.inject_fault("gmail.users.getProfile", 403, reason="insufficientPermissions")
    client.inject_fault("gmail.users.getProfile", 429)
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    assert info_reason(err.value) == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    body = error(err.value)
    assert body["status"] == "RESOURCE_EXHAUSTED" and body["message"].startswith(
        "Quota exceeded for quota metric 'Queries'"
    )
    assert body["errors"][0]["reason"] == "rateLimitExceeded"
    assert body["errors"][0]["domain"] == "usageLimits"
    assert info_reason(err.value) == "RATE_LIMIT_EXCEEDED"


def test_backend_errors_carry_no_details(gmail, sandbox: Sandbox) -> None:
    sandbox.inject_fault("gmail.users.getProfile", 503)
    with pytest.raises(HttpError) as err:
        _profile(gmail)
    assert reason(err.value) == "backendError" and "details" not in error(err.value)
    with pytest.raises(HttpError) as err:
        gmail.users().messages().get(userId="me", id="nope").execute()
    assert reason(err.value) == "notFound" and "details" not in error(err.value)
