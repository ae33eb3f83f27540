"""Gmail's documented per-method quota units for projects created since May 2026.

A leaf that imports nothing: the adapter budgets a tick with it, and the sandbox, which
stands alone otherwise, charges by it (pyproject.toml's import contracts allow exactly that).
Calendar requests cost no Gmail units.
"""

from __future__ import annotations

PER_MINUTE = 6000  # units per user per minute (15,000 for projects older than May 2026)
UNKNOWN = 5  # a Gmail method missing from the table
UNITS: dict[str, int] = {
    "gmail.users.getProfile": 1,
    "gmail.users.watch": 100,
    "gmail.users.stop": 50,
    "gmail.users.history.list": 2,
    "gmail.users.labels.list": 1,
    "gmail.users.labels.get": 1,
    "gmail.users.labels.create": 5,
    "gmail.users.labels.delete": 5,
    "gmail.users.labels.patch": 5,
    "gmail.users.labels.update": 5,
    "gmail.users.drafts.create": 10,
    "gmail.users.drafts.delete": 10,
    "gmail.users.drafts.get": 20,
    "gmail.users.drafts.list": 5,
    "gmail.users.drafts.send": 100,
    "gmail.users.drafts.update": 15,
    "gmail.users.messages.get": 20,
    "gmail.users.messages.list": 5,
    "gmail.users.messages.send": 100,
    "gmail.users.messages.attachments.get": 5,
    "gmail.users.messages.batchDelete": 50,
    "gmail.users.messages.batchModify": 50,
    "gmail.users.messages.delete": 10,
    "gmail.users.messages.import": 25,
    "gmail.users.messages.insert": 25,
    "gmail.users.messages.modify": 5,
    "gmail.users.messages.trash": 5,
    "gmail.users.messages.untrash": 5,
    "gmail.users.threads.get": 40,
    "gmail.users.threads.list": 10,
    "gmail.users.threads.modify": 10,
    "gmail.users.threads.trash": 10,
    "gmail.users.threads.untrash": 10,
    "gmail.users.threads.delete": 20,
    "gmail.users.settings.sendAs.list": 1,
    "gmail.users.settings.sendAs.get": 1,
}


def units(method_id: str) -> int:
    """Quota units one request to this discovery method costs (0 outside Gmail)."""
    if not method_id.startswith("gmail."):
        return 0
    return UNITS.get(method_id, UNKNOWN)
