"""One API request end to end: send trap, routing, auth, scopes, faults, handler, request log."""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.sandbox import calendar as calendar_api
from agent.sandbox import errinfo, routes
from agent.sandbox import gmail as gmail_api
from agent.sandbox.faults import SECRET_FIELDS, Fault, RequestRecord
from agent.sandbox.wire import ApiError, error_body

if TYPE_CHECKING:
    from agent.sandbox.world import World

log = logging.getLogger(__name__)
HANDLERS = {**gmail_api.HANDLERS, **calendar_api.HANDLERS}
SEND_REFUSED = "sandbox: sending is not allowed"


@dataclass(frozen=True)
class Outcome:
    """What the HTTP layer should do: answer status+body, or end the connection unanswered.

    drop: reset it (RST); close: close it cleanly (FIN) without writing a byte.
    """

    status: int
    body: dict[str, Any] | None
    delay: float = 0.0
    drop: bool = False
    mutated: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    close: bool = False
    fault: str = ""


def _flat(query: dict[str, list[str]]) -> dict[str, Any]:
    """Query parameters for the log: single values unwrapped, credentials left out."""
    return {k: v[0] if len(v) == 1 else list(v) for k, v in query.items() if k not in SECRET_FIELDS}


def _json(raw: bytes) -> dict[str, Any] | None:
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "parseError", "Invalid JSON payload received.") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "parseError", "Invalid JSON payload received.")
    return data


def api_call(
    sb: World,
    verb: str,
    path: str,
    query: dict[str, list[str]],
    authorization: str | None,
    raw: bytes,
) -> Outcome:
    """Answer one Gmail/Calendar request; the caller holds the sandbox lock."""
    flat = _flat(query)
    body: dict[str, Any] | None = None
    units = 0

    def done(method: str, outcome: Outcome, refused: bool = False) -> Outcome:
        """Log the request with its outcome and return the outcome."""
        unanswered = outcome.drop or outcome.close
        sb.record(
            RequestRecord(
                method,
                verb,
                path,
                flat,
                0 if unanswered else outcome.status,
                sb.now(),
                body,
                units,
                refused,
                outcome.fault,
            )
        )
        return outcome

    def fail(method: str, err: ApiError, headers: tuple[tuple[str, str], ...] = ()) -> Outcome:
        """Answer (and log) a Google-shaped error."""
        return done(method, Outcome(err.status, err.body(), headers=headers))

    send = routes.send_method(path)
    if send is not None:
        with contextlib.suppress(ApiError):
            body = _json(raw)  # kept in the log when it is JSON; uploads are not
        return fail(send, ApiError(403, "forbidden", SEND_REFUSED))
    found = routes.match(verb, path)
    if found is None:
        return fail("unknown", ApiError(404, "notFound", f"Not Found: {verb} {path}"))
    method = found.method
    repeated = {k for k, spec in method.parameters.items() if spec.get("repeated")}
    flat.update({k: list(v) for k, v in query.items() if k in repeated - SECRET_FIELDS})
    if sb.auth.check(authorization):
        return fail(
            method.id,
            errinfo.unauthenticated(method.id, missing=not authorization),
            (("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"'),),
        )
    charged = sb.quota.admit(method.id, sb.now())
    if charged is None:
        err = errinfo.rate_limited(method.id, limit=sb.quota.per_minute)
        return done(method.id, Outcome(err.status, err.body()), refused=True)
    units = charged
    try:
        body = _json(raw)
    except ApiError as err:
        return fail(method.id, err)
    try:
        params = routes.typed_params(method, query, found.path_params)
        if "format" in method.parameters and not params.get("format"):
            params["format"] = method.parameters["format"].get("default", "full")
    except ApiError as err:
        return fail(method.id, err)
    denied = routes.scope_error(method, sb.auth.scopes_for(authorization), params)
    if denied == routes.SCOPES_INSUFFICIENT:
        return fail(method.id, errinfo.scope_denied(method.id))
    if denied:
        return fail(method.id, ApiError(403, "forbidden", denied))
    fault = sb.fault_book.take(method.id, params)
    if fault is not None and not fault.after:
        return done(method.id, _fault_outcome(method.id, fault, mutated=False))
    handler = HANDLERS.get(method.id)
    if handler is None:
        return fail(
            method.id, ApiError(501, "notImplemented", f"sandbox: {method.id} is not implemented")
        )
    try:
        status, reply = handler(sb, params, body)
    except ApiError as err:
        status, reply = err.status, err.body()
    except Exception as exc:  # a sandbox bug: answer like Google's backend would, and say so
        log.exception("sandbox: %s failed", method.id)
        status, reply = 500, error_body(500, "backendError", f"sandbox internal error: {exc!r}")
    mutated = verb != "GET" and status < 400
    if fault is not None:
        return done(method.id, _fault_outcome(method.id, fault, mutated=mutated))
    return done(method.id, Outcome(status, reply, mutated=mutated))


def _fault_outcome(method_id: str, fault: Fault, *, mutated: bool) -> Outcome:
    """An injected failure: a Google-shaped error, or (status 0) no answer at all."""
    if fault.status == 0:
        return Outcome(
            0,
            None,
            delay=fault.delay,
            drop=fault.mode == "reset",
            close=fault.mode == "close",
            mutated=mutated,
            fault=fault.label,
        )
    err = errinfo.injected(method_id, fault.status, fault.reason)
    return Outcome(err.status, err.body(), delay=fault.delay, mutated=mutated, fault=fault.label)
