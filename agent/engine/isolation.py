"""One bad calendar event or message never stops a tick: it is set aside with its reason.

Anyone can put an event on the candidate's calendar or a message in their inbox. When one
cannot be processed (text no code path expected, a bug it alone reaches), it is recorded
with the reason (`followup status` lists it), the tick goes on with the others and the sync
cursor moves past it. Failures of the run itself are not an item's: Google errors, the
state file failing (read-only, full disk) and every FollowupError still end the tick.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime

from agent.core.errors import FollowupError
from agent.core.text import one_line
from agent.engine.context import Context
from agent.store import set_aside

log = logging.getLogger(__name__)

ITEM_SQLITE_ERRORS = (
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.DataError,
    sqlite3.ProgrammingError,
)


def item_fault(exc: BaseException) -> bool:
    """True for a failure that belongs to the item being processed, not to the run."""
    if isinstance(exc, FollowupError):
        return False
    if isinstance(exc, sqlite3.Error):
        return isinstance(exc, ITEM_SQLITE_ERRORS)
    return isinstance(exc, Exception)


def guarded(
    ctx: Context,
    kind: str,
    item_id: str,
    title: str,
    now: datetime,
    process: Callable[[], object],
) -> bool:
    """Run `process` for one item; an item fault sets the item aside. True when it went through."""
    try:
        process()
    except Exception as exc:
        if not item_fault(exc):
            raise
        log.warning("%s %s could not be processed", kind, item_id, exc_info=True)
        reason = f"could not be processed: {type(exc).__name__}: {exc}"
        put_aside(ctx, kind, item_id, title, reason, now)
        return False
    return True


def put_aside(
    ctx: Context, kind: str, item_id: str, title: str, reason: str, now: datetime
) -> None:
    """Record an item passed over, with why (`followup status` lists it)."""
    shown, why = one_line(title, 200), one_line(reason, 300)
    with ctx.store.write():
        set_aside.put(ctx.store.conn, set_aside.SetAside(kind, item_id, shown, why, now))
    ctx.run.note("set-aside", item_id, f"{kind} {shown!r}: {why}")
