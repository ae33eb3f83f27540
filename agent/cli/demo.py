"""`followup demo`: the whole story on the sandbox, with a simulated clock, in seconds."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent.cli.board import write_board
from agent.cli.sandbox import write_sandbox_token
from agent.cli.state import offline_pass
from agent.cli.tick import session_for
from agent.core.etiquette import WAITING_PREFIX
from agent.core.formats import day_name, moment
from agent.core.model import STEPS, StepName, StepState
from agent.engine.sequence import planned_step
from agent.engine.tick import tick
from agent.engine.wording import cue, voicemail
from agent.engine.work import Sequence
from agent.files.paths import resolve_paths
from agent.files.settings_file import load_settings
from agent.files.templates import load_templates
from agent.sandbox import Sandbox, SandboxServer
from agent.store import events, sequences
from agent.store.db import open_store
from agent.store.sequences import InterviewRow

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
ACME_NOTES = (
    "Video call.\nFollow-up: Thursday\nFit: your team ships small reviewed changes daily, "
    "which is how I like to work\nStrengths: Postgres tuning; leading on-call rotations\n"
    "Start: January 4\nPhone: +1 555 0142"
)


@dataclass(frozen=True)
class Happening:
    """Something the world does at a moment of the demo (the employer, or the candidate)."""

    at: datetime
    say: str
    act: Callable[[], object]


def on(monday: date, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment `day` days after the demo's Monday, in its zone."""
    return datetime.combine(monday + timedelta(days=day), datetime.min.time(), ZONE).replace(
        hour=hour, minute=minute
    )


def guest(name: str, address: str, **more: Any) -> dict[str, Any]:
    """A calendar attendee who accepted (unless `more` says otherwise)."""
    return {"email": address, "displayName": name, "responseStatus": "accepted", **more}


def seed_calendar(sandbox: Sandbox, monday: date) -> None:
    """Four events: a named-date interview, a panel, an untrusted invitation, a mock."""
    me = guest("Casey Candidate", USER, self=True)
    room = guest("Room 4B", "room-4b@resource.calendar.google.com", resource=True)
    panel = [guest("Li Wei", "li@globex.com"), guest("Ana Souza", "ana@globex.com"), room]
    seeds = [  # id, title, start, end, the organizer, the other attendees, description
        ("acme1", "Interview with Acme - Backend Engineer", on(monday, 0, 10), on(monday, 0, 11),
         ("Jane Doe", "jane@acme.com"), [me], ACME_NOTES),
        ("globex1", "Globex panel interview - Platform Engineer", on(monday, 1, 14),
         on(monday, 1, 15, 30), ("Raj Patel", "raj@globex.com"), [me, *panel], ""),
        ("initech1", "Interview with Initech", on(monday, 2, 11), on(monday, 2, 12),
         ("Bill L.", "bill@initech.example"), [{**me, "responseStatus": "needsAction"}],
         "Click here to confirm: http://initech.example/win"),
        ("mock1", "Mock interview with Sam (practice)", on(monday, 2, 17), on(monday, 2, 18),
         ("Sam Friend", "sam@gmail.com"), [me], ""),
    ]
    for event_id, summary, start, end, (name, address), others, description in seeds:
        host = guest(name, address, organizer=True)
        sandbox.add_event(
            "primary", event_id=event_id, summary=summary, start=start, end=end,
            description=description, attendees=[others[0], host, *others[1:]],
            organizer={"email": address, "displayName": name},
        )


def incoming(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    """A message arriving in the candidate's inbox."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = USER
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def say(conn: sqlite3.Connection, kind: str, key: str, detail: str) -> str:
    """One thing a tick did, in words."""
    row = sequences.get_interview(conn, key)
    step_name, _, who = detail.partition(" for ")
    if kind in ("drafted", "sent") and row is not None:
        if kind == "sent":
            step_name, _, who = detail.partition(" to ")
        iv = row.interview
        name = next((c.name for c in (*iv.contacts, iv.primary) if c.email == who), "") or who
        label = STEPS[StepName(step_name)].label
        if kind == "drafted":
            return f"the {label} to {name} is ready in your Gmail drafts"
        return f"followup sees you sent the {label} to {name}"
    if kind == "auto_reply" and row is not None:
        return away(conn, row, detail.split(" <")[0])
    if kind == "found":
        return f"found the interview {detail.partition(': ')[2]!r}"
    if kind == "ask":
        return "before it ends, ask when to follow up, and with whom"
    if kind == "replied":
        return f"{detail.split(' <')[0].split(' replied')[0]} replied: the sequence stops here"
    if kind == "removed":
        return f"unsent draft removed: {detail.partition(' (')[0].replace('_', '-')}"
    if kind == "closed":
        return f"the sequence ends: {detail}"
    return f"{kind.replace('_', ' ')}: {detail}"


def away(conn: sqlite3.Connection, row: InterviewRow, who: str) -> str:
    """An out-of-office reply in words: who is away until when, and which step moves."""
    if not row.delay_until:
        return f"{who} is away (automatic reply); nothing moves"
    back = date.fromisoformat(row.delay_until)
    waiting = sorted(
        (r for r in sequences.get_steps(conn, row.interview.key)
         if r.state == StepState.PLANNED and r.step != StepName.ASK),
        key=lambda r: r.due,
    )
    if not waiting:
        return f"{who} is away until {back:%a %b %-d}"
    step, due = STEPS[waiting[0].step].label, waiting[0].due.astimezone(ZONE)
    return f"{who} is away until {back:%a %b %-d}: the {step} moves to {due:%a %b %-d}"


class Demo:
    """One demo run: a private temporary home, an in-process sandbox, a simulated clock."""

    def __init__(self, monday: date, out: Callable[[str], None], pause: float) -> None:
        self.monday, self.out, self.pause = monday, out, pause
        self.start = on(monday, 0, 8)
        self.sandbox = Sandbox(user_email=USER, time_zone=ZONE.key, now=self.start)
        self.server = SandboxServer(self.sandbox)
        self.home = Path(tempfile.mkdtemp(prefix="followup-demo-"))  # mode 700
        self.server.start()
        (self.home / "config.toml").write_text(CONFIG.format(endpoint=self.server.url))
        env = {"FOLLOWUP_HOME": str(self.home)}
        self.settings = load_settings(resolve_paths(None, env), env)
        write_sandbox_token(self.settings.paths.token_file, self.server.url, reminders=False)
        self.store = open_store(self.settings.paths.state_db)
        self.session = session_for(self.settings, self.store, load_templates(None))
        seed_calendar(self.sandbox, monday)
        raj = incoming(
            "Raj Patel <raj@globex.com>", f"Out of Office: back on {day_name(on(monday, 7, 9))}",
            "I am out of the office with limited access to email.", Auto_Submitted="auto-replied",
        )
        jane = incoming(
            "Jane Doe <jane@acme.com>", "Next steps",
            "Hi Casey, thanks for your note. We'd like to invite you to a final round.",
        )
        self.happenings = [
            self.arrival(on(monday, 2, 16, 45), raj,
                         "Raj Patel (Globex) is away: an automatic reply arrives."),
            self.arrival(on(monday, 3, 15), jane, "Jane Doe (Acme) answers your check-in."),
        ]

    def arrival(self, at: datetime, msg: EmailMessage, words: str) -> Happening:
        """`msg` reaching the candidate's inbox at `at`."""
        return Happening(at, words, lambda: self.sandbox.deliver(msg, internal_date=at))

    def play(self, days: int) -> datetime:
        """Tick at every due time and every happening for `days`, print the story; the end."""
        out, conn = self.out, self.store.conn
        out(f"followup demo: a simulated week or two from {moment(self.start, ZONE)} ({ZONE.key}).")
        out("The sandbox stands in for Gmail and Calendar; nothing is ever sent.\n")
        now, end = self.start, self.start + timedelta(days=days)
        waiting: set[tuple[str, str, str]] = set()
        while now <= end:
            for happening in self.due(now):
                self.sandbox.set_now(happening.at)
                out(f"{moment(happening.at, ZONE)}  ** {happening.say}")
                happening.act()
            self.sandbox.set_now(now)
            run = tick(self.session, now)
            labels = {
                r.interview.key: r.interview.company or r.interview.title
                for r in sequences.list_interviews(conn)
            }
            for action in run.actions:
                key, detail = action.interview_key, action.detail
                out(f"{moment(now, ZONE)}  {labels.get(key, ''):<7} "
                    f"{say(conn, action.kind, key, detail)}")
                if action.kind == "drafted":
                    self.show_draft(key, detail, now)
                elif action.kind == "ask":
                    self.show_cue(key, now)
            now_waiting = self.waiting()
            told: set[str] = set()
            for key, step, reason in sorted(now_waiting - waiting):  # the first step says it
                if key not in told:
                    told.add(key)
                    out(f"{moment(now, ZONE)}  {labels.get(key, ''):<7} the {step} is {reason}")
            waiting = now_waiting
            if now == self.start:
                for rejection, _start in events.list_rejections(conn):
                    out(f"{moment(now, ZONE)}  ignored {rejection.title!r}: {rejection.reason}")
            if self.pause:  # so a person can follow (none with --fast)
                time.sleep(self.pause)
            later = [t for t in (run.next_due, *(h.at for h in self.happenings)) if t and t > now]
            if not later:
                break
            now = min(later)
        return now

    def due(self, now: datetime) -> list[Happening]:
        """The happenings whose time has come, in time order; they happen once."""
        came = sorted((h for h in self.happenings if h.at <= now), key=lambda h: h.at)
        self.happenings = [h for h in self.happenings if h.at > now]
        return came

    def sequence(self, key: str, now: datetime) -> Sequence | None:
        """One interview's state as it is now in state.db."""
        return offline_pass(self.settings, self.store, now, self.session).sequence(key)

    def show_draft(self, key: str, detail: str, now: datetime) -> None:
        """Print a new draft's recipient, subject, first lines and voicemail; plan its sending."""
        step_name, _, recipient = detail.partition(" for ")
        seq = self.sequence(key, now)
        rows = seq.rows(StepName(step_name), recipient=recipient) if seq is not None else []
        if seq is None or not rows or not rows[0].draft_id:
            return
        row, draft_id = rows[0], rows[0].draft_id
        raw = next((d["raw"] for d in self.sandbox.drafts() if d["id"] == draft_id), None)
        if raw is not None:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            threaded = " (reply in thread)" if msg["In-Reply-To"] else ""
            self.out(f"      to: {msg['To']}")
            self.out(f"      subject: {msg['Subject']}{threaded}")
            for line in [ln for ln in msg.get_content().splitlines() if ln.strip()][:3]:
                self.out(f"      | {line}")
            planned = planned_step(seq, row.step)
            if planned is not None:
                day = row.due.astimezone(ZONE).date()
                script = voicemail(seq, planned, seq.contact(row.recipient), day)
                self.out(f"      voicemail: {' '.join(script.split())[:160]}...")
        # sent within the hour or two, as people do; the thank-you to Raj waits until Thursday
        # morning, so the Globex check-in waits for it
        contact = seq.contact(row.recipient)
        late = row.step == StepName.THANK_YOU and row.recipient == "raj@globex.com"
        company = seq.interview.company or seq.interview.title
        self.happenings.append(Happening(
            on(self.monday, 3, 8, 30) if late else now + timedelta(minutes=90),
            f"You read the {STEPS[row.step].label} to {contact.name or contact.email} "
            f"({company}), and send it from Gmail.",
            lambda: self.send(draft_id),
        ))

    def send(self, draft_id: str) -> None:
        """Act as the candidate: send one of the agent's drafts (if it is still there)."""
        if any(d["id"] == draft_id for d in self.sandbox.drafts()):
            self.sandbox.user_send_draft(draft_id)

    def show_cue(self, key: str, now: datetime) -> None:
        """Print the question to ask at the end of an interview."""
        seq = self.sequence(key, now)
        if seq is not None:
            question = cue(seq.p, seq.interview)
            self.out(f"      ask: {' '.join(question.split())}")

    def waiting(self) -> set[tuple[str, str, str]]:
        """(interview, step, reason) of every step waiting for the candidate to send a draft."""
        return {
            (r.interview_key, STEPS[r.step].label, r.reason)
            for r in sequences.steps_in_state(self.store.conn, [StepState.PLANNED])
            if r.reason.startswith(WAITING_PREFIX)
        }

    def close(self) -> None:
        """Close state.db, stop the sandbox, remove the home."""
        self.store.close()
        self.server.stop()
        shutil.rmtree(self.home, ignore_errors=True)


@click.command()
@click.option("--fast", is_flag=True, help="No pauses between moments.")
@click.option(
    "--keep",
    is_flag=True,
    help="Leave the sandbox serving afterwards, to inspect with `followup status`.",
)
@click.option(
    "--start",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The Monday the simulated weeks begin (default: next Monday).",
)
def demo(fast: bool, keep: bool, start: datetime | None) -> None:
    """Watch the whole story on the built-in sandbox: offline, in seconds, nothing of yours."""
    today = date.today()
    monday = start.date() if start else today + timedelta(days=7 - today.weekday())
    if monday.weekday() != 0:
        raise click.BadParameter(f"{monday} is not a Monday", param_hint="--start")
    played = Demo(monday, click.echo, pause=0.0 if fast else 0.15)
    try:
        end = played.play(days=24)
        click.echo(
            f"\n{len(played.sandbox.drafts())} draft(s) left in the sandbox mailbox; "
            f"send attempts by followup: {len(played.sandbox.send_attempts())}."
        )
        fd, name = tempfile.mkstemp(prefix="followup-demo-board-", suffix=".html")
        os.close(fd)
        board = write_board(played.store, ZONE, end, Path(name))
        click.echo(f"The board, every interview at a glance: {board}")
        played.store.close()
        if keep:
            url = played.server.url
            click.echo(f"\nThe sandbox is still serving at {url}. In another terminal:")
            click.echo(f"  FOLLOWUP_HOME={played.home} followup status")
            click.echo("Press Ctrl-C here to stop it (its folder is then removed).")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    finally:
        played.close()
