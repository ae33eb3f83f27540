"""store.mail: mail no search has found yet is kept once with its first moment, renewed, dropped."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from agent.store import mail
from agent.store.db import Store

T0 = datetime(2026, 11, 30, 14, tzinfo=UTC)


def _ids(conn: sqlite3.Connection) -> list[tuple[str, datetime]]:
    return [(p.message_id, p.first_seen) for p in mail.pending(conn)]


def test_kept_once_with_the_moment_first_seen_oldest_first(store: Store) -> None:
    conn = store.conn
    with store.write():
        mail.keep_pending(conn, [mail.Pending("m2", "t2", T0 + timedelta(minutes=1))])
        mail.keep_pending(conn, [mail.Pending("m1", "t1", T0)])
        mail.keep_pending(conn, [mail.Pending("m2", "t2", T0 + timedelta(minutes=9))])
    assert _ids(conn) == [("m1", T0), ("m2", T0 + timedelta(minutes=1))]
    assert mail.pending(conn)[0].thread_id == "t1"


def test_renewed_dropped_and_cleared(store: Store) -> None:
    conn = store.conn
    with store.write():
        mail.keep_pending(conn, [mail.Pending(m, "t", T0) for m in ("a", "b", "c")])
        mail.renew_pending(conn, ["b"], T0 + timedelta(minutes=40))
        mail.drop_pending(conn, ["a", "unknown"])
    assert _ids(conn) == [("c", T0), ("b", T0 + timedelta(minutes=40))]
    with store.write():
        mail.drop_pending(conn)
    assert mail.pending(conn) == []
