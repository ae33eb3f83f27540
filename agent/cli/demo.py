"""`followup demo`: the whole story on the sandbox, with a simulated clock, in seconds."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.cli.board import write_board
from agent.cli.demo_words import say
from agent.cli.offline import offline_pass
from agent.core.etiquette import WAITING_PREFIX
from agent.core.formats import day_name, moment
from agent.core.model import STEPS, StepName
from agent.engine.sequence import planned_step
from agent.engine.tick import tick
from agent.engine.wording import cue, voicemail
from agent.engine.work import Sequence, Session
from agent.store import events, sequences
from agent.store.sequences import StepRow

USER = "casey@example.com"
ZONE = ZoneInfo("America/New_York")
CONFIG = """\
[user]
name = "Casey Candidate"
signature = "Casey Candidate\\n+1 555 0100"
phone = "+1 555 0100"
country = "US"

[content]
strengths = ["shipping reliable services", "calm, clear incident handling"]

[google]
endpoint = "{endpoint}"
retry_base_seconds = 0.05
"""


@dataclass(frozen=True)
class Happening:
    """Something the world does at a moment of the demo (the employer, or the candidate)."""

    at: datetime
    say: str
    act: Callable[[], object]


def next_monday(today: date) -> date:
    """The Monday after today."""
    return today + timedelta(days=7 - today.weekday())


def _attendee(name: str, addr: str, *, organizer: bool = False) -> dict:
    """An accepted external attendee."""
    return {
        "email": addr,
        "displayName": name,
        "responseStatus": "accepted",
        "organizer": organizer,
    }


def _me(response: str = "accepted") -> dict:
    """The candidate's own attendee entry."""
    return {
        "email": USER,
        "displayName": "Casey Candidate",
        "responseStatus": response,
        "self": True,
    }


def seed_calendar(sandbox, monday: date) -> None:
    """Four events: a named-date interview, a panel, an untrusted invitation, a mock."""

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(monday + timedelta(days=day), datetime.min.time(), ZONE).replace(
            hour=hour, minute=minute
        )

    sandbox.add_event(
        "primary",
        event_id="acme1",
        summary="Interview with Acme - Backend Engineer",
        start=at(0, 10),
        end=at(0, 11),
        description=(
            "Video call.\nFollow-up: Thursday\nFit: your team ships small reviewed changes daily, "
            "which is how I like to work\nStrengths: Postgres tuning; leading on-call rotations\n"
            "Start: January 4\nPhone: +1 555 0142"
        ),
        attendees=[_me(), _attendee("Jane Doe", "jane@acme.com", organizer=True)],
        organizer={"email": "jane@acme.com", "displayName": "Jane Doe"},
    )
    sandbox.add_event(
        "primary",
        event_id="globex1",
        summary="Globex panel interview - Platform Engineer",
        start=at(1, 14),
        end=at(1, 15, 30),
        attendees=[
            _me(),
            _attendee("Raj Patel", "raj@globex.com", organizer=True),
            _attendee("Li Wei", "li@globex.com"),
            _attendee("Ana Souza", "ana@globex.com"),
            {
                "email": "room-4b@resource.calendar.google.com",
                "displayName": "Room 4B",
                "resource": True,
                "responseStatus": "accepted",
            },
        ],
        organizer={"email": "raj@globex.com", "displayName": "Raj Patel"},
    )
    sandbox.add_event(
        "primary",
        event_id="initech1",
        summary="Interview with Initech",
        start=at(2, 11),
        end=at(2, 12),
        description="Click here to confirm: http://initech.example/win",
        attendees=[
            _me("needsAction"),
            _attendee("Bill L.", "bill@initech.example", organizer=True),
        ],
        organizer={"email": "bill@initech.example", "displayName": "Bill L."},
    )
    sandbox.add_event(
        "primary",
        event_id="mock1",
        summary="Mock interview with Sam (practice)",
        start=at(2, 17),
        end=at(2, 18),
        attendees=[_me(), _attendee("Sam Friend", "sam@gmail.com", organizer=True)],
        organizer={"email": "sam@gmail.com", "displayName": "Sam Friend"},
    )


def _incoming(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    """A message arriving in the candidate's inbox."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = USER
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


class Demo:
    """One demo run: a temp home, an in-process sandbox, a simulated clock."""

    def __init__(self, monday: date, out: Callable[[str], None], pause: float) -> None:
        from agent.sandbox import Sandbox, SandboxServer

        self.monday = monday
        self.out = out
        self.pause = pause
        self.start = datetime.combine(monday, datetime.min.time(), ZONE).replace(hour=8)
        self.sandbox = Sandbox(user_email=USER, time_zone=ZONE.key, now=self.start)
        self.server = SandboxServer(self.sandbox)
        self.home = Path(tempfile.mkdtemp(prefix="followup-demo-"))
        self.home.chmod(0o700)

    def day(self, n: int, hour: int, minute: int = 0) -> datetime:
        """A moment n days after the demo's Monday."""
        return self.start.replace(hour=hour, minute=minute) + timedelta(days=n)

    def open(self) -> Session:
        """Start the sandbox, write settings and a token into the temp home, build a session."""
        from agent.cli.runtime import session_for
        from agent.cli.sandbox_command import write_sandbox_token
        from agent.files.paths import resolve_paths
        from agent.files.settings_file import load_settings
        from agent.files.templates import load_templates
        from agent.store.db import open_store

        self.server.start()
        (self.home / "config.toml").write_text(CONFIG.format(endpoint=self.server.url))
        env = {"FOLLOWUP_HOME": str(self.home)}
        settings = load_settings(resolve_paths(None, env), env)
        write_sandbox_token(settings.paths.token_file, self.server.url, reminders=False)
        self.settings = settings
        self.templates = load_templates(None)
        self.store = open_store(settings.paths.state_db)
        return session_for(settings, self.store, self.templates)

    def happenings(self) -> list[Happening]:
        """What the employers and the candidate do during the two weeks."""
        return [
            Happening(
                self.day(2, 16, 45),
                "Raj Patel (Globex) is away: an automatic reply arrives.",
                lambda: self.sandbox.deliver(
                    _incoming(
                        "Raj Patel <raj@globex.com>",
                        f"Out of Office: back on {day_name(self.day(7, 9))}",
                        "I am out of the office with limited access to email.",
                        Auto_Submitted="auto-replied",
                    ),
                    internal_date=self.day(2, 16, 45),
                ),
            ),
            Happening(
                self.day(3, 15),
                "Jane Doe (Acme) answers your check-in.",
                lambda: self.sandbox.deliver(
                    _incoming(
                        "Jane Doe <jane@acme.com>",
                        "Next steps",
                        "Hi Casey, thanks for your note. We'd like to invite you to a final round.",
                    ),
                    internal_date=self.day(3, 15),
                ),
            ),
        ]

    def sending(self, key: str, detail: str, drafted_at: datetime) -> Happening | None:
        """When the candidate sends a new draft: within the hour or two, as people do, except
        the thank-you to Raj, left until Thursday morning (so the Globex check-in waits)."""
        seq, row = self.step_row(key, detail)
        if seq is None or row is None or not row.draft_id:
            return None
        iv, recipient = seq.row, row.recipient
        contact = seq.contact(recipient)
        late = row.step == StepName.THANK_YOU and recipient == "raj@globex.com"
        when = self.day(3, 8, 30) if late else drafted_at + timedelta(minutes=90)
        label = STEPS[row.step].label
        company = iv.interview.company or iv.interview.title
        draft_id = row.draft_id
        return Happening(
            when,
            f"You read the {label} to {contact.name or contact.email} ({company}), "
            "and send it from Gmail.",
            lambda: self._send(draft_id),
        )

    def _send(self, draft_id: str) -> None:
        """Act as the candidate: send one of the agent's drafts (if it is still there)."""
        if any(d["id"] == draft_id for d in self.sandbox.drafts()):
            self.sandbox.user_send_draft(draft_id)

    def waiting(self) -> set[tuple[str, str, str]]:
        """(interview, step, reason) of every step waiting for the candidate to send a draft."""
        return {
            (r.interview_key, STEPS[r.step].label, r.reason)
            for r in sequences.steps_in_state(self.store.conn, [sequences.StepState.PLANNED])
            if r.reason.startswith(WAITING_PREFIX)
        }

    def step_row(self, key: str, detail: str) -> tuple[Sequence | None, StepRow | None]:
        """The interview and step row a "<step> for <recipient>" action names."""
        step_name, _, recipient = detail.partition(" for ")
        seq = offline_pass(self.settings, self.store, self.templates).sequence(key)
        rows = seq.rows(StepName(step_name), recipient=recipient) if seq is not None else []
        return seq, rows[0] if rows else None

    def say(self, kind: str, key: str, detail: str) -> str:
        """One thing the tick did, in words."""
        return say(self.store, kind, key, detail)

    def show_draft(self, key: str, detail: str) -> None:
        """Print a new draft: recipient, subject, first lines, voicemail script."""
        seq, row = self.step_row(key, detail)
        if seq is None or row is None or not row.draft_id:
            return
        raw = next((d["raw"] for d in self.sandbox.drafts() if d["id"] == row.draft_id), None)
        if raw is None:
            return
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        lines = [ln for ln in msg.get_content().splitlines() if ln.strip()][:3]
        threaded = " (reply in thread)" if msg["In-Reply-To"] else ""
        self.out(f"      to: {msg['To']}")
        self.out(f"      subject: {msg['Subject']}{threaded}")
        for ln in lines:
            self.out(f"      | {ln}")
        planned = planned_step(seq, row.step)
        if planned is None:
            return
        day = row.due.astimezone(ZONE).date()
        script = voicemail(seq, planned, seq.contact(row.recipient), day)
        self.out(f"      voicemail: {' '.join(script.split())[:160]}...")

    def show_cue(self, key: str) -> None:
        """Print the question to ask at the end of an interview."""
        iv = sequences.get_interview(self.store.conn, key)
        if iv is not None:
            question = cue(offline_pass(self.settings, self.store, self.templates), iv.interview)
            self.out(f"      ask: {' '.join(question.split())}")

    def close(self, keep: bool) -> None:
        """Stop the sandbox and remove the temp home (unless kept for inspection)."""
        self.store.close()
        if keep:
            return
        self.server.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def sleep(self) -> None:
        """A short pause between moments, so a person can follow (skipped with --fast)."""
        if self.pause:
            time.sleep(self.pause)


def interview_labels(store) -> dict[str, str]:
    """Short labels for the timeline: 'Acme' or 'Globex'."""
    return {
        r.interview.key: r.interview.company or r.interview.title
        for r in sequences.list_interviews(store.conn)
    }


def run_demo(
    monday: date, out: Callable[[str], None], *, pause: float, keep: bool, days: int = 24
) -> Demo:
    """Play two weeks and a bit: tick at every due time and every happening, print the story."""
    demo = Demo(monday, out, pause)
    session = demo.open()
    try:
        seed_calendar(demo.sandbox, monday)
        out(f"followup demo: a simulated week or two from {moment(demo.start, ZONE)} ({ZONE.key}).")
        out("The sandbox stands in for Gmail and Calendar; nothing is ever sent.\n")
        happenings = sorted(demo.happenings(), key=lambda h: h.at)
        now, end, first = demo.start, demo.start + timedelta(days=days), True
        waiting: set[tuple[str, str, str]] = set()
        while now <= end:
            while happenings and happenings[0].at <= now:
                happening = happenings.pop(0)
                demo.sandbox.set_now(happening.at)
                out(f"{moment(happening.at, ZONE)}  ** {happening.say}")
                happening.act()
            demo.sandbox.set_now(now)
            run = tick(session, now)
            labels = interview_labels(demo.store)
            for action in run.actions:
                label = labels.get(action.interview_key, "")
                said = demo.say(action.kind, action.interview_key, action.detail)
                out(f"{moment(now, ZONE)}  {label:<7} {said}")
                if action.kind == "drafted":
                    demo.show_draft(action.interview_key, action.detail)
                    sent = demo.sending(action.interview_key, action.detail, now)
                    if sent is not None:
                        happenings = sorted([*happenings, sent], key=lambda h: h.at)
                elif action.kind == "ask":
                    demo.show_cue(action.interview_key)
            now_waiting = demo.waiting()
            told: set[str] = set()
            for key, step, reason in sorted(now_waiting - waiting):  # the first step says it
                if key not in told:
                    told.add(key)
                    out(f"{moment(now, ZONE)}  {labels.get(key, ''):<7} the {step} is {reason}")
            waiting = now_waiting
            if first:
                for rejection, _start in events.list_rejections(demo.store.conn):
                    out(f"{moment(now, ZONE)}  ignored {rejection.title!r}: {rejection.reason}")
                first = False
            demo.sleep()
            upcoming = [t for t in (run.next_due, happenings[0].at if happenings else None) if t]
            later = [t for t in upcoming if t > now]
            if not later:
                break
            now = min(later)
        out(
            f"\n{len(demo.sandbox.drafts())} draft(s) left in the sandbox mailbox; "
            f"send attempts by followup: {len(demo.sandbox.send_attempts())}."
        )
        fd, name = tempfile.mkstemp(prefix="followup-demo-board-", suffix=".html")
        os.close(fd)
        board = write_board(demo.store, ZONE, now, Path(name))
        out(f"The board, every interview at a glance: {board}")
    finally:
        demo.close(keep)
    return demo
