"""config.toml -> validated, typed Settings; the documented example file; a readable dump."""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date, time
from typing import Any

from agent.core import settings as settings_types
from agent.core.config_values import (
    KEY_CHECKS,
    KIND_PARSERS,
    WEEKDAYS,
    InvalidValue,
    check_subdivision,
    check_url,
    show,
)
from agent.core.errors import SettingsError
from agent.core.settings import Paths, Settings
from agent.core.text import escaped

log = logging.getLogger(__name__)

ENDPOINT_ENV = "FOLLOWUP_GOOGLE_ENDPOINT"

# table name -> its settings dataclass, in file order (every field of Settings but paths);
# the annotations are text (`from __future__ import annotations`): named in settings.py
SECTIONS: dict[str, type] = {
    f.name: getattr(settings_types, str(f.type)) for f in fields(Settings) if f.name != "paths"
}

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
}

_HEADER = """\
# followup settings (config.toml).
# Every key is shown with its default, commented out: this file as it is gives the defaults.
# To change a setting, remove the "# " in front of its key and edit the value.
"""


def _fail(source: str, key: str, problem: str, fix: str = "") -> SettingsError:
    """The one-line error: where, which key, what is wrong, what to do."""
    return SettingsError(escaped(f"{source}: {key}: {problem}" + (f" ({fix})" if fix else "")))


def _suggest(name: str, known: list[str]) -> str:
    import difflib  # only to suggest a fix

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"


def _check_tables(raw: dict[str, Any], source: str) -> None:
    """Unknown tables, keys outside tables, and tables that are not tables."""
    by_leaf = {k.split(".", 1)[1]: k for k in KEY_DOCS}
    for name, value in raw.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                raise _fail(source, name, f"expected a table, got {show(value)}",
                            f"write [{name}] on its own line with the keys below it")
        elif isinstance(value, dict):
            import difflib  # only to suggest a fix

            close = difflib.get_close_matches(name, list(SECTIONS), n=1)
            fix = f"did you mean [{close[0]}]?" if close else f"known: {', '.join(SECTIONS)}"
            raise _fail(source, name, "unknown table", fix)
        elif name in by_leaf:
            table = by_leaf[name].split(".")[0]
            raise _fail(source, name, "key outside any table", f"put it under [{table}]")
        else:
            fix = _suggest(name, list(KEY_DOCS))
            raise _fail(source, name, "unknown key outside any table", fix)


def _build_section(name: str, table: dict[str, Any], source: str) -> Any:
    """One table -> its settings dataclass, every value parsed and checked."""
    cls = SECTIONS[name]
    kinds = {f.name: str(f.type) for f in fields(cls)}
    known = list(kinds)
    for leaf in table:
        if leaf not in known:
            home = [k for k in KEY_DOCS if k.endswith(f".{leaf}")]
            fix = f"it belongs under [{home[0].split('.')[0]}]" if home else _suggest(
                f"{name}.{leaf}", [f"{name}.{k}" for k in known]
            )
            raise _fail(source, f"{name}.{leaf}", "unknown key", fix)
    values: dict[str, Any] = {}
    for leaf, value in table.items():
        key = f"{name}.{leaf}"
        try:
            parsed = KIND_PARSERS[kinds[leaf]](value)
            values[leaf] = KEY_CHECKS.get(key, lambda v: v)(parsed)
        except InvalidValue as exc:
            default = KEY_DOCS[key][0]
            fix = exc.fix.replace("{default}", default) or f"e.g. {leaf} = {default}"
            raise _fail(source, key, exc.problem, fix) from None
    section = cls(**values)
    if name == "user":
        try:
            region = check_subdivision(section.country, section.subdivision)
            section = replace(section, subdivision=region)
        except InvalidValue as exc:
            raise _fail(source, "user.subdivision", exc.problem, exc.fix) from None
    return section


def _read_toml(paths: Paths) -> dict[str, Any]:
    """The parsed file, or {} when there is none."""
    source = str(paths.config_file)
    try:
        data = paths.config_file.read_bytes()
    except FileNotFoundError:
        log.debug("no settings file at %s: using defaults", source)
        return {}
    except OSError as exc:
        problem = f"{source}: cannot read: {exc.strerror} (check the path)"
        raise SettingsError(escaped(problem)) from exc
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(escaped(f"{source}: not UTF-8 text (save it as UTF-8)")) from exc
    except tomllib.TOMLDecodeError as exc:
        problem = f"{source}: not valid TOML: {exc} (fix that line; text values need quotes)"
        raise SettingsError(escaped(problem)) from exc


def load_settings(paths: Paths, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate `paths.config_file` (missing file: all defaults); env can set endpoint."""
    env = os.environ if env is None else env
    source = str(paths.config_file)
    raw = _read_toml(paths)
    _check_tables(raw, source)
    sections = {name: _build_section(name, raw.get(name, {}), source) for name in SECTIONS}
    endpoint = env.get(ENDPOINT_ENV, "").strip()
    if endpoint:
        try:
            check_url(endpoint)
        except InvalidValue as exc:
            raise _fail(f"environment {ENDPOINT_ENV}", "google.endpoint", exc.problem,
                        exc.fix.replace('or "" for Google', f"or unset {ENDPOINT_ENV}")) from None
        sections["google"] = replace(sections["google"], endpoint=endpoint)
    return Settings(paths=paths, **sections)


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


def describe_settings(settings: Settings) -> str:
    """The settings in effect, as TOML with the file locations on top (`followup config show`)."""
    paths = settings.paths
    found = "" if paths.config_file.exists() else " (not found: defaults in use)"
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
