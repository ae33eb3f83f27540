"""A stranger's mail can never hold followup up: a hostile 1 MB message, and a pass killed
while it reads a delivery report (through the CLI, in processes of their own)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from datetime import datetime
from email.message import EmailMessage

from tests.e2e.world import NY, USER, World

DUE = datetime(2026, 11, 30, 19, 5, tzinfo=NY)


def acme(world: World) -> None:
    """Jane's interview today at 14:00, found in the morning: the thank-you is due at 19:00."""
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 11, 30, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))


def hostile(body: str) -> EmailMessage:
    """A "delivery failure" from anyone, naming the contact, with a hostile body."""
    msg = EmailMessage()
    msg["From"], msg["To"] = "Mailer <postmaster@stranger.example>", USER
    msg["Subject"] = "Undeliverable: hello jane@acme.com"
    msg.set_content(body)
    return msg


def test_a_hostile_megabyte_mail_does_not_hold_the_tick(world: World) -> None:
    acme(world)
    for body in ("-" * 1_000_000, "a" * 1_000_000 + "@acme.com", "=\n" * 500_000):
        world.sandbox.deliver(hostile(body), internal_date=datetime(2026, 11, 30, 18, tzinfo=NY))
    world.at(DUE)
    tick = world.popen("tick")
    out, err = tick.communicate(timeout=120)  # far above what reading a capped mail costs
    assert tick.returncode == 0, (out, err)
    assert "drafted: thank_you for jane@acme.com" in out
    assert world.interview("Acme")["status"] == "active"


def test_a_pass_killed_while_it_reads_a_report_never_reads_it_again(world: World) -> None:
    acme(world)
    world.sandbox.deliver(hostile("jane@acme.com: 550 no such user"),
                          internal_date=datetime(2026, 11, 30, 18, tzinfo=NY))
    world.sandbox.inject_fault("gmail.users.messages.get?format=raw", 503, delay=5.0)
    world.at(DUE)
    tick = world.popen("tick")
    db = world.home / "state.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the report is set aside before its full read
        with sqlite3.connect(db) as conn:
            if conn.execute("SELECT count(*) FROM set_aside").fetchone()[0]:
                break
        time.sleep(0.05)
    os.kill(tick.pid, signal.SIGKILL)
    tick.communicate(timeout=30)
    world.sandbox.clear_faults()
    world.sandbox.clear_log()
    out = world.tick(DUE).output
    assert "drafted: thank_you for jane@acme.com" in out
    assert world.sandbox.counts().get("gmail.users.messages.get", 0) == 0, "not read again"
    (aside,) = world.status_json()["set_aside"]
    assert aside["reason"] == "reading this delivery report did not finish"
