"""Settings: the typed shape of config.toml, its documented keys, the example file and the dump.

Pure: agent/core/settings_check.py checks the parsed TOML into these dataclasses, and
agent/files/settings_file.py reads the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
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
    notify: bool = True  # a desktop notification when followup stops working (once per incident)


@dataclass(frozen=True)
class Paths:
    """Where the agent's files live (worked out by agent/files/paths.py)."""

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


# table name -> its settings dataclass, in file order (every field of Settings but paths);
# the annotations are text (`from __future__ import annotations`): the names above
SECTIONS: dict[str, type] = {f.name: globals()[str(f.type)] for f in fields(Settings)}
del SECTIONS["paths"]

TABLE_DOCS: dict[str, str] = {
    "user": "Who you are and where you live.",
    "calendar": "Which calendar events are interviews.",
    "schedule": "When each step happens (wall-clock times in your time zone).",
    "content": "Points the drafts fall back on when an interview has no notes of its own.",
    "replies": "What happens when the employer answers.",
    "reminders": "Optional calendar events at each step (needs the calendar write scope).",
    "google": "Where the Google APIs are and how the client behaves.",
    "daemon": "`followup run`: the background loop.",
}

# key -> (default as written in TOML, one-line doc). The example config is generated from this.
KEY_DOCS: dict[str, tuple[str, str]] = {
    "user.name": ('""', "Your name in drafts and voicemails; empty: your Gmail display name."),
    "user.email": ('""', "Your address; empty: the Gmail account's own address."),
    "user.signature": ('""', "Text under each draft; empty: your Gmail signature, else your name."),
    "user.timezone": ('""', 'IANA zone, e.g. "Europe/Berlin"; empty: the first calendar\'s zone.'),
    "user.country": ('"US"', 'Country code for public holidays, e.g. "GB"; "" for none.'),
    "user.subdivision": ('""', 'State or region for holidays, e.g. "CA"; "" for national only.'),
    "user.extra_holidays": ("[]", "More days off, e.g. [2026-12-24, \"2026-12-31\"]."),
    "user.phone": ('""', "Your phone number, said in voicemail scripts."),
    "calendar.watched": ('["primary"]', "Calendar ids to read interviews from."),
    "calendar.interview_pattern": (
        "'\\binterview\\b'", "Regex (case-insensitive) a title must match to be an interview."
    ),
    "calendar.exclude_pattern": (
        "'\\b(mock|practice|prep)\\b'", "Regex for titles that are never interviews; '' for none."
    ),
    "calendar.tag": ('"#interview"', "A description containing this makes any event an interview."),
    "schedule.ask_minutes_before_end": ("10", "Cue to ask about next steps, minutes before end."),
    "schedule.thank_you_time": ('"19:00"', "Thank-you draft on the interview day at this time..."),
    "schedule.thank_you_min_minutes_after_end": (
        "30", "...or this many minutes after the interview ends, if that is later."
    ),
    "schedule.check_in_named_time": ('"10:00"', "Check-in on the date the interviewer named."),
    "schedule.check_in_default_time": ('"16:30"', "Check-in time when no date was named..."),
    "schedule.check_in_default_business_days": ("1", "...this many business days after."),
    "schedule.reminder_time": ('"10:00"', "The one polite reminder, at this time..."),
    "schedule.reminder_business_days": ("3", "...this many business days after the check-in."),
    "schedule.closed_business_days": (
        "5", "Business days after the reminder until the sequence closes."
    ),
    "schedule.unsent_close_business_days": (
        "10", "Business days a draft may wait unsent before the sequence closes as not sent."
    ),
    "schedule.business_days": ('["mon", "tue", "wed", "thu", "fri"]', "Your working days."),
    "content.strengths": ("[]", 'Your strengths, e.g. ["ten years of Python"].'),
    "content.fit": ("[]", "Reasons you fit the role, used when an interview has no Fit: notes."),
    "replies.delete_drafts_on_reply": ("true", "Delete unsent drafts when the employer replies."),
    "reminders.enabled": ("false", "Put a short event on your calendar at each step."),
    "reminders.calendar": ('"primary"', "Calendar id for those events."),
    "reminders.popup_minutes": ("0", "Pop-up alert this many minutes before each (0 to 40320)."),
    "google.endpoint": ('""', "Base URL of the APIs; empty: Google. Env FOLLOWUP_GOOGLE_ENDPOINT."),
    "google.client_secret_file": ('""', "OAuth Desktop client JSON; empty: client_secret.json."),
    "google.timeout_seconds": ("30.0", "Give up on one request after this many seconds."),
    "google.max_retries": ("5", "Retries for rate limits and server errors."),
    "google.retry_base_seconds": ("1.0", "First wait before a retry; doubles each time (max 32)."),
    "google.unit_budget": (
        "3000", "Gmail quota units one tick may spend (Gmail allows 6000 a minute per user)."
    ),
    "daemon.interval_minutes": ("2.0", "How often the loop checks calendar and mail."),
    "daemon.misfire_grace_minutes": ("60.0", "A run this late (e.g. after sleep) still happens."),
    "daemon.write_board": ("true", "After a pass that changes something, rewrite board.html."),
    "daemon.notify": ("true", "A desktop notification, once, when followup stops working."),
}

_HEADER = """\
# followup settings (config.toml).
# Every key is shown with its default, commented out: this file as it is gives the defaults.
# To change a setting, remove the "# " in front of its key and edit the value.
"""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _literal(key: str, value: object) -> str:
    """A settings value as a TOML literal that loads back to the same value."""
    if key == "schedule.business_days" and isinstance(value, tuple):
        return "[" + ", ".join(f'"{WEEKDAYS[d]}"' for d in value) + "]"
    if isinstance(value, tuple):
        return "[" + ", ".join(_literal("", v) for v in value) + "]"
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | int | float):
        return value.isoformat() if isinstance(value, date) else repr(value)
    raise TypeError(f"{key}: no TOML form for {type(value).__name__}")


def describe_settings(settings: Settings, *, file_found: bool) -> str:
    """The settings in effect, as TOML with the file locations on top (`followup config show`)."""
    paths = settings.paths
    found = "" if file_found else " (not found: defaults in use)"
    lines = [
        f"# config file: {paths.config_file}{found}",
        f"# token file:  {paths.token_file}",
        f"# state:       {paths.state_db}",
        f"# lock:        {paths.lock_file}",
        f"# templates:   {paths.templates_dir}",
    ]
    for name in SECTIONS:
        section = getattr(settings, name)
        lines += ["", f"[{name}]"]
        for f in fields(section):
            lines.append(f"{f.name} = {_literal(f'{name}.{f.name}', getattr(section, f.name))}")
    return "\n".join(lines) + "\n"


def default_config_text() -> str:
    """The example config.toml: every key with its doc and default, commented out."""
    parts = [_HEADER]
    for name in SECTIONS:
        parts.append(f"\n# {TABLE_DOCS[name]}\n[{name}]\n")
        for key, (default, doc) in KEY_DOCS.items():
            table, leaf = key.split(".", 1)
            if table == name:
                parts.append(f"\n# {doc}\n# {leaf} = {default}\n")
    return "".join(parts)
