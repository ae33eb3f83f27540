"""agent.cli.service: unit and cron rendering, systemd-analyze verify, install (fake systemctl)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from agent.cli.service_files import (
    CRON,
    EXAMPLE_EXECUTABLE,
    EXAMPLE_HOME,
    SERVICE,
    TICK_SERVICE,
    TICK_TIMER,
    ServiceError,
    current_executable,
    default_unit_dir,
    install_units,
    render_cron,
    render_units,
)

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
OTHER_HOME = Path("/nonexistent-home")


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
        "*/5 * * * * mkdir -p ~/.cache && flock -n ~/.cache/followup-cron.lock "
        "$HOME/.local/bin/followup tick >> ~/.cache/followup.log 2>&1"
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
    assert f"flock -n ~/.cache/followup-cron.lock {exe} tick" in cron


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
        f"*/5 * * * * mkdir -p ~/.cache && FOLLOWUP_HOME='/data/job search' flock -n "
        "~/.cache/followup-cron.lock "
        f"{exe} --config /etc/followup.toml tick" in cron
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


def fake_systemctl(tmp_path: Path, *, exit_code: int = 0, stderr: str = "") -> Path:
    """A systemctl stand-in that appends its argv to calls.log."""
    log = tmp_path / "calls.log"
    script = tmp_path / "systemctl"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" >> "{log}"\n'
        f'printf "%s" "{stderr}" >&2\n'
        f"exit {exit_code}\n"
    )
    script.chmod(0o755)
    return script


def test_install_writes_units_and_enables_the_service(tmp_path: Path) -> None:
    fake = fake_systemctl(tmp_path)
    unit_dir = tmp_path / "config" / "systemd" / "user"
    units = render_units(tmp_path / "bin" / "followup", {}, home=OTHER_HOME)
    lines = install_units(unit_dir, units, systemctl=(str(fake), "--user"))
    for name, text in units.items():
        assert (unit_dir / name).read_text() == text
    assert (tmp_path / "calls.log").read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now followup.service",
    ]
    assert f"wrote {unit_dir / SERVICE}" in lines
    assert "logs: journalctl --user -u followup -f" in lines
    assert any("loginctl enable-linger" in line for line in lines)


def test_install_without_systemctl_points_to_cron(tmp_path: Path) -> None:
    units = render_units(tmp_path / "bin" / "followup", {}, home=OTHER_HOME)
    with pytest.raises(ServiceError) as err:
        install_units(tmp_path / "units", units, systemctl=(str(tmp_path / "no-systemctl"),))
    assert err.value.exit_code == 9
    assert "does not run systemd" in str(err.value)
    assert "crontab -e" in str(err.value)
    assert (tmp_path / "units" / SERVICE).exists()


def test_install_reports_a_failing_systemctl(tmp_path: Path) -> None:
    fake = fake_systemctl(tmp_path, exit_code=1,
                          stderr="Failed to connect to bus: No medium found")
    units = render_units(tmp_path / "bin" / "followup", {}, home=OTHER_HOME)
    with pytest.raises(ServiceError) as err:
        install_units(tmp_path / "units", units, systemctl=(str(fake), "--user"))
    message = str(err.value)
    assert "daemon-reload` failed: Failed to connect to bus: No medium found" in message
    assert "loginctl enable-linger" in message
    assert (tmp_path / "calls.log").read_text().splitlines() == ["--user daemon-reload"]


def test_default_unit_dir_and_executable(tmp_path: Path) -> None:
    assert default_unit_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "systemd" / "user"
    assert default_unit_dir({}) == Path.home() / ".config" / "systemd" / "user"
    exe = executable(tmp_path / "bin")
    assert current_executable(str(exe)) == exe


def test_the_cron_line_runs_on_a_home_without_cache(tmp_path: Path) -> None:
    import subprocess

    home = tmp_path / "home"
    home.mkdir()
    exe = tmp_path / "bin" / "followup"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\necho \"ran $*\"\n")
    exe.chmod(0o755)
    [line] = lines_starting(render_cron(exe, {}, home=OTHER_HOME), "*/5")
    command = line.split(" ", 5)[5]
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert (home / ".cache" / "followup.log").read_text() == "ran tick\n"
