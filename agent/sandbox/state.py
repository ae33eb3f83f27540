"""Sandbox: the world (world.py) plus its HTTP entry point for Gmail/Calendar requests."""

from __future__ import annotations

from agent.sandbox import dispatch
from agent.sandbox.world import World


class Sandbox(World):
    """An in-memory Gmail + Google Calendar for one user, with control methods for tests."""

    def handle_api(
        self,
        verb: str,
        path: str,
        query: dict[str, list[str]],
        authorization: str | None,
        body: bytes,
    ) -> dispatch.Outcome:
        """Answer one Gmail/Calendar HTTP request."""
        with self._lock:
            return dispatch.api_call(self, verb, path, query, authorization, body)
