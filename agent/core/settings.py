"""Settings: the typed shape of config.toml, each key's default and doc; the example and dump."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, time
from pathlib import Path
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def key(default: Any, doc: str) -> Any:
    """A settings field: its default and the one line the example file says about it."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class UserSettings:
    """Who you are and where you live."""

    name: str = key("", "Your name in drafts and voicemails; empty: your Gmail display name.")
    email: str = key("", "Your address; empty: the Gmail account's own address.")
    signature: str = key("", "Text under each draft; empty: your Gmail signature, else your name.")
    timezone: str = key("", 'IANA zone, e.g. "Europe/Berlin"; empty: the first calendar\'s zone.')
    country: str = key("US", 'Country code for public holidays, e.g. "GB"; "" for none.')
    subdivision: str = key("", 'State or region for holidays, e.g. "CA"; "" for national only.')
    extra_holidays: tuple[date, ...] = key((), 'More days off, e.g. [2026-12-24, "2026-12-31"].')
    phone: str = key("", "Your phone number, said in voicemail scripts.")


@dataclass(frozen=True)
class CalendarSettings:
    """Which calendar events are interviews."""

    watched: tuple[str, ...] = key(("primary",), "Calendar ids to read interviews from.")
    interview_pattern: str = key(
        r"\binterview\b", "Regex (case-insensitive) a title must match to be an interview."
    )
    exclude_pattern: str = key(
        r"\b(mock|practice|prep)\b", "Regex for titles that are never interviews; '' for none."
    )
    tag: str = key("#interview", "A description containing this makes any event an interview.")


@dataclass(frozen=True)
class ScheduleSettings:
    """When each step happens (wall-clock times in your time zone)."""

    ask_minutes_before_end: int = key(10, "Cue to ask about next steps, minutes before end.")
    thank_you_time: time = key(time(19, 0), "Thank-you draft on the interview day at this time...")
    thank_you_min_minutes_after_end: int = key(
        30, "...or this many minutes after the interview ends, if that is later."
    )
    check_in_named_time: time = key(time(10, 0), "Check-in on the date the interviewer named.")
    check_in_default_time: time = key(time(16, 30), "Check-in time when no date was named...")
    check_in_default_business_days: int = key(1, "...this many business days after.")
    reminder_time: time = key(time(10, 0), "The one polite reminder, at this time...")
    reminder_business_days: int = key(3, "...this many business days after the check-in.")
    closed_business_days: int = key(
        5, "Business days after the reminder until the sequence closes."
    )
    unsent_close_business_days: int = key(
        10, "Business days a draft may wait unsent before the sequence closes as not sent."
    )
    business_days: tuple[int, ...] = key((0, 1, 2, 3, 4), "Your working days.")  # Monday=0


@dataclass(frozen=True)
class ContentSettings:
    """Points the drafts fall back on when an interview has no notes of its own."""

    strengths: tuple[str, ...] = key((), 'Your strengths, e.g. ["ten years of Python"].')
    fit: tuple[str, ...] = key(
        (), "Reasons you fit the role, used when an interview has no Fit: notes."
    )


@dataclass(frozen=True)
class ReplySettings:
    """What happens when the employer answers."""

    delete_drafts_on_reply: bool = key(True, "Delete unsent drafts when the employer replies.")


@dataclass(frozen=True)
class ReminderSettings:
    """Optional calendar events at each step (needs the calendar write scope)."""

    enabled: bool = key(False, "Put a short event on your calendar at each step.")
    calendar: str = key("primary", "Calendar id for those events.")
    popup_minutes: int = key(0, "Pop-up alert this many minutes before each (0 to 40320).")


@dataclass(frozen=True)
class GoogleSettings:
    """Where the Google APIs are and how the client behaves."""

    endpoint: str = key("", "Base URL of the APIs; empty: Google. Env FOLLOWUP_GOOGLE_ENDPOINT.")
    client_secret_file: str = key("", "OAuth Desktop client JSON; empty: client_secret.json.")
    timeout_seconds: float = key(30.0, "Give up on one request after this many seconds.")
    max_retries: int = key(5, "Retries for rate limits and server errors.")
    retry_base_seconds: float = key(1.0, "First wait before a retry; doubles each time (max 32).")
    unit_budget: int = key(
        3000, "Gmail quota units one tick may spend (Gmail allows 6000 a minute per user)."
    )


@dataclass(frozen=True)
class DaemonSettings:
    """`followup run`: the background loop."""

    interval_minutes: float = key(2.0, "How often the loop checks calendar and mail.")
    misfire_grace_minutes: float = key(60.0, "A run this late (e.g. after sleep) still happens.")
    write_board: bool = key(True, "After a pass that changes something, rewrite board.html.")
    notify: bool = key(True, "A desktop notification, once, when followup stops working.")


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
KEYS = {f"{name}.{f.name}": f for name, cls in SECTIONS.items() for f in fields(cls)}

_HEADER = """\
# followup settings (config.toml).
# Every key is shown with its default, commented out: this file as it is gives the defaults.
# To change a setting, remove the "# " in front of its key and edit the value.
"""


def toml_literal(key: str, value: object) -> str:
    """A settings value as a TOML literal that loads back to the same value."""
    if key == "schedule.business_days":
        return "[" + ", ".join(f'"{WEEKDAYS[d]}"' for d in value) + "]"  # type: ignore[attr-defined]
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_literal("", v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and "\\" in value and value.isprintable() and "'" not in value:
        return f"'{value}'"  # a literal string: a pattern's backslashes as they are
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    return repr(value)


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
    for name, cls in SECTIONS.items():
        section = getattr(settings, name)
        lines += ["", f"[{name}]"]
        for f in fields(cls):
            lines.append(f"{f.name} = {toml_literal(f'{name}.{f.name}', getattr(section, f.name))}")
    return "\n".join(lines) + "\n"


def default_config_text() -> str:
    """The example config.toml: every key with its doc and default, commented out."""
    parts = [_HEADER]
    for name, cls in SECTIONS.items():
        parts.append(f"\n# {cls.__doc__}\n[{name}]\n")
        for f in fields(cls):
            default = toml_literal(f"{name}.{f.name}", f.default)
            parts.append(f"\n# {f.metadata['doc']}\n# {f.name} = {default}\n")
    return "".join(parts)
