"""The Google adapters offer every method of the engine's ports, with the same parameters."""

from __future__ import annotations

import inspect

import pytest

from agent.core.ports import CalendarSource, Mailbox
from agent.google.calendar import GoogleCalendar
from agent.google.gmail import Gmail


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(protocol).items()
        if callable(member) and not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("protocol", "adapter"), [(Mailbox, Gmail), (CalendarSource, GoogleCalendar)]
)
def test_adapter_implements_its_port(protocol: type, adapter: type) -> None:
    for name, wanted in _methods(protocol).items():
        assert hasattr(adapter, name), f"{adapter.__name__} lacks {name}"
        have = inspect.signature(getattr(adapter, name))
        assert list(have.parameters) == list(wanted.parameters), name
