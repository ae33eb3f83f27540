"""agent.cli.service_files: systemd units, the cron line, the launchd plist, the task XML."""

from __future__ import annotations

import os
import plistlib
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agent.cli.service_files import (
    CRON,
    SERVICE,
    TICK_SERVICE,
    TICK_TIMER,
    render_cron,
    render_plist,
    render_task,
    render_units,
)
from agent.files.paths import resolve_paths
from agent.store.lock import RunLock

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
OTHER_HOME = Path("/nonexistent-home")

EXAMPLE_HOME = Path("/home/you")  # scripts/ holds the files rendered for this home
EXAMPLE_EXECUTABLE = EXAMPLE_HOME / ".local" / "bin" / "followup"


def executable(folder: Path) -> Path:
    """A real executable file named followup."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "followup"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return exe


def lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_static_scripts_equal_the_rendering_of_the_example_path() -> None:
    rendered = render_units(EXAMPLE_EXECUTABLE, {}, home=EXAMPLE_HOME)
    rendered[CRON] = render_cron(EXAMPLE_EXECUTABLE, {}, home=EXAMPLE_HOME)
    assert sorted(rendered) == sorted([SERVICE, TICK_SERVICE, TICK_TIMER, CRON])
    for name, text in rendered.items():
        assert (SCRIPTS / name).read_text() == text, f"scripts/{name} drifted from render_units"
    assert "ExecStart=%h/.local/bin/followup run" in rendered[SERVICE]
    assert lines_starting(rendered[CRON], "*/5") == [
        "*/5 * * * * umask 077 && mkdir -p ~/.cache/followup && "
        "$HOME/.local/bin/followup tick >> ~/.cache/followup/followup.log 2>&1"
    ]


def test_units_carry_the_exact_executable_path(tmp_path: Path) -> None:
    exe = tmp_path / "venv" / "bin" / "followup"
    units = render_units(exe, {}, home=OTHER_HOME)
    assert lines_starting(units[SERVICE], "ExecStart=") == [f"ExecStart={exe} run"]
    assert lines_starting(units[TICK_SERVICE], "ExecStart=") == [f"ExecStart={exe} tick"]
    service = units[SERVICE]
    for line in ("Type=simple", "Restart=on-failure", "RestartSec=30",
                 "Environment=PYTHONUNBUFFERED=1", "NoNewPrivileges=yes",
                 "WantedBy=default.target", "RestartPreventExitStatus=3 4 6 7"):
        assert line in service.splitlines()
    assert "Type=oneshot" in units[TICK_SERVICE].splitlines()
    timer = units[TICK_TIMER].splitlines()
    assert {"OnCalendar=*:0/5", "Persistent=true", "WantedBy=timers.target"} <= set(timer)
    cron = render_cron(exe, {}, home=OTHER_HOME)
    assert f"&& {exe} tick >> " in cron


def test_paths_under_home_are_home_relative(tmp_path: Path) -> None:
    home = tmp_path / "home"
    exe = home / "code" / ".venv" / "bin" / "followup"
    assert "ExecStart=%h/code/.venv/bin/followup run" in render_units(exe, {}, home=home)[SERVICE]
    assert " $HOME/code/.venv/bin/followup tick " in render_cron(exe, {}, home=home)


def test_followup_home_and_config_are_passed_through(tmp_path: Path) -> None:
    exe = tmp_path / "bin" / "followup"
    env = {
        "FOLLOWUP_HOME": "/data/job search",
        "FOLLOWUP_NOW": "2030-01-01T00:00:00+00:00",  # a test clock must never reach a service
        "FOLLOWUP_GOOGLE_ENDPOINT": "http://127.0.0.1:9",
        "PATH": "/usr/bin",
    }
    units = render_units(exe, env, config_file=Path("/etc/followup.toml"), home=OTHER_HOME)
    for name in (SERVICE, TICK_SERVICE):
        text = units[name]
        assert 'Environment="FOLLOWUP_HOME=/data/job search"' in text.splitlines()
        assert "FOLLOWUP_NOW" not in text
        assert "FOLLOWUP_GOOGLE_ENDPOINT" not in text
        assert "PATH" not in text
    assert f"ExecStart={exe} --config /etc/followup.toml run" in units[SERVICE]
    cron = render_cron(exe, env, config_file=Path("/etc/followup.toml"), home=OTHER_HOME)
    assert (
        "*/5 * * * * umask 077 && mkdir -p ~/.cache/followup && "
        f"FOLLOWUP_HOME='/data/job search' {exe} --config /etc/followup.toml tick" in cron
    )
    assert "FOLLOWUP_NOW" not in cron


def test_awkward_paths_are_quoted_and_escaped(tmp_path: Path) -> None:
    exe = Path("/opt/my tools/100%/followup")
    units = render_units(exe, {"FOLLOWUP_HOME": "/d/50%"}, home=OTHER_HOME)
    assert 'ExecStart="/opt/my tools/100%%/followup" run' in units[SERVICE]
    assert "Environment=FOLLOWUP_HOME=/d/50%%" in units[SERVICE]
    cron = render_cron(exe, {}, home=OTHER_HOME)
    assert "'/opt/my tools/100\\%/followup' tick" in cron


def _verify(files: list[Path], home: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
           "SYSTEMD_LOG_LEVEL": "warning"}
    return subprocess.run(
        ["systemd-analyze", "--user", "verify", *map(str, files)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@needs_analyze
def test_systemd_analyze_accepts_rendered_units(tmp_path: Path) -> None:
    exe = executable(tmp_path / "my tools" / "100%")
    folder = tmp_path / "units"
    folder.mkdir()
    units = render_units(exe, {"FOLLOWUP_HOME": "/data/job search"},
                         config_file=Path("/etc/followup.toml"), home=OTHER_HOME)
    for name, text in units.items():
        (folder / name).write_text(text)
    result = _verify([folder / name for name in units], tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr
    assert "not executable" not in result.stderr


@needs_analyze
def test_systemd_analyze_accepts_the_static_units(tmp_path: Path) -> None:
    home = tmp_path / "home"
    executable(home / ".local" / "bin")  # what %h/.local/bin/followup points at
    folder = tmp_path / "units"
    folder.mkdir()
    for name in (SERVICE, TICK_SERVICE, TICK_TIMER):
        shutil.copy(SCRIPTS / name, folder / name)
    result = _verify([folder / SERVICE, folder / TICK_SERVICE, folder / TICK_TIMER],
                     home, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr


@needs_analyze
def test_systemd_analyze_catches_a_missing_executable(tmp_path: Path) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / SERVICE).write_text(render_units(tmp_path / "nope" / "followup", {},
                                               home=OTHER_HOME)[SERVICE])
    result = _verify([folder / SERVICE], tmp_path, tmp_path)
    assert result.returncode != 0  # so the passing checks above mean something


def run_cron_line(line: str, home: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    """The command part of a crontab line, run as cron would: sh, a bare PATH, umask 022."""
    command = line.split(" ", 5)[5]
    return subprocess.run(
        ["/bin/sh", "-c", f"umask 022; {command}"], env={"HOME": str(home), "PATH": str(bin_dir)},
        capture_output=True, text=True, timeout=30, check=False,
    )


@pytest.mark.skipif(os.name == "nt", reason="cron lines run under a POSIX sh")
def test_the_cron_line_needs_no_flock_and_keeps_its_log_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    exe = tmp_path / "bin" / "followup"
    exe.parent.mkdir()
    exe.write_text('#!/bin/sh\necho "ran $*"\n')
    exe.chmod(0o755)
    bare = tmp_path / "bare-bin"  # mkdir and nothing else: no flock, as on macOS
    bare.mkdir()
    (bare / "mkdir").symlink_to(shutil.which("mkdir") or "/bin/mkdir")
    [line] = lines_starting(render_cron(exe, {}, home=OTHER_HOME), "*/5")
    assert "flock" not in line
    for _ in range(2):
        done = run_cron_line(line, home, bare)
        assert done.returncode == 0, done.stderr
    log = home / ".cache" / "followup" / "followup.log"
    assert log.read_text() == "ran tick\nran tick\n"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="cron lines run under a POSIX sh")
def test_a_pass_while_another_runs_exits_0_so_cron_needs_no_flock(tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "followup"
    home.mkdir()
    exe = tmp_path / "bin" / "followup"
    exe.parent.mkdir()
    repo = Path(__file__).resolve().parents[2]
    exe.write_text(f'#!/bin/sh\nPYTHONPATH={repo} exec {sys.executable} -m agent.cli.main "$@"\n')
    exe.chmod(0o755)
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    (bare / "mkdir").symlink_to(shutil.which("mkdir") or "/bin/mkdir")
    [line] = lines_starting(render_cron(exe, {"FOLLOWUP_HOME": str(data)}, home=OTHER_HOME), "*/5")
    with RunLock(resolve_paths(None, {"FOLLOWUP_HOME": str(data)}).lock_file):
        done = run_cron_line(line, home, bare)
    assert done.returncode == 0, done.stderr
    log = home / ".cache" / "followup" / "followup.log"
    assert log.read_text() == f"another followup run is active (pid {os.getpid()}); nothing to do\n"


def test_the_launchd_agent_runs_followup_from_login_and_logs_privately(tmp_path: Path) -> None:
    exe = Path("/Users/you/.local/bin/followup")
    log = Path("/Users/you/Library/Logs/followup/followup.log")
    env = {"FOLLOWUP_HOME": "/Users/you/job search", "FOLLOWUP_NOW": "2030-01-01T00:00:00+00:00"}
    agent = plistlib.loads(render_plist(exe, env, log_file=log).encode())
    assert agent["Label"] == "io.github.interview-followup"
    assert agent["ProgramArguments"] == [str(exe), "run"]
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] is True
    assert agent["StandardOutPath"] == agent["StandardErrorPath"] == str(log)
    assert agent["Umask"] == 0o077
    assert agent["EnvironmentVariables"] == {
        "PYTHONUNBUFFERED": "1", "FOLLOWUP_HOME": "/Users/you/job search",
    }
    configured = plistlib.loads(
        render_plist(exe, {}, log_file=log, config_file=Path("/etc/f u.toml")).encode()
    )
    assert configured["ProgramArguments"] == [str(exe), "--config", "/etc/f u.toml", "run"]


TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
# Task Scheduler schema 1.2: the elements each part may hold (settingsType, principalType, ...).
SCHEMA = {
    "Task": {"RegistrationInfo", "Triggers", "Settings", "Data", "Principals", "Actions"},
    "Settings": {
        "AllowStartOnDemand", "RestartOnFailure", "MultipleInstancesPolicy",
        "DisallowStartIfOnBatteries", "StopIfGoingOnBatteries", "AllowHardTerminate",
        "StartWhenAvailable", "NetworkProfileName", "RunOnlyIfNetworkAvailable", "WakeToRun",
        "Enabled", "Hidden", "DeleteExpiredTaskAfter", "IdleSettings", "NetworkSettings",
        "ExecutionTimeLimit", "Priority", "RunOnlyIfIdle", "UseUnifiedSchedulingEngine",
        "DisallowStartOnRemoteAppSession",
    },
    "Principal": {"UserId", "LogonType", "GroupId", "DisplayName", "RunLevel",
                  "ProcessTokenSidType", "RequiredPrivileges"},
    "LogonTrigger": {"Enabled", "StartBoundary", "EndBoundary", "Repetition",
                     "ExecutionTimeLimit", "UserId", "Delay"},
    "Exec": {"Command", "Arguments", "WorkingDirectory"},
    "RestartOnFailure": {"Interval", "Count"},
}


def parsed_task(xml: str) -> ET.Element:
    """The task XML as schtasks reads it: UTF-16 bytes with a byte-order mark."""
    return ET.fromstring(xml.encode("utf-16"))


def test_the_task_runs_followupw_at_log_on_hidden_with_no_time_limit() -> None:
    windowless = Path(r"C:\Users\you\.local\bin\followupw.exe")
    root = parsed_task(render_task(windowless, r"PC\you & co"))
    assert root.tag == f"{TASK}Task" and root.get("version") == "1.2"
    for element in root.iter():
        name = element.tag.removeprefix(TASK)
        children = {child.tag.removeprefix(TASK) for child in element}
        assert children <= SCHEMA.get(name, children), name
    assert root.findtext(f"{TASK}Triggers/{TASK}LogonTrigger/{TASK}UserId") == r"PC\you & co"
    principal = root.find(f"{TASK}Principals/{TASK}Principal")
    assert principal is not None
    assert principal.findtext(f"{TASK}LogonType") == "InteractiveToken"
    settings = root.find(f"{TASK}Settings")
    assert settings is not None
    assert settings.findtext(f"{TASK}Hidden") == "true"
    assert settings.findtext(f"{TASK}ExecutionTimeLimit") == "PT0S"  # no time limit
    assert settings.findtext(f"{TASK}DisallowStartIfOnBatteries") == "false"
    assert settings.findtext(f"{TASK}RestartOnFailure/{TASK}Interval") == "PT1M"
    assert settings.findtext(f"{TASK}RestartOnFailure/{TASK}Count") == "3"
    [action] = root.findall(f"{TASK}Actions/{TASK}Exec")
    assert action.findtext(f"{TASK}Command") == str(windowless)
    assert action.findtext(f"{TASK}Arguments") == "run"


def test_the_task_quotes_a_config_path_for_the_windows_command_line() -> None:
    root = parsed_task(render_task(Path(r"C:\f\followupw.exe"), "you",
                                   config_file=Path(r"C:\My Files\f.toml")))
    arguments = root.findtext(f"{TASK}Actions/{TASK}Exec/{TASK}Arguments")
    assert arguments == r'--config "C:\My Files\f.toml" run'
