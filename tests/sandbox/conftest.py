"""Fixtures: a sandbox world, its server on a free port, and services built against it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import NOW, services


@pytest.fixture
def sandbox() -> Sandbox:
    """A fresh world with the clock pinned to NOW."""
    return Sandbox(now=NOW, seed=7)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    """The sandbox served on 127.0.0.1 and a free port."""
    with SandboxServer(sandbox) as srv:
        yield srv


@pytest.fixture
def gmail(server: SandboxServer) -> Any:
    """Gmail v1 over real HTTP."""
    return services(server.url)[0]


@pytest.fixture
def cal(server: SandboxServer) -> Any:
    """Calendar v3 over real HTTP."""
    return services(server.url)[1]


@pytest.fixture
def client(server: SandboxServer) -> SandboxClient:
    """The control client for the running server."""
    return SandboxClient(server.url)
