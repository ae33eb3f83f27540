"""store.kv: each value round-trips through its accessors, and earlier JSON shapes still read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.core.ports import Account
from agent.store import kv
from agent.store.db import Store

T0 = datetime(2026, 11, 30, 14, tzinfo=UTC)


def test_values_round_trip_and_none_forgets(store: Store) -> None:
    conn = store.conn
    full = kv.FullSync(first=True, target="42", started=T0, reports_done=True)
    record = kv.PassRecord(at=T0, ok=False, exit_code=4, problem="run `followup auth`",
                           failing_since=T0 - timedelta(hours=1))
    mine = Account("me@x.io", "7", ("me@x.io", "alias@x.io"), "alias@x.io", "Me", "-- Me")
    with store.write():
        kv.set_full_sync(conn, full)
        kv.set_recheck(conn, (T0, T0 - timedelta(minutes=30)))
        kv.set_last_pass(conn, record)
        kv.set_account(conn, mine)
    assert kv.full_sync(conn) == full
    assert kv.recheck(conn) == (T0, T0 - timedelta(minutes=30))
    assert kv.last_pass(conn) == record
    assert kv.account(conn) == Account("me@x.io", "", ("me@x.io", "alias@x.io"), "alias@x.io",
                                       "Me", "-- Me")
    with store.write():
        kv.set_full_sync(conn, None)
        kv.set_recheck(conn, None)
    assert kv.full_sync(conn) is None and kv.recheck(conn) is None


def test_moments_kept_as_bare_iso_text_still_read(store: Store) -> None:
    """The shapes migration 6 wrote: moments as ISO text in the JSON."""
    with store.write() as conn:
        conn.execute(
            "INSERT INTO kv(key, value) VALUES ('inbox_full_sync', ?), ('inbox_recheck', ?)",
            ('{"first": false, "target": "9", "started": "2026-11-30T14:00:00+00:00", '
             '"reports_done": false}', f'["{T0.isoformat()}", "{T0.isoformat()}"]'),
        )
    assert kv.full_sync(store.conn) == kv.FullSync(first=False, target="9", started=T0)
    assert kv.recheck(store.conn) == (T0, T0)
