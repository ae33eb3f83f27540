"""Map HTTP requests to discovery methods (paths, typed parameters, scopes) via bundled docs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from agent.sandbox.wire import ApiError

_ROOTS = {("gmail", "v1"): "/", ("calendar", "v3"): "/calendar/v3/"}
SEND_PATH = re.compile(r"/(messages|drafts)/send/?$")


@dataclass(frozen=True)
class Method:
    """One discovery method: id, verb, path pattern, parameters and accepted scopes."""

    id: str
    verb: str
    pattern: re.Pattern[str]
    parameters: dict[str, dict[str, Any]]
    scopes: frozenset[str]
    literal_segments: int


@dataclass(frozen=True)
class Match:
    """A request matched to a method, with its path parameters."""

    method: Method
    path_params: dict[str, str]


def _walk(resources_: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for resource in resources_.values():
        out.extend(resource.get("methods", {}).values())
        out.extend(_walk(resource.get("resources", {})))
    return out


def _compile(root: str, path: str) -> tuple[re.Pattern[str], int]:
    """A regex for a flatPath like `gmail/v1/users/{userId}/drafts/{id}`."""
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join(
        f"(?P<{p[1:-1].replace('+', '')}>[^/]+)" if p.startswith("{") else re.escape(p)
        for p in parts
    )
    literal = len([s for s in path.split("/") if s and not s.startswith("{")])
    return re.compile("^" + re.escape(root) + regex + "/?$"), literal


@cache
def methods() -> tuple[Method, ...]:
    """Every Gmail v1 and Calendar v3 method, most specific paths first."""
    out: list[Method] = []
    docs = resources.files("googleapiclient.discovery_cache") / "documents"
    for (name, version), root in _ROOTS.items():
        doc = json.loads((docs / f"{name}.{version}.json").read_text(encoding="utf-8"))
        for m in _walk(doc["resources"]):
            pattern, literal = _compile(root, m.get("flatPath", m["path"]))
            out.append(
                Method(
                    m["id"],
                    m["httpMethod"],
                    pattern,
                    m.get("parameters", {}),
                    frozenset(m.get("scopes", [])),
                    literal,
                )
            )
    out.sort(key=lambda m: -m.literal_segments)
    return tuple(out)


def match(verb: str, path: str) -> Match | None:
    """The method a request targets, or None."""
    for method in methods():
        if method.verb != verb:
            continue
        found = method.pattern.match(path)
        if found:
            return Match(method, {k: unquote(v) for k, v in found.groupdict().items()})
    return None


def send_method(path: str) -> str | None:
    """The send method a path targets (any upload variant), else None."""
    found = SEND_PATH.search(path)
    if not found:
        return None
    return f"gmail.users.{found.group(1)}.send"


def typed_params(
    method: Method, query: dict[str, list[str]], path_params: dict[str, str]
) -> dict[str, Any]:
    """Query and path parameters converted by their discovery types (400 when malformed)."""
    out: dict[str, Any] = dict(path_params)
    for name, spec in method.parameters.items():
        if spec.get("location") != "query" or name not in query:
            continue
        values = query[name]
        try:
            converted = [_convert(v, spec.get("type", "string")) for v in values]
        except ValueError as exc:
            raise ApiError(400, "invalid", f"Invalid value for {name}: {values}") from exc
        out[name] = converted if spec.get("repeated") else converted[-1]
    return out


def _convert(value: str, kind: str) -> Any:
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError(value)
        return value.lower() == "true"
    return value


SCOPES_INSUFFICIENT = "Request had insufficient authentication scopes."


def scope_error(method: Method, granted: list[str], params: dict[str, Any]) -> str | None:
    """Why the granted scopes do not allow this request (None: allowed)."""
    held = set(granted)
    if method.scopes and not held & method.scopes:
        return SCOPES_INSUFFICIENT
    if "https://www.googleapis.com/auth/gmail.metadata" in held and method.id.startswith("gmail."):
        if params.get("q"):
            return "Metadata scope does not support 'q' parameter"
        if str(params.get("format", "")).lower() in ("full", "raw"):
            return f"Metadata scope doesn't allow format {str(params['format']).upper()}"
    return None
