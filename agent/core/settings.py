"""Typed settings: the shape of config.toml after validation (loading lives in config.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path


@dataclass(frozen=True)
class UserSettings:
    """Who the candidate is and where they live."""

    name: str = ""
    email: str = ""  # empty: the mailbox address from Gmail's getProfile
    signature: str = ""
    timezone: str = ""  # IANA name; empty: the first watched calendar's zone
    country: str = "US"  # for public holidays (holidays package); "" for none
    subdivision: str = ""  # region/state for holidays, e.g. "CA"
    extra_holidays: tuple[date, ...] = ()
    phone: str = ""  # the candidate's own number, said in voicemail scripts


@dataclass(frozen=True)
class CalendarSettings:
    """Which events are interviews."""

    watched: tuple[str, ...] = ("primary",)
    interview_pattern: str = r"\binterview\b"
    exclude_pattern: str = r"\b(mock|practice|prep)\b"
    tag: str = "#interview"


@dataclass(frozen=True)
class ScheduleSettings:
    """The etiquette table's times and gaps (wall clock, user's zone)."""

    ask_minutes_before_end: int = 10
    thank_you_time: time = time(19, 0)
    thank_you_min_minutes_after_end: int = 30
    check_in_named_time: time = time(10, 0)
    check_in_default_time: time = time(16, 30)
    check_in_default_business_days: int = 1
    reminder_time: time = time(10, 0)
    reminder_business_days: int = 3
    closed_business_days: int = 5
    unsent_close_business_days: int = 10
    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0


@dataclass(frozen=True)
class ContentSettings:
    """Defaults the templates fall back on when an interview has no notes."""

    strengths: tuple[str, ...] = ()
    fit: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplySettings:
    """What happens when the employer answers."""

    delete_drafts_on_reply: bool = True


@dataclass(frozen=True)
class ReminderSettings:
    """Optional calendar reminders for each step (needs the calendar write scope)."""

    enabled: bool = False
    calendar: str = "primary"
    popup_minutes: int = 0


@dataclass(frozen=True)
class GoogleSettings:
    """Where the APIs are and how the client behaves."""

    endpoint: str = ""  # empty: Google's real endpoints
    client_secret_file: str = ""  # OAuth Desktop client JSON; empty: <home>/client_secret.json
    timeout_seconds: float = 30.0
    max_retries: int = 5
    retry_base_seconds: float = 1.0  # first backoff wait; doubles per try, capped at 32 s
    unit_budget: int = 3000  # Gmail quota units one tick may spend (Gmail allows 6,000/min)


@dataclass(frozen=True)
class DaemonSettings:
    """`followup run`."""

    interval_minutes: float = 2.0
    misfire_grace_minutes: float = 60.0
    write_board: bool = True  # board.html beside state.db after each pass that changed something


@dataclass(frozen=True)
class Paths:
    """Where the agent's files live."""

    config_file: Path
    token_file: Path
    state_db: Path
    lock_file: Path
    templates_dir: Path  # user overrides; may not exist


@dataclass(frozen=True)
class Settings:
    """Everything config.toml says, validated."""

    paths: Paths
    user: UserSettings = field(default_factory=UserSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    content: ContentSettings = field(default_factory=ContentSettings)
    replies: ReplySettings = field(default_factory=ReplySettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    google: GoogleSettings = field(default_factory=GoogleSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
