"""A sandbox plus a followup home, driven through the CLI as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from agent.cli.main import main
from agent.cli.sandbox import write_sandbox_token
from agent.sandbox import Sandbox, SandboxServer

USER = "candidate@example.com"
SEARCH_LAG = 5.0  # seconds Gmail's search index is behind history in every e2e world
NY = ZoneInfo("America/New_York")

CONFIG = """\
[user]
name = "Casey Candidate"
signature = "Casey Candidate\\n+1 555 0100"
phone = "+1 555 0100"
country = "US"

[content]
strengths = ["shipping reliable services", "calm incident handling"]
fit = ["your focus on developer experience matches what I care about most"]

[google]
endpoint = "{endpoint}"
retry_base_seconds = 0.01
timeout_seconds = 5
"""


@dataclass
class World:
    """One sandbox server and one FOLLOWUP_HOME."""

    sandbox: Sandbox
    server: SandboxServer
    home: Path
    now: datetime
    extra_config: str = ""
    runner: CliRunner = field(default_factory=CliRunner)

    def env(self) -> dict[str, str]:
        """The environment a run sees."""
        return {
            "FOLLOWUP_HOME": str(self.home),
            "FOLLOWUP_NOW": self.now.isoformat(),
            "FOLLOWUP_GOOGLE_ENDPOINT": "",
        }

    def at(self, moment: datetime) -> World:
        """Move both clocks (followup's and the sandbox's) to a moment."""
        self.now = moment
        self.sandbox.set_now(moment)
        return self

    def cli(self, *args: str, expect: int | None = 0) -> Result:
        """Run `followup ARGS` in-process as a user would type it."""
        env = {k: v for k, v in self.env().items() if v}
        old = {
            k: os.environ.get(k)
            for k in ("FOLLOWUP_HOME", "FOLLOWUP_NOW", "FOLLOWUP_GOOGLE_ENDPOINT")
        }
        os.environ.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
        try:
            result = self.runner.invoke(main, list(args), env=env, catch_exceptions=False)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        if expect is not None:
            assert result.exit_code == expect, (result.exit_code, result.output)
        return result

    def tick(self, moment: datetime | None = None) -> Result:
        """`followup tick` at a moment."""
        if moment is not None:
            self.at(moment)
        return self.cli("tick")

    def popen(self, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start `followup ARGS` as a separate process."""
        env = dict(os.environ)
        env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
        env.update({k: v for k, v in self.env().items() if v})
        env.update(extra_env or {})
        return subprocess.Popen(
            [sys.executable, "-m", "agent.cli.main", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def status_json(self) -> dict:
        """`followup status --json`, parsed."""
        import json

        return json.loads(self.cli("status", "--json").stdout)  # stderr may carry a warning

    def interview(self, title_part: str) -> dict:
        """The status record of the interview whose title contains a text."""
        for item in self.status_json()["interviews"]:
            if title_part in item["title"]:
                return item
        raise AssertionError(f"no interview titled like {title_part!r}")

    def add_interview(
        self,
        *,
        summary: str,
        start: datetime,
        minutes: int = 60,
        description: str = "",
        interviewers: tuple[tuple[str, str], ...] = (("Jane Doe", "jane@acme.com"),),
        organizer: tuple[str, str] | None = None,
        response: str = "accepted",
        calendar_id: str = "primary",
        **extra,
    ) -> dict:
        """Put an interview on the calendar, organized by the first interviewer by default."""
        org_name, org_email = organizer or interviewers[0]
        attendees = [
            {
                "email": USER,
                "displayName": "Casey Candidate",
                "responseStatus": response,
                "self": True,
            },
            *(
                {
                    "email": e,
                    "displayName": n,
                    "responseStatus": "accepted",
                    "organizer": e == org_email,
                }
                for n, e in interviewers
            ),
        ]
        return self.sandbox.add_event(
            calendar_id,
            summary=summary,
            start=start,
            end=start + timedelta(minutes=minutes),
            description=description,
            attendees=attendees,
            organizer={"email": org_email, "displayName": org_name},
            **extra,
        )

    def drafts(self) -> list[dict]:
        """Drafts in the sandbox mailbox."""
        return self.sandbox.drafts()

    def reply(
        self,
        *,
        sender: str,
        subject: str,
        body: str = "Thanks!",
        headers: dict | None = None,
        in_reply_to: str | None = None,
        when: datetime | None = None,
    ) -> dict:
        """An incoming message delivered into the inbox."""
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = USER
        msg["Subject"] = subject
        msg["Message-ID"] = f"<{abs(hash((sender, subject, str(when))))}@mail.example>"
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
            msg["References"] = in_reply_to
        for k, v in (headers or {}).items():
            msg[k] = v
        msg.set_content(body)
        return self.sandbox.deliver(msg, internal_date=when or self.now)

    def key_names(self) -> dict[str, str]:
        """Opaque X-Followup-Key value -> readable `<interview>#<step>#<recipient>`."""
        from agent.core.headers import draft_key_value
        from agent.store.key_secret import load_key_secret

        secret = load_key_secret(self.home / "state.db", create=False)
        names = {}
        for item in self.status_json()["interviews"]:
            for s in item["steps"]:
                value = draft_key_value(secret, item["key"], s["step"], s["recipient"])
                names[value] = f"{item['key']}#{s['step']}#{s['recipient']}"
        return names

    def natural_key(self, draft: dict, names: dict[str, str] | None = None) -> str:
        """The readable key of a draft (computed back from its opaque X-Followup-Key)."""
        import email
        import email.policy

        value = str(email.message_from_bytes(draft["raw"], policy=email.policy.default)[
            "X-Followup-Key"
        ])
        return (names if names is not None else self.key_names()).get(value, value)

    def step_of(self, draft: dict) -> str:
        """The step a draft was made for."""
        return self.natural_key(draft).split("#")[1]

    def send_drafts(self) -> None:
        """The candidate sends every draft waiting in Gmail, as it is, now."""
        for draft in self.drafts():
            self.sandbox.user_send_draft(draft["id"])

    def made_keys(self) -> list[str]:
        """The readable key of every draft followup made, sent or still waiting."""
        names = self.key_names()
        sent = [m for m in self.sandbox.messages() if b"X-Followup-Key" in m["raw"]]
        return [self.natural_key(d, names) for d in (*self.drafts(), *sent)]

    def made_steps(self) -> list[str]:
        """The step of every draft followup made, sent or still waiting, sorted."""
        return sorted(k.split("#")[1] for k in self.made_keys())

    def assert_never_sent(self) -> None:
        """The sandbox saw no call to a send endpoint."""
        assert self.sandbox.send_attempts() == []


def make_world(
    tmp_path: Path, now: datetime, extra_config: str = "", *, reminders: bool = False
) -> World:
    """Start a sandbox and a followup home with a sandbox token and test settings."""
    sandbox = Sandbox(user_email=USER, time_zone="America/New_York", now=now)
    sandbox.set_search_lag(SEARCH_LAG)  # as Gmail: search is a little behind the inbox
    server = SandboxServer(sandbox)
    server.start()
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(CONFIG.format(endpoint=server.url) + extra_config)
    write_sandbox_token(home / "token.json", server.url, reminders=reminders)
    return World(sandbox, server, home, now, extra_config)
