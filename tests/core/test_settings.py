"""Settings: every value checked, the generated example file, the settings dump."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from datetime import date, time
from pathlib import Path

import pytest

from agent.core.errors import SettingsError
from agent.core.settings import (
    KEYS,
    SECTIONS,
    Paths,
    ScheduleSettings,
    Settings,
    default_config_text,
    describe_settings,
    toml_literal,
)
from agent.core.settings_check import checked_place
from agent.files.paths import resolve_paths
from agent.files.settings_file import load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "followup.example.toml"


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(env={"FOLLOWUP_HOME": str(tmp_path)})


def load_text(paths: Paths, text: str, env: dict[str, str] | None = None) -> Settings:
    paths.config_file.write_text(text, encoding="utf-8")
    return load_settings(paths, env or {})


def error_for(paths: Paths, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(SettingsError) as caught:
        load_text(paths, text, env)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.exit_code == 3
    return message


def test_missing_file_means_all_defaults(paths: Paths) -> None:
    assert not paths.config_file.exists()
    assert load_settings(paths, {}) == Settings(paths=paths)


def test_empty_file_means_all_defaults(paths: Paths) -> None:
    assert load_text(paths, "") == Settings(paths=paths)


def test_example_file_is_generated_text() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == default_config_text()


def test_example_file_loads_to_defaults(paths: Paths) -> None:
    assert load_text(paths, default_config_text()) == Settings(paths=paths)


def test_example_defaults_are_the_real_defaults(paths: Paths) -> None:
    """Uncommenting every key of the example changes nothing: its defaults are the true ones."""
    text = re.sub(r"(?m)^# ([a-z_]+ = )", r"\1", default_config_text())
    assert len(tomllib.loads(text)["schedule"]) == len(fields(ScheduleSettings))
    assert load_text(paths, text) == Settings(paths=paths)


def test_example_documents_every_key_and_only_those() -> None:
    known = {f"{name}.{f.name}" for name, cls in SECTIONS.items() for f in fields(cls)}
    assert set(KEYS) == known
    assert set(SECTIONS) == {f.name for f in fields(Settings)} - {"paths"}
    text = default_config_text()
    for key, f in KEYS.items():
        assert f.metadata["doc"] and f"\n# {f.metadata['doc']}\n" in text
        assert f"# {key.split('.', 1)[1]} = {toml_literal(key, f.default)}\n" in text
    body = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert body == [f"[{name}]" for name in SECTIONS]


def test_every_value_kind_is_parsed(paths: Paths) -> None:
    settings = load_text(
        paths,
        """
[user]
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "Europe/London"
country = "gb"
subdivision = "eng"
extra_holidays = [2026-12-24, "2026-12-31", 2026-12-24]
[calendar]
watched = ["primary", "work@example.com"]
interview_pattern = '(?i)\\bscreen\\b'
exclude_pattern = ''
[schedule]
thank_you_time = "18:30"
check_in_named_time = 09:15:00
reminder_business_days = 4
business_days = ["Monday", "tue", "WED", "sun", "mon"]
[content]
fit = ["team size", "domain"]
[replies]
delete_drafts_on_reply = false
[reminders]
enabled = true
popup_minutes = 40320
[google]
endpoint = "http://127.0.0.1:8765"
timeout_seconds = 5
max_retries = 0
retry_base_seconds = 0
[daemon]
interval_minutes = 0.5
""",
    )
    assert settings.user.name == "Ada Lovelace"
    assert settings.user.timezone == "Europe/London"
    assert settings.user.country == "GB"
    assert settings.user.subdivision == "eng"
    assert checked_place(settings).user.subdivision == "ENG"
    assert settings.user.extra_holidays == (date(2026, 12, 24), date(2026, 12, 31))
    assert settings.calendar.watched == ("primary", "work@example.com")
    assert settings.calendar.interview_pattern == r"(?i)\bscreen\b"
    assert settings.calendar.exclude_pattern == ""
    assert settings.schedule.thank_you_time == time(18, 30)
    assert settings.schedule.check_in_named_time == time(9, 15)
    assert settings.schedule.check_in_default_time == time(16, 30)
    assert settings.schedule.reminder_business_days == 4
    assert settings.schedule.business_days == (0, 1, 2, 6)
    assert settings.content.fit == ("team size", "domain")
    assert settings.content.strengths == ()
    assert settings.replies.delete_drafts_on_reply is False
    assert settings.reminders.enabled is True
    assert settings.reminders.popup_minutes == 40320
    assert settings.google.endpoint == "http://127.0.0.1:8765"
    assert settings.google.timeout_seconds == 5.0
    assert isinstance(settings.google.timeout_seconds, float)
    assert settings.google.max_retries == 0
    assert settings.daemon.interval_minutes == 0.5


BAD = [
    # (snippet, key named in the message, fragment of the message)
    ('[schedule]\nthank_you_time = "25:00"', "schedule.thank_you_time",
     '"25:00" is not a time of day (use HH:MM, e.g. "19:00")'),
    ('[schedule]\nreminder_time = "10.00"', "schedule.reminder_time", "is not a time of day"),
    ("[schedule]\ncheck_in_default_time = 16", "schedule.check_in_default_time",
     '16 is not a time of day (use HH:MM, e.g. "16:30")'),
    ("[schedule]\nthank_you_time = 19:00:30", "schedule.thank_you_time", "not a time of day"),
    ("[shedule]\nreminder_time = \"10:00\"", "shedule", "unknown table (did you mean [schedule]?)"),
    ('[schedule]\nthank_yuo_time = "19:00"', "schedule.thank_yuo_time",
     "unknown key (did you mean schedule.thank_you_time?)"),
    ('[user]\nwatched = ["primary"]', "user.watched", "belongs under [calendar]"),
    ('name = "Ada"', "name", "key outside any table (put it under [user])"),
    ('user = "Ada"', "user", "expected a table"),
    ("[user]\nname = 5", "user.name", "expected text in quotes, got 5 (a whole number)"),
    ('[replies]\ndelete_drafts_on_reply = "yes"', "replies.delete_drafts_on_reply",
     "expected true or false"),
    ("[schedule]\nreminder_business_days = 2.5", "schedule.reminder_business_days",
     "expected a whole number"),
    ("[schedule]\nreminder_business_days = true", "schedule.reminder_business_days",
     "expected a whole number"),
    ('[google]\ntimeout_seconds = "30"', "google.timeout_seconds", "expected a number"),
    ("[google]\ntimeout_seconds = inf", "google.timeout_seconds", "not a finite number"),
    ('[calendar]\nwatched = "primary"', "calendar.watched", "expected a list of quoted texts"),
    ('[content]\nfit = ["a", 1]', "content.fit", "expected a list of quoted texts"),
    ('[user]\ntimezone = "Mars/Olympus"', "user.timezone", '"Mars/Olympus" is not an IANA'),
    ('[user]\ntimezone = "../../etc/passwd"', "user.timezone", "is not an IANA time zone"),
    ('[calendar]\ninterview_pattern = "(interview"', "calendar.interview_pattern",
     "not a valid regex: missing ), unterminated subpattern"),
    ("[calendar]\nexclude_pattern = '[a-'", "calendar.exclude_pattern", "not a valid regex"),
    ('[calendar]\ninterview_pattern = ""', "calendar.interview_pattern", "match every event"),
    ("[schedule]\nreminder_business_days = 0", "schedule.reminder_business_days",
     "0 is out of range (use a number at least 1)"),
    ("[schedule]\nclosed_business_days = -2", "schedule.closed_business_days", "out of range"),
    ("[schedule]\ncheck_in_default_business_days = 0",
     "schedule.check_in_default_business_days", "out of range"),
    ("[schedule]\nask_minutes_before_end = -1", "schedule.ask_minutes_before_end", "out of range"),
    ("[google]\ntimeout_seconds = 0", "google.timeout_seconds", "more than 0"),
    ("[google]\nmax_retries = -1", "google.max_retries", "at least 0"),
    ("[daemon]\ninterval_minutes = 0", "daemon.interval_minutes", "more than 0"),
    ("[reminders]\npopup_minutes = -5", "reminders.popup_minutes",
     "-5 is out of range (use a number between 0 and 40320)"),
    ("[reminders]\npopup_minutes = 50000", "reminders.popup_minutes", "between 0 and 40320"),
    ('[reminders]\ncalendar = ""', "reminders.calendar", "must not be empty"),
    ('[user]\nextra_holidays = ["2026-02-30"]', "user.extra_holidays",
     '"2026-02-30" is not a date (use YYYY-MM-DD'),
    ('[user]\nextra_holidays = ["24.12.2026"]', "user.extra_holidays", "is not a date"),
    ("[user]\nextra_holidays = [2026-12-24T10:00:00]", "user.extra_holidays", "is not a date"),
    ('[user]\nextra_holidays = "2026-12-24"', "user.extra_holidays", "expected a list of dates"),
    ('[schedule]\nbusiness_days = ["mon", "fry"]', "schedule.business_days",
     '"fry" is not a weekday (did you mean "fri"?'),
    ("[schedule]\nbusiness_days = [0, 1]", "schedule.business_days",
     "expected a list of weekday names"),
    ("[schedule]\nbusiness_days = []", "schedule.business_days", "no working days"),
    ('[user]\ncountry = "XX"', "user.country", '"XX" is not a country the holidays package'),
    ('[user]\ncountry = ""\nsubdivision = "CA"', "user.subdivision", "needs user.country"),
    ('[user]\nemail = "ada"', "user.email", '"ada" is not an email address'),
    ('[user]\nemail = "Ada <ada@example.com>"', "user.email", "is not an email address"),
    ('[user]\nemail = "ada@localhost"', "user.email", "is not an email address"),
    ('[google]\nendpoint = "ftp://example.com"', "google.endpoint", "is not an http(s) URL"),
    ('[google]\nendpoint = "localhost:8080"', "google.endpoint", "is not an http(s) URL"),
    ('[google]\nendpoint = "http://"', "google.endpoint", "is not an http(s) URL"),
    ('[google]\nendpoint = "http://[::1"', "google.endpoint", "is not an http(s) URL"),
    ('[user]\n"we\\nird" = 1', "user.we\\nird", "unknown key"),
]


@pytest.mark.parametrize(("snippet", "key", "fragment"), BAD, ids=[b[1] for b in BAD])
def test_bad_value_gives_one_line_naming_file_and_key(
    paths: Paths, snippet: str, key: str, fragment: str
) -> None:
    message = error_for(paths, snippet)
    assert message.startswith(f"{paths.config_file}: {key}: "), message
    assert fragment in message


def test_describe_lists_paths_and_round_trips(paths: Paths) -> None:
    text = (
        '[user]\nname = "Zoë \\"Z\\" Ng"\nsignature = "Zoë\\nTeam\\u007f"\n'
        'extra_holidays = [2026-12-24]\n'
        "[calendar]\ninterview_pattern = '\\b(interview|screen)\\b'\n"
        '[schedule]\nbusiness_days = ["sun", "mon"]\nthank_you_time = "07:05"\n'
        "[google]\ntimeout_seconds = 2.5\n[replies]\ndelete_drafts_on_reply = false\n"
    )
    settings = load_text(paths, text)
    dump = describe_settings(settings, file_found=True)
    assert f"# config file: {paths.config_file}\n" in dump
    assert f"# state:       {paths.state_db}\n" in dump
    assert 'business_days = ["mon", "sun"]' in dump
    assert 'thank_you_time = "07:05"' in dump
    assert load_text(paths, dump) == settings


def test_describe_says_when_the_file_is_missing(paths: Paths) -> None:
    dump = describe_settings(load_settings(paths, {}), file_found=False)
    assert "(not found: defaults in use)" in dump
    assert 'country = "US"' in dump
