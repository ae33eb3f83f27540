"""A local stand-in for Gmail and Google Calendar, served to the real google-api-python-client."""

from agent.sandbox.client import SandboxClient, SandboxControlError
from agent.sandbox.faults import RequestRecord
from agent.sandbox.server import SandboxServer
from agent.sandbox.state import Sandbox
from agent.sandbox.wire import ApiError

__all__ = [
    "ApiError",
    "RequestRecord",
    "Sandbox",
    "SandboxClient",
    "SandboxControlError",
    "SandboxServer",
]
