"""`followup service`: install, remove and ask systemd, launchd or Task Scheduler (on PATH)."""

from __future__ import annotations

import csv
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click

from agent.cli.options import Obj
from agent.cli.service_files import (
    CRON,
    LAUNCHD_LABEL,
    LOGS,
    SERVICE,
    TASK_NAME,
    TICK_SERVICE,
    TICK_TIMER,
    launchd_log,
    launchd_plist,
    private_log,
    render_cron,
    render_plist,
    render_task,
    render_units,
    task_user,
    this_system,
    unit_folder,
    windowless_log,
)
from agent.core.errors import FollowupError

log = logging.getLogger(__name__)

SYSTEMCTL = ("systemctl", "--user")
RUNNING_RESULT = "267009"  # SCHED_S_TASK_RUNNING (0x41301), the last result of a running task


class ServiceError(FollowupError):
    """The service could not be installed, removed or asked (its tool missing or failing)."""

    exit_code = 9


@dataclass(frozen=True)
class Invocation:
    """What a service runs: the followup executable, the environment to keep, --config."""

    executable: Path
    env: Mapping[str, str]
    config: Path | None = None


@dataclass(frozen=True)
class ServiceState:
    """What the service manager says about followup's service."""

    system: str
    installed: bool
    running: bool
    where: str  # the file (or task) that defines it
    detail: str = ""  # the manager's own words about it

    def describe(self) -> str:
        """One line: installed or not, running or not, and where."""
        if not self.installed:
            return f"{self.system}: not installed ({self.where} is missing)"
        if not self.running:
            return f"{self.system}: installed but not running ({self.detail}); {self.where}"
        return f"{self.system}: running ({self.detail}); {self.where}"


def current_executable() -> Path:
    """The absolute path of the running `followup` command (argv[0], else PATH)."""
    candidate = Path(sys.argv[0])
    for path in (candidate, candidate.with_name(candidate.name + ".exe")):
        if path.name in ("followup", "followup.exe") and path.is_file():
            return path.absolute()
    found = shutil.which("followup")
    if found:
        return Path(found).absolute()
    raise ServiceError("cannot find the `followup` executable; install the package first")


MISSING = {
    "systemctl": "this machine does not run systemd; use cron instead "
    "(add the line from scripts/followup.cron with `crontab -e`)",
    "launchctl": "launchd agents are for macOS",
    "schtasks": "Task Scheduler tasks are for Windows",
}


def _failure(cmd: list[str], result: subprocess.CompletedProcess[str]) -> ServiceError:
    """The error for a command that failed, with its first line of output and a way forward."""
    detail = (result.stderr or result.stdout or "").strip().splitlines()
    first = detail[0] if detail else f"exit status {result.returncode}"
    hint = ""
    if "bus" in first.lower():
        hint = (
            "; no systemd user session here (ssh or container?): log in normally, or run "
            "`loginctl enable-linger $USER`, or use cron (scripts/followup.cron)"
        )
    return ServiceError(f"`{shlex.join(cmd)}` failed: {first}{hint}")


def _run(cmd: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one service-manager command; a missing tool or (with check) a failure: ServiceError."""
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ServiceError(f"`{cmd[0]}` not found: {MISSING[cmd[0]]}") from None
    except PermissionError:
        raise ServiceError(f"cannot run `{cmd[0]}` (permission denied)") from None
    if check and result.returncode != 0:
        raise _failure(cmd, result)
    log.info("ran %s", shlex.join(cmd))
    return result


def _write(path: Path, text: str) -> None:
    """Write one service file, making its folder if needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"cannot write {path} ({exc.strerror})") from None


class Systemd:
    """User units in ~/.config/systemd/user, through `systemctl --user`."""

    name = "systemd"

    def logs(self) -> str:
        """Where the daemon's output goes."""
        return LOGS

    def files(self, cmd: Invocation) -> dict[str, str]:
        """The three units by path, and the cron line for machines without systemd."""
        units = render_units(cmd.executable, cmd.env, config_file=cmd.config)
        shown = {str(unit_folder() / name): text for name, text in units.items()}
        cron = render_cron(cmd.executable, cmd.env, config_file=cmd.config)
        return {**shown, f"or, with cron instead (crontab -e; also in scripts/{CRON})": cron}

    def install(self, cmd: Invocation) -> list[str]:
        """Write the units, reload, enable and (re)start followup.service."""
        lines = []
        for name, text in render_units(cmd.executable, cmd.env, config_file=cmd.config).items():
            _write(unit_folder() / name, text)
            lines.append(f"wrote {unit_folder() / name}")
        for verb in (["daemon-reload"], ["enable", SERVICE], ["restart", SERVICE]):
            _run([*SYSTEMCTL, *verb])
        return [
            *lines,
            f"enabled and started {SERVICE}; it starts again at each login",
            "to keep it running while you are logged out: loginctl enable-linger $USER",
            "status: followup service status (or systemctl --user status followup)",
            f"logs: {LOGS}",
        ]

    def uninstall(self) -> list[str]:
        """Stop and disable what runs, remove the units, reload."""
        present = [n for n in (SERVICE, TICK_SERVICE, TICK_TIMER) if (unit_folder() / n).exists()]
        if not present:
            return [f"not installed: no followup units in {unit_folder()}"]
        startable = [n for n in present if n != TICK_SERVICE]
        if startable:
            _run([*SYSTEMCTL, "disable", "--now", *startable])
        for name in present:
            (unit_folder() / name).unlink()
        _run([*SYSTEMCTL, "daemon-reload"])
        return [f"stopped and disabled {', '.join(startable) or 'nothing'}"] + [
            f"removed {unit_folder() / name}" for name in present
        ]

    def state(self) -> ServiceState:
        """Installed: followup.service exists; running: it (or the tick timer) is active."""
        where = unit_folder() / SERVICE
        if not where.exists():
            return ServiceState(self.name, False, False, str(where))
        units = [SERVICE, TICK_TIMER]
        cmd = [*SYSTEMCTL, "is-active", *units]
        result = _run(cmd, check=False)
        states = result.stdout.split()
        if len(states) != len(units):
            raise _failure(cmd, result)
        detail = ", ".join(f"{unit} {state}" for unit, state in zip(units, states, strict=True))
        return ServiceState(self.name, True, "active" in states, str(where), detail)


class Launchd:
    """A launchd agent in ~/Library/LaunchAgents, through launchctl in the gui/<uid> domain."""

    name = "launchd"
    logs = staticmethod(launchd_log)

    def domain(self, *, agent: bool = False) -> str:
        """The user's GUI domain, gui/<uid>, or (agent) followup's agent in it."""
        if not hasattr(os, "getuid"):  # Windows
            raise ServiceError(f"`launchctl` not found: {MISSING['launchctl']}")
        return f"gui/{os.getuid()}" + (f"/{LAUNCHD_LABEL}" if agent else "")

    def files(self, cmd: Invocation) -> dict[str, str]:
        """The agent's plist by path."""
        text = render_plist(cmd.executable, cmd.env, log_file=launchd_log(),
                            config_file=cmd.config)
        return {str(launchd_plist()): text}

    def _print(self) -> subprocess.CompletedProcess[str]:
        """`launchctl print` of the agent: exit 0 when loaded."""
        return _run(["launchctl", "print", self.domain(agent=True)], check=False)

    def install(self, cmd: Invocation) -> list[str]:
        """Write the plist and a private log folder, boot out a loaded agent, bootstrap."""
        plist = launchd_plist()
        private_log(launchd_log()).close()  # launchd appends to it
        _write(plist, self.files(cmd)[str(plist)])
        lines = [f"wrote {plist}"]
        if self._print().returncode == 0:
            _run(["launchctl", "bootout", self.domain(agent=True)])
            lines.append(f"stopped the agent loaded before ({LAUNCHD_LABEL})")
        _run(["launchctl", "bootstrap", self.domain(), str(plist)])
        return [
            *lines,
            f"loaded and started {LAUNCHD_LABEL}; it starts again at each login",
            "status: followup service status",
            f"logs: tail -f {launchd_log()}",
        ]

    def uninstall(self) -> list[str]:
        """Boot the agent out if loaded, remove its plist."""
        plist, loaded = launchd_plist(), self._print().returncode == 0
        if not loaded and not plist.exists():
            return [f"not installed: no {plist}"]
        lines = []
        if loaded:
            _run(["launchctl", "bootout", self.domain(agent=True)])
            lines.append(f"stopped and unloaded {LAUNCHD_LABEL}")
        if plist.exists():
            plist.unlink()
            lines.append(f"removed {plist}")
        return lines

    def state(self) -> ServiceState:
        """Installed: the plist exists; running: launchctl print says state = running."""
        printed, plist = self._print(), launchd_plist()
        found = re.search(r"^\s*state = (.+)$", printed.stdout, re.MULTILINE)
        state = found.group(1).strip() if found else "unknown"
        detail = f"loaded, state = {state}" if printed.returncode == 0 else "not loaded"
        running = detail == "loaded, state = running"
        return ServiceState(self.name, plist.exists(), running, str(plist), detail)


class TaskScheduler:
    """A Task Scheduler task named followup, through schtasks."""

    name = "schtasks"
    where = f"Task Scheduler task \\{TASK_NAME}"
    logs = staticmethod(windowless_log)

    def _xml(self, cmd: Invocation) -> str:
        """The task's XML, running followupw (no console window) beside followup."""
        windowless = cmd.executable.with_name("followupw" + cmd.executable.suffix)
        if not windowless.is_file():
            raise ServiceError(f"no {windowless.name} beside {cmd.executable}: reinstall followup")
        return render_task(windowless, task_user(), config_file=cmd.config)

    def files(self, cmd: Invocation) -> dict[str, str]:
        """The task's XML (registered with schtasks /Create /XML)."""
        return {f"{self.where} (schtasks /Create /XML)": self._xml(cmd)}

    def _query(self) -> list[str] | None:
        """The task's row from `schtasks /Query /V` (status at 3, last result at 6), or None."""
        result = _run(["schtasks", "/Query", "/TN", TASK_NAME, "/FO", "CSV", "/NH", "/V"],
                      check=False)
        rows = [row for row in csv.reader(result.stdout.splitlines()) if len(row) > 6]
        return rows[0] if result.returncode == 0 and rows else None

    def _end(self) -> bool:
        """End a running copy of the task; False when none ran (schtasks fails: nothing to do)."""
        return _run(["schtasks", "/End", "/TN", TASK_NAME], check=False).returncode == 0

    def install(self, cmd: Invocation) -> list[str]:
        """Register the task from its XML (replacing one there), end a running copy, start it."""
        xml = self._xml(cmd)
        lines = []
        if self._query() is not None and self._end():
            lines.append(f"stopped the running {self.where}")
        with tempfile.TemporaryDirectory() as folder:
            definition = Path(folder) / "followup-task.xml"
            definition.write_bytes(xml.encode("utf-16"))
            _run(["schtasks", "/Create", "/XML", str(definition), "/TN", TASK_NAME, "/F"])
        _run(["schtasks", "/Run", "/TN", TASK_NAME])
        if cmd.env.get("FOLLOWUP_HOME", "").strip():
            lines.append(
                "note: the task sees FOLLOWUP_HOME only as a user environment variable "
                "(setx FOLLOWUP_HOME ...), not as one set in this shell"
            )
        return [
            *lines,
            f"registered and started {self.where}; it starts again at each log-on, hidden",
            "status: followup service status",
            f"logs: {windowless_log()}",
        ]

    def uninstall(self) -> list[str]:
        """End the task if running and delete it."""
        if self._query() is None:
            return [f"not installed: no {self.where}"]
        ended = self._end()
        _run(["schtasks", "/Delete", "/TN", TASK_NAME, "/F"])
        return [f"{'stopped and ' if ended else ''}deleted {self.where}"]

    def state(self) -> ServiceState:
        """Installed: schtasks knows the task; running: its last result is 267009 (running)."""
        row = self._query()
        if row is None:
            return ServiceState(self.name, False, False, self.where)
        running = row[6] == RUNNING_RESULT or row[3] == "Running"  # the status is translated
        return ServiceState(self.name, True, running, self.where, f"status {row[3]}")


SYSTEMS: dict[str, Systemd | Launchd | TaskScheduler] = {
    "systemd": Systemd(),
    "launchd": Launchd(),
    "schtasks": TaskScheduler(),
}


system_option = click.option(
    "--system",
    type=click.Choice(list(SYSTEMS)),
    default=this_system,
    show_default="this computer's",
    help="The service manager: systemd (Linux), launchd (macOS) or schtasks (Windows). "
    "Another computer's can be printed here; the other commands need its tool on PATH.",
)


@click.group()
def service() -> None:
    """Run followup unattended: systemd (Linux), launchd (macOS) or Task Scheduler (Windows)."""


@service.command("install")
@click.option("--print", "print_only", is_flag=True, help="Show the files; change nothing.")
@system_option
@click.pass_obj
def install(obj: Obj, print_only: bool, system: str) -> None:
    """Install and start the service running `followup run` from each login on."""
    config = obj.checked_config()  # a --config that does not exist: exit 3 first
    cmd = Invocation(current_executable(), os.environ, config)
    if print_only:
        for where, text in SYSTEMS[system].files(cmd).items():
            click.echo(f"# --- {where}\n{text}")
        return
    for line in SYSTEMS[system].install(cmd):
        click.echo(line)


@service.command("uninstall")
@system_option
def uninstall(system: str) -> None:
    """Stop the service and remove what `service install` wrote."""
    for line in SYSTEMS[system].uninstall():
        click.echo(line)


@service.command("status")
@system_option
def status(system: str) -> None:
    """Say whether the service is installed and running, where it is, where it logs."""
    click.echo(SYSTEMS[system].state().describe())
    click.echo(f"logs: {SYSTEMS[system].logs()}")
