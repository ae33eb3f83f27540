"""What the e2e tests share besides the world: moments, parsed mail, step tables, the Acme
interview, processes to wait for or kill, and a mail server's bounce."""

from __future__ import annotations

import email
import email.policy
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from click.testing import Result

from tests.e2e.world import NY, USER, World

TITLE = "Interview with Acme - Backend Engineer"
CREATE = "gmail.users.drafts.create"
LIST = "gmail.users.drafts.list"
PANEL = (("Jane Doe", "jane@acme.com"), ("Raj Patel", "raj@acme.com"))
DEADLINE = 20.0  # seconds a wait may take; only reached when something is broken


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A New York wall-clock moment in late 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


LATER = (at(1, 16, 30, month=12), at(4, 10, month=12), at(11, 10, month=12))


def parsed(message: bytes | dict) -> EmailMessage:
    """A raw RFC 822 message (or a sandbox draft's), parsed."""
    raw = message["raw"] if isinstance(message, dict) else message
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def steps(world: World, title: str = "Acme") -> dict[tuple[str, str], dict]:
    """(step, recipient) -> step record from `status --json`."""
    return {(s["step"], s["recipient"]): s for s in world.interview(title)["steps"]}


def one_line(result: Result, code: int) -> str:
    """The single stderr line of a failed command with exit code `code` (no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    line = result.stderr
    assert line.startswith("followup: ") and line.count("\n") == 1, line
    assert "Traceback" not in result.output
    return line.strip()


def wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen | None = None) -> None:
    """Poll until another process made `ready()` true; fail early if `proc` exited first."""
    end = time.monotonic() + DEADLINE
    while not ready():
        if proc is not None and proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"the process exited {proc.returncode} before {what}: {err}")
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.01)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL: no cleanup, no finally blocks, no rollback handlers."""
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    """SIGTERM the daemon; its exit code and stderr once the running tick is done."""
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    return proc.returncode, err


def passes(world: World) -> int:
    """How many passes reached the sandbox (each lists the calendar once)."""
    return world.sandbox.counts().get("calendar.events.list", 0)


def creates(world: World) -> list[int]:
    """Positions of drafts.create calls in the request log."""
    return [i for i, r in enumerate(world.sandbox.request_log()) if r.method == CREATE]


def planned(world: World) -> None:
    """Acme interview Monday 14:00, seen by a morning tick."""
    world.add_interview(summary=TITLE, start=at(30, 14))
    world.tick(at(30, 9))


def killed_after_create(world: World) -> None:
    """At 19:00 a tick is killed after Gmail made its first draft, before the id was stored.

    The sandbox performs the create, then holds the answer back (and would drop it).
    """
    world.at(at(30, 19))
    world.sandbox.inject_fault(CREATE, 0, count=1, after=True, delay=8.0)
    proc = world.popen("tick")
    try:
        wait_for("the draft to exist", lambda: len(world.drafts()) == 1)
    finally:
        kill(proc)


def interview_with_acme(world: World, **extra) -> None:
    """Jane's interview on the calendar, seen by a first tick at 09:00."""
    world.add_interview(summary=TITLE, start=at(30, 14), **extra)
    world.tick(at(30, 9))


def keys_of_drafts(world: World) -> list[str]:
    """The X-Followup-Key of every draft in the sandbox (the step it was made for)."""
    return sorted(world.natural_key(d).split("#")[1] for d in world.drafts())


def sent_thank_you(world: World) -> dict:
    """Draft the thank-you at 19:00 and let the candidate send it at 20:00; the SENT message."""
    world.tick(at(30, 19))
    [draft] = world.drafts()
    world.at(at(30, 20))
    sent = world.sandbox.user_send_draft(draft["id"])
    return world.sandbox.get_message(sent["id"])


def no_more_drafts(world: World, moments: tuple[datetime, ...]) -> None:
    """Ticks at the later steps' times create nothing new and the status stays replied."""
    before = sorted(d["id"] for d in world.drafts())
    for moment in moments:
        world.tick(moment)
        assert sorted(d["id"] for d in world.drafts()) == before
    assert world.interview("Acme")["status"] == "replied"


def postfix_dsn(sent: dict, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A Postfix delivery-status report from Acme's server, returning the thank-you."""
    headers = sent["headers"]
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx1.acme.com (Mail Delivery System)
To: {USER}
Subject: Undelivered Mail Returned to Sender
Date: Mon, 30 Nov 2026 20:00:40 -0500 (EST)
Message-Id: <20261201010040.9F1A2@mx1.acme.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="9F1A2.1764550840/mx1.acme.com"

--9F1A2.1764550840/mx1.acme.com
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.acme.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

--9F1A2.1764550840/mx1.acme.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.acme.com
X-Postfix-Queue-ID: 9F1A2
Arrival-Date: Mon, 30 Nov 2026 20:00:39 -0500 (EST)

Final-Recipient: rfc822; jane.doe@mailstore.acme.com
Original-Recipient: rfc822;jane@acme.com
Action: {action}
Status: {status}
Diagnostic-Code: x-unix; user unknown

--9F1A2.1764550840/mx1.acme.com
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: {headers['From']}
To: {headers['To']}
Subject: {headers['Subject']}
Message-ID: {headers['Message-ID']}

--9F1A2.1764550840/mx1.acme.com--
""".encode()
