"""`followup service install|uninstall|status` and doctor's service line, through the CLI.

systemctl, launchctl and schtasks are stand-ins put first on PATH: each records its arguments
and keeps what a service manager would know (loaded, running, the task) in a JSON file.
"""

from __future__ import annotations

import json
import os
import plistlib
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agent.cli.main import main

pytestmark = pytest.mark.skipif(
    os.name == "nt", reason="Windows runs its own schtasks before any on PATH"
)

STANDIN = '''#!{python}
"""A stand-in service manager: records its arguments, keeps its state in state.json."""
import json, os, shutil, sys
from pathlib import Path

here = Path(__file__).parent
tool, args = Path(sys.argv[0]).name, sys.argv[1:]
with open(here / "calls.log", "a") as log:
    log.write(" ".join([tool, *args]) + "\\n")
fail = os.environ.get("STANDIN_FAIL", "")
if fail and fail.split("=", 1)[0] in " ".join(args):
    sys.exit(print(fail.split("=", 1)[1], file=sys.stderr) or 1)
state_file = here / "state.json"
state = json.loads(state_file.read_text()) if state_file.exists() else {{}}
code = 0
if tool == "systemctl":
    verb, units = args[1], args[2:]
    if verb == "enable":
        state.update({{u + ":enabled": True for u in units}})
    elif verb == "restart":
        state.update({{u + ":active": True for u in units}})
    elif verb == "disable":
        state.update({{u + ":" + k: False for u in units for k in ("enabled", "active")}})
    elif verb == "is-active":
        active = [state.get(u + ":active", False) for u in units]
        print("\\n".join("active" if a else "inactive" for a in active))
        code = 0 if all(active) else 3
elif tool == "launchctl":
    if args[0] == "print" and not state.get("loaded"):
        code = print("Could not find service", file=sys.stderr) or 113
    elif args[0] == "print":
        print(args[1] + " = {{\\n\\tactive count = 1\\n\\tstate = running\\n}}")
    elif args[0] == "bootstrap":
        state["loaded"] = args[1:]
        shutil.copy(args[2], here / "loaded.plist")
    elif args[0] == "bootout":
        state["loaded"] = None
elif tool == "schtasks":
    verb = args[0]
    if verb == "/Query" and "task" not in state:
        code = print("ERROR: The system cannot find the file specified.", file=sys.stderr) or 1
    elif verb == "/Query":
        running = "267009" if state["task"] == "Running" else "0"
        print(",".join('"' + c + '"' for c in [
            "PC", "\\\\followup", "N/A", state["task"], "Interactive only", "N/A", running]))
    elif verb == "/Create":
        shutil.copy(args[2], here / "task.xml")
        state["task"] = "Ready"
    elif verb == "/Run":
        state["task"] = "Running"
    elif verb == "/End" and state.get("task") != "Running":
        code = print("ERROR: The task is not running.", file=sys.stderr) or 1
    elif verb == "/End":
        state["task"] = "Ready"
    elif verb == "/Delete":
        del state["task"]
state_file.write_text(json.dumps(state))
sys.exit(code)
'''


class Machine:
    """A home folder, stand-in service tools first on PATH, and `followup` run through the CLI."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.home = tmp_path / "home"
        self.bin = tmp_path / "bin"
        self.bin.mkdir(parents=True)
        self.home.mkdir()
        for tool in ("systemctl", "launchctl", "schtasks", "followup", "followupw"):
            script = self.bin / tool
            script.write_text(STANDIN.format(python=sys.executable))
            script.chmod(0o755)
        self.executable = self.bin / "followup"
        monkeypatch.setenv("PATH", f"{self.bin}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
        monkeypatch.setenv("FOLLOWUP_HOME", str(tmp_path / "followup"))
        monkeypatch.delenv("STANDIN_FAIL", raising=False)

    def cli(self, *args: str, expect: int = 0) -> Result:
        """Run `followup ARGS`; check the exit code."""
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result

    def calls(self) -> list[str]:
        """The stand-ins' calls since the last time this was asked."""
        log = self.bin / "calls.log"
        lines = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return lines


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machine:
    return Machine(tmp_path, monkeypatch)


def test_systemd_install_reinstall_status_uninstall(machine: Machine) -> None:
    units = machine.home / ".config" / "systemd" / "user"
    status = machine.cli("service", "status", "--system", "systemd").output
    assert status.splitlines()[0] == (
        f"systemd: not installed ({units / 'followup.service'} is missing)"
    )
    out = machine.cli("service", "install", "--system", "systemd").output
    assert f"wrote {units / 'followup.service'}" in out
    assert "logs: journalctl --user -u followup -f" in out
    assert f"ExecStart={machine.executable} run" in (units / "followup.service").read_text()
    installing = [
        "systemctl --user daemon-reload",
        "systemctl --user enable followup.service",
        "systemctl --user restart followup.service",
    ]
    assert machine.calls() == installing
    status = machine.cli("service", "status", "--system", "systemd").output
    assert status.splitlines() == [
        "systemd: running (followup.service active, followup-tick.timer inactive); "
        f"{units / 'followup.service'}",
        "logs: journalctl --user -u followup -f",
    ]
    assert machine.calls() == [
        "systemctl --user is-active followup.service followup-tick.timer"
    ]
    machine.cli("service", "install", "--system", "systemd")
    assert machine.calls() == installing  # the restart puts the new unit to work
    out = machine.cli("service", "uninstall", "--system", "systemd").output
    assert machine.calls() == [
        "systemctl --user disable --now followup.service followup-tick.timer",
        "systemctl --user daemon-reload",
    ]
    assert f"removed {units / 'followup-tick.timer'}" in out
    assert list(units.iterdir()) == []
    assert machine.cli("service", "uninstall", "--system", "systemd").output == (
        f"not installed: no followup units in {units}\n"
    )


def test_systemd_failing_or_missing(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANDIN_FAIL", "daemon-reload=Failed to connect to bus: No medium found")
    out = machine.cli("service", "install", "--system", "systemd", expect=9).output
    assert "`systemctl --user daemon-reload` failed: Failed to connect to bus" in out
    assert "loginctl enable-linger" in out
    assert machine.calls() == ["systemctl --user daemon-reload"]
    (machine.bin / "systemctl").unlink()
    monkeypatch.setenv("PATH", str(machine.bin))  # and no real one either
    out = machine.cli("service", "install", "--system", "systemd", expect=9).output
    assert "`systemctl` not found: this machine does not run systemd" in out
    assert "crontab -e" in out


def test_launchd_install_reinstall_status_uninstall(machine: Machine) -> None:
    plist = machine.home / "Library" / "LaunchAgents" / "io.github.interview-followup.plist"
    logs = machine.home / "Library" / "Logs" / "followup"
    target = f"gui/{os.getuid()}/io.github.interview-followup"
    assert machine.cli("service", "status", "--system", "launchd").output.splitlines()[0] == (
        f"launchd: not installed ({plist} is missing)"
    )
    machine.calls()
    out = machine.cli("service", "install", "--system", "launchd").output
    assert machine.calls() == [
        f"launchctl print {target}",
        f"launchctl bootstrap gui/{os.getuid()} {plist}",
    ]
    assert f"logs: tail -f {logs / 'followup.log'}" in out
    agent = plistlib.loads(plist.read_bytes())
    assert agent["ProgramArguments"] == [str(machine.executable), "run"]
    assert (machine.bin / "loaded.plist").read_bytes() == plist.read_bytes()
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    assert stat.S_IMODE((logs / "followup.log").stat().st_mode) == 0o600
    assert machine.cli("service", "status", "--system", "launchd").output.splitlines() == [
        f"launchd: running (loaded, state = running); {plist}",
        f"logs: {logs / 'followup.log'}",
    ]
    machine.calls()
    out = machine.cli("service", "install", "--system", "launchd").output
    assert machine.calls() == [
        f"launchctl print {target}",
        f"launchctl bootout {target}",
        f"launchctl bootstrap gui/{os.getuid()} {plist}",
    ]
    assert "stopped the agent loaded before (io.github.interview-followup)" in out
    out = machine.cli("service", "uninstall", "--system", "launchd").output
    assert machine.calls() == [f"launchctl print {target}", f"launchctl bootout {target}"]
    assert out == f"stopped and unloaded io.github.interview-followup\nremoved {plist}\n"
    assert not plist.exists()
    assert machine.cli("service", "status", "--system", "launchd").output.splitlines()[0] == (
        f"launchd: not installed ({plist} is missing)"
    )


def test_schtasks_install_reinstall_status_uninstall(machine: Machine) -> None:
    task = "Task Scheduler task \\followup"
    assert machine.cli("service", "status", "--system", "schtasks").output.splitlines()[0] == (
        f"schtasks: not installed ({task} is missing)"
    )
    machine.calls()
    out = machine.cli("service", "install", "--system", "schtasks").output
    calls = machine.calls()
    assert calls[0] == "schtasks /Query /TN followup /FO CSV /NH /V"
    assert calls[1].startswith("schtasks /Create /XML ") and calls[1].endswith(
        "followup-task.xml /TN followup /F"
    )
    assert calls[2:] == ["schtasks /Run /TN followup"]
    assert f"registered and started {task}; it starts again at each log-on, hidden" in out
    root = ET.fromstring((machine.bin / "task.xml").read_bytes())  # UTF-16, as schtasks reads it
    ns = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
    assert root.findtext(f"{ns}Actions/{ns}Exec/{ns}Command") == str(machine.bin / "followupw")
    assert root.findtext(f"{ns}Actions/{ns}Exec/{ns}Arguments") == "run"
    status = machine.cli("service", "status", "--system", "schtasks").output.splitlines()
    assert status[0] == f"schtasks: running (status Running); {task}"
    machine.calls()
    out = machine.cli("service", "install", "--system", "schtasks").output
    assert f"stopped the running {task}" in out
    calls = machine.calls()
    assert calls[:2] == [
        "schtasks /Query /TN followup /FO CSV /NH /V", "schtasks /End /TN followup",
    ]
    assert calls[2].startswith("schtasks /Create /XML ")
    assert calls[3] == "schtasks /Run /TN followup"
    (machine.bin / "state.json").write_text(json.dumps({"task": "Ready"}))  # it stopped
    status = machine.cli("service", "status", "--system", "schtasks").output.splitlines()
    assert status[0] == f"schtasks: installed but not running (status Ready); {task}"
    machine.calls()
    out = machine.cli("service", "uninstall", "--system", "schtasks").output
    assert machine.calls() == [
        "schtasks /Query /TN followup /FO CSV /NH /V",
        "schtasks /End /TN followup",  # fails (not running): nothing to stop
        "schtasks /Delete /TN followup /F",
    ]
    assert out == f"deleted {task}\n"
    assert machine.cli("service", "uninstall", "--system", "schtasks").output == (
        f"not installed: no {task}\n"
    )


@pytest.mark.parametrize(
    ("system", "shows"),
    [("systemd", "ExecStart="), ("launchd", "<key>RunAtLoad</key>"), ("schtasks", "<Hidden>")],
)
def test_print_shows_the_files_and_changes_nothing(
    machine: Machine, system: str, shows: str
) -> None:
    out = machine.cli("service", "install", "--print", "--system", system).output
    assert shows in out
    assert machine.calls() == []
    assert list(machine.home.iterdir()) == []


def test_the_default_system_is_this_computers(machine: Machine) -> None:
    expected = {"darwin": "launchd", "win32": "schtasks"}.get(sys.platform, "systemd")
    assert machine.cli("service", "status").output.startswith(f"{expected}: not installed")
    help_text = machine.cli("service", "status", "--help").output
    assert "--system [systemd|launchd|schtasks]" in help_text


def test_doctor_warns_until_the_service_runs(machine: Machine) -> None:
    def service_line() -> str:
        out = CliRunner().invoke(main, ["doctor"], catch_exceptions=False).output
        [line] = [line for line in out.splitlines() if line.split()[1:2] == ["service"]]
        return " ".join(line.split())

    expected = {"darwin": "launchd", "win32": "schtasks"}.get(sys.platform, "systemd")
    assert service_line().startswith(f"WARN service {expected}: not installed")
    machine.cli("service", "install")
    assert service_line().startswith(f"OK service {expected}: running (")
    (machine.bin / "state.json").write_text(json.dumps({}))  # stopped behind followup's back
    assert service_line().startswith(f"WARN service {expected}: installed but not running (")
