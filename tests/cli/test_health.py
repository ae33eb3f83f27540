"""agent.cli.health: the pass record, the one line that says followup needs you, the notification.

The clock is pinned: every moment is an argument. The notifier is a stand-in `notify-send` put
first on PATH that records its arguments, as tests/cli/test_service.py does for launchctl.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent.cli.health import (
    PassLog,
    last_success_line,
    next_record,
    notifier,
    problem_line,
    watched_files,
)
from agent.core.errors import (
    AuthError,
    FollowupError,
    GoogleUnavailable,
    QuotaStop,
    SettingsError,
    StateError,
    TemplateError,
)
from agent.core.settings import Paths
from agent.store import kv
from agent.store.db import open_store
from agent.store.kv import PassRecord

NY = ZoneInfo("America/New_York")
T0 = datetime(2026, 12, 1, 9, 2, tzinfo=NY)  # Tuesday
REFUSED = "Google refused the saved token (expired or revoked); run `followup auth`"
NETWORK = "network trouble (timed out); check the connection and run again"


def passes(*errors: FollowupError | None, every: timedelta = timedelta(minutes=5)) -> PassRecord:
    """The record after passes `every` apart from T0, each ending with its error (None: well)."""
    record = None
    for i, error in enumerate(errors):
        record = next_record(record, T0 + i * every, error)
    assert record is not None
    return record


def test_a_run_of_failures_keeps_its_first_failure_and_the_last_success() -> None:
    record = passes(None, AuthError(REFUSED), AuthError(REFUSED), AuthError(REFUSED))
    assert record == PassRecord(
        at=T0 + timedelta(minutes=15), ok=False, exit_code=4, problem=REFUSED,
        failing_since=T0 + timedelta(minutes=5), last_success=T0,
    )
    assert passes(None, AuthError(REFUSED), None) == PassRecord(
        T0 + timedelta(minutes=10), True, last_success=T0 + timedelta(minutes=10)
    )


def test_a_message_on_several_lines_is_recorded_on_one() -> None:
    assert passes(TemplateError("thank_you.j2, line 3:\nunexpected '}'")).problem == (
        "thank_you.j2, line 3: unexpected '}'"
    )


def test_the_line_says_since_when_why_and_what_to_do() -> None:
    record = passes(None, AuthError(REFUSED), AuthError(REFUSED))
    assert problem_line(record, record.at, NY) == (
        "followup has not worked since Tue 2026-12-01 09:07: Google refused the saved token "
        "(expired or revoked); run `followup auth`"
    )


@pytest.mark.parametrize(
    "error", [SettingsError("s"), AuthError("t"), TemplateError("p"), StateError("d")],
    ids=["settings", "token", "templates", "state"],
)
def test_a_failure_that_needs_you_shows_at_once(error: FollowupError) -> None:
    record = passes(None, error)
    assert problem_line(record, record.at, NY) is not None


@pytest.mark.parametrize(
    "error", [GoogleUnavailable(NETWORK), QuotaStop("stopped at Gmail's quota"),
              FollowupError("unexpected KeyError: 'x'")],
    ids=["network", "quota", "bug"],
)
def test_other_failures_show_only_when_passes_failed_for_an_hour(error: FollowupError) -> None:
    record = passes(None, *[error] * 12)  # failing from 09:07, the last at 10:02
    assert problem_line(record, T0 + timedelta(minutes=64), NY) is None
    assert problem_line(record, T0 + timedelta(minutes=65), NY) == (
        f"followup has not worked since Tue 2026-12-01 09:07: {record.problem}"
    )


def test_a_failure_just_after_a_long_gap_is_not_an_hour_of_failures() -> None:
    waking = passes(None, GoogleUnavailable(NETWORK), every=timedelta(hours=9))  # a night shut
    assert problem_line(waking, waking.at, NY) is None
    assert problem_line(waking, waking.at + timedelta(hours=1), NY) is not None


def test_no_pass_for_an_hour_says_so() -> None:
    record = passes(None)
    assert problem_line(record, T0 + timedelta(minutes=59), NY) is None
    assert problem_line(record, T0 + timedelta(hours=3), NY) == (
        "followup has not run since Tue 2026-12-01 09:02: see `followup service status`, "
        "or run `followup tick`"
    )


def test_before_any_pass_there_is_nothing_to_say() -> None:
    assert problem_line(None, T0, NY) is None
    assert last_success_line(None, NY) == "No pass has succeeded yet."
    assert last_success_line(passes(AuthError(REFUSED)), NY) == "No pass has succeeded yet."
    assert last_success_line(passes(None, AuthError(REFUSED)), NY) == (
        "Last successful pass: Tue 2026-12-01 09:02."
    )


@pytest.mark.parametrize(
    ("platform", "env", "tool"),
    [
        ("linux", {"DISPLAY": ":0"}, "notify-send"),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, "notify-send"),
        ("linux", {}, None),  # a server, or a service without the desktop's environment
        ("darwin", {}, "osascript"),
        ("win32", {}, None),
    ],
)
def test_the_notifier_of_each_desktop(platform: str, env: dict[str, str], tool: str | None) -> None:
    command = notifier('it said "no"', platform, env)
    assert (command[0] if command else None) == tool
    if command:
        assert command[-1] == 'it said "no"', "the text is an argument, never part of a script"


def test_the_watched_files_change_with_the_token_settings_and_templates(tmp_path: Path) -> None:
    paths = home(tmp_path)
    before = watched_files(paths)
    assert watched_files(paths) == before
    for change in (lambda: paths.token_file.write_text("{}"),
                   lambda: paths.token_file.chmod(0o600),
                   lambda: paths.templates_dir.mkdir(),
                   lambda: (paths.templates_dir / "thank_you.j2").write_text("Thanks"),
                   lambda: (paths.templates_dir / "thank_you.j2").write_text("Thanks!"),
                   lambda: paths.config_file.write_text("[daemon]\n")):
        change()
        assert watched_files(paths) != before
        before = watched_files(paths)


def home(tmp_path: Path) -> Paths:
    """A followup folder's paths (nothing made yet)."""
    return Paths(
        config_file=tmp_path / "config.toml", token_file=tmp_path / "token.json",
        state_db=tmp_path / "state.db", lock_file=tmp_path / "followup.lock",
        templates_dir=tmp_path / "templates",
    )


STANDIN = """#!{python}
import os, sys
with open({calls!r}, "a") as f:
    f.write(repr(sys.argv[1:]) + "\\n")
sys.exit(int(os.environ.get("STANDIN_EXIT", "0")))
"""


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desktop with a stand-in `notify-send` first on PATH: the file its calls go to."""
    if not sys.platform.startswith("linux"):
        pytest.skip("notify-send is Linux's notifier")
    bin_dir, calls = tmp_path / "bin", tmp_path / "notify-calls.txt"
    bin_dir.mkdir()
    tool = bin_dir / "notify-send"
    tool.write_text(STANDIN.format(python=sys.executable, calls=str(calls)))
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("DISPLAY", ":0")
    return calls


def test_the_daemon_says_it_once_per_incident(
    tmp_path: Path, calls: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent.cli.health")
    log = PassLog(home(tmp_path), timezone="America/New_York", tell=True, notify=True)
    at = [T0 + timedelta(minutes=5 * i) for i in range(8)]
    for now, error in zip(at, [None, AuthError(REFUSED), AuthError(REFUSED), AuthError(REFUSED),
                               None, None, AuthError(REFUSED), AuthError(REFUSED)], strict=True):
        log.finish(now, error)
    line = "followup has not worked since Tue 2026-12-01 {}: " + REFUSED
    assert calls.read_text().splitlines() == [
        repr(["--app-name=followup", "followup needs you", line.format("09:07")]),
        repr(["--app-name=followup", "followup needs you", line.format("09:32")]),
    ]
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", line.format("09:07")), ("WARNING", "followup works again"),
        ("ERROR", line.format("09:32")),
    ]
    store = open_store(tmp_path / "state.db")
    try:
        assert kv.last_pass(store.conn) == log.last
    finally:
        store.close()
    assert log.last is not None and log.last.failing_since == at[6]


def test_an_hour_of_network_trouble_is_an_incident_too(
    tmp_path: Path, calls: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="agent.cli.health")
    log = PassLog(home(tmp_path), tell=True, notify=True)
    log.finish(T0, None)
    for minutes in range(5, 80, 5):
        log.finish(T0 + timedelta(minutes=minutes), GoogleUnavailable(NETWORK))
    assert len(calls.read_text().splitlines()) == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"followup has not worked since Tue 2026-12-01 14:07: {NETWORK}"  # UTC: no zone known
    ]


def test_no_notification_when_turned_off_and_a_failing_notifier_fails_nothing(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("STANDIN_EXIT", "1")
    PassLog(home(tmp_path), tell=True, notify=False).finish(T0, AuthError(REFUSED))
    assert not calls.exists()
    caplog.set_level(logging.DEBUG, logger="agent.cli.health")
    PassLog(home(tmp_path / "other"), tell=True, notify=True).finish(T0, AuthError(REFUSED))
    assert len(calls.read_text().splitlines()) == 1
    assert any(r.levelno == logging.DEBUG and "no desktop notification" in r.getMessage()
               for r in caplog.records)


def test_when_state_db_is_the_problem_the_daemon_still_says_it_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = home(tmp_path)
    paths.state_db.mkdir()  # state.db cannot be opened: nothing can be recorded
    caplog.set_level(logging.ERROR, logger="agent.cli.health")
    log = PassLog(paths, tell=True)
    for minutes in (0, 5, 10):
        log.finish(T0 + timedelta(minutes=minutes), StateError(f"{paths.state_db}: a folder"))
    assert len(caplog.records) == 1
    assert log.last is not None and log.last.failing_since == T0
