"""`followup service`: the files that run followup unattended (systemd units, cron, launchd,
Task Scheduler) and installing, removing and asking about them through each one's tool.

scripts/ holds the files rendered for ~/.local/bin/followup (a test keeps them equal); a path
under the home folder is written home-relative (%h, $HOME).
"""

from __future__ import annotations

import csv
import getpass
import logging
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

import click

from agent.cli.options import Obj
from agent.core.errors import FollowupError
from agent.files.paths import resolve_paths

log = logging.getLogger(__name__)

SERVICE = "followup.service"
TICK_SERVICE = "followup-tick.service"
TICK_TIMER = "followup-tick.timer"
CRON = "followup.cron"
LAUNCHD_LABEL = "io.github.interview-followup"
TASK_NAME = "followup"
PASSTHROUGH_ENV = ("FOLLOWUP_HOME",)  # never FOLLOWUP_NOW or the sandbox endpoint
LOGS = "journalctl --user -u followup -f"
CRON_LOG = "~/.cache/followup/followup.log"
SYSTEMCTL = ("systemctl", "--user")
RUNNING_RESULT = "267009"  # SCHED_S_TASK_RUNNING (0x41301), the last result of a running task
_SAFE = re.compile(r"[A-Za-z0-9_./+:@=,-]+")

HARDENING = """\
# Hardening that works in a user unit (no namespaces needed). Left out on purpose:
# PrivateTmp/ProtectSystem/ProtectHome need mount namespaces the user manager lacks, and
# MemoryDenyWriteExecute can break Python's ctypes/cffi callbacks.
UMask=0077
NoNewPrivileges=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
SystemCallArchitectures=native
"""


def _unit_escape(text: str) -> str:
    """Escape systemd specifiers and $ in an ExecStart= word."""
    return text.replace("%", "%%").replace("$", "$$")


def _systemd_quote(word: str) -> str:
    """Double-quote a word when it holds blanks, quotes, backslashes or semicolons."""
    if re.search(r"[\s\"'\\;]", word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def _passthrough(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The agent's own variables worth keeping in a service (set and non-empty)."""
    return [(key, env[key]) for key in PASSTHROUGH_ENV if env.get(key, "").strip()]


def _exec_start(executable: Path, command: str, config_file: Path | None, home: Path) -> str:
    """ExecStart= for `followup [--config FILE] COMMAND` (%h/... for an executable under home)."""
    if executable.is_relative_to(home):
        words = ["%h/" + _unit_escape(str(executable.relative_to(home)))]
    else:
        words = [_unit_escape(str(executable))]
    if config_file is not None:
        words += ["--config", _unit_escape(str(config_file))]
    return "ExecStart=" + " ".join([*map(_systemd_quote, words), command])


def _environment(env: Mapping[str, str]) -> str:
    """Environment= lines: PYTHONUNBUFFERED plus the passed-through variables."""
    lines = ["Environment=PYTHONUNBUFFERED=1"]
    for key, value in _passthrough(env):
        assignment = f"{key}={value.replace('%', '%%')}"
        lines.append("Environment=" + _systemd_quote(assignment))
    return "\n".join(lines) + "\n"


def render_units(
    executable: Path,
    env: Mapping[str, str],
    *,
    config_file: Path | None = None,
    home: Path | None = None,
) -> dict[str, str]:
    """The three systemd user units (file name -> text); paths under `home` are %h-relative."""
    home = Path.home() if home is None else home
    environment = _environment(env)
    service = (
        "# followup: interview follow-up drafts in Gmail (never sends mail); the daemon.\n"
        "# Use this OR followup-tick.timer, not both. Copy it into ~/.config/systemd/user/\n"
        "# (followup can install it for you) and run:\n"
        "#   systemctl --user daemon-reload && systemctl --user enable --now followup.service\n"
        f"# Logs: {LOGS}\n"
        "[Unit]\n"
        "Description=followup: interview follow-up drafts in Gmail\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"{_exec_start(executable, 'run', config_file, home)}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "# settings, token, template and state errors need a person: do not restart on them\n"
        "RestartPreventExitStatus=3 4 6 7\n"
        f"{environment}"
        f"{HARDENING}"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )
    tick = (
        "# followup: one pass (sync calendar and inbox, draft what is due); started by\n"
        "# followup-tick.timer. Logs: journalctl --user -u followup-tick\n"
        "[Unit]\n"
        "Description=followup: one pass over calendar and inbox\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{_exec_start(executable, 'tick', config_file, home)}\n"
        f"{environment}"
        f"{HARDENING}"
    )
    timer = (
        "# followup: run followup-tick.service every 5 minutes (instead of followup.service).\n"
        "# Enable with: systemctl --user enable --now followup-tick.timer\n"
        "[Unit]\n"
        "Description=followup: a pass every 5 minutes\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*:0/5\n"
        "# a pass missed while the machine was off or asleep runs once at the next start\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {SERVICE: service, TICK_SERVICE: tick, TICK_TIMER: timer}


def _shell_word(path: Path, home: Path) -> str:
    """A POSIX sh word for a path ($HOME/... when under home)."""
    if not path.is_relative_to(home):
        return shlex.quote(str(path))
    rel = path.relative_to(home)
    if _SAFE.fullmatch(str(rel)):
        return f"$HOME/{rel}"
    escaped = re.sub(r'(["\\$`])', r"\\\1", str(rel))
    return f'"$HOME/{escaped}"'


def render_cron(
    executable: Path,
    env: Mapping[str, str],
    *,
    config_file: Path | None = None,
    home: Path | None = None,
) -> str:
    """The crontab entry (with comments) running `followup tick` every 5 minutes."""
    home = Path.home() if home is None else home
    words = [_shell_word(executable, home)]
    if config_file is not None:
        words += ["--config", shlex.quote(str(config_file))]
    prefix = "".join(f"{key}={shlex.quote(value)} " for key, value in _passthrough(env))
    folder = CRON_LOG.rsplit("/", 1)[0]
    command = (  # umask 077: the folder (made if missing) and the log are the user's alone
        f"umask 077 && mkdir -p {folder} && {prefix}{' '.join(words)} tick >> {CRON_LOG} 2>&1"
    )
    command = command.replace("%", "\\%")  # cron turns a bare % into a newline
    return (
        "# followup: interview follow-up drafts in Gmail (never sends mail), for machines\n"
        "# without systemd: one pass every 5 minutes. Add the line below with `crontab -e`.\n"
        "# No flock needed: followup's own run lock skips a pass while the previous one runs.\n"
        f"# The log grows: rotate or truncate {CRON_LOG} now and then.\n"
        f"*/5 * * * * {command}\n"
    )


def _arguments(config_file: Path | None) -> list[str]:
    """The words after the executable: [--config FILE] run."""
    return [*(["--config", str(config_file)] if config_file is not None else []), "run"]


def render_plist(
    executable: Path, env: Mapping[str, str], *, log_file: Path, config_file: Path | None = None
) -> str:
    """The launchd agent (macOS) that keeps `followup run` going from login on."""
    agent = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": [str(executable), *_arguments(config_file)],
        "RunAtLoad": True,
        "KeepAlive": True,
        "ThrottleInterval": 30,  # a restart waits 30 s, as RestartSec=30 in the systemd unit
        "ProcessType": "Background",
        "Umask": 0o077,
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1", **dict(_passthrough(env))},
        "StandardOutPath": str(log_file),
        "StandardErrorPath": str(log_file),
    }
    return plistlib.dumps(agent).decode("utf-8")


def render_task(windowless: Path, user: str, *, config_file: Path | None = None) -> str:
    """The Task Scheduler task (Windows) running `followupw run` at the user's log-on."""
    command = escape(str(windowless))
    arguments = escape(subprocess.list2cmdline(_arguments(config_file)))
    who = escape(user)
    return f"""\
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>followup: interview follow-up drafts in Gmail (never sends mail)</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>{who}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{who}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <Hidden>true</Hidden>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>3</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{command}</Command>
      <Arguments>{arguments}</Arguments>
    </Exec>
  </Actions>
</Task>
"""


def private_log(path: Path) -> TextIO:
    """`path` opened to append, in a folder made 0700, itself 0600 however either was made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    path.chmod(0o600)
    return os.fdopen(fd, "a", buffering=1, encoding="utf-8")


def this_system() -> str:
    """The service manager of this computer: launchd, schtasks or systemd."""
    return {"darwin": "launchd", "win32": "schtasks"}.get(sys.platform, "systemd")


def unit_folder() -> Path:
    """Where systemd looks for user units: $XDG_CONFIG_HOME/systemd/user or ~/.config/..."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "systemd" / "user"


def launchd_plist() -> Path:
    """The launchd agent's file."""
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def launchd_log() -> Path:
    """The file launchd appends the daemon's output to."""
    return Path.home() / "Library" / "Logs" / "followup" / "followup.log"


def windowless_log() -> Path:
    """The file followupw appends its output to: followup.log beside state.db."""
    return resolve_paths().state_db.parent / "followup.log"


def task_user() -> str:
    """The account the task runs for, at its log-on: DOMAIN\\user."""
    domain = os.environ.get("USERDOMAIN", "").strip()
    return f"{domain}\\{getpass.getuser()}" if domain else getpass.getuser()


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
