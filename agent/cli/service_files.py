"""The files that run followup unattended (systemd units, cron, launchd, Task Scheduler).

scripts/ holds them rendered for ~/.local/bin/followup (a test keeps them equal); a path
under the home folder is written home-relative (%h, $HOME). agent.cli.service installs them.
"""

from __future__ import annotations

import getpass
import os
import plistlib
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

from agent.files.paths import resolve_paths

SERVICE = "followup.service"
TICK_SERVICE = "followup-tick.service"
TICK_TIMER = "followup-tick.timer"
CRON = "followup.cron"
LAUNCHD_LABEL = "io.github.interview-followup"
TASK_NAME = "followup"
PASSTHROUGH_ENV = ("FOLLOWUP_HOME",)  # never FOLLOWUP_NOW or the sandbox endpoint
LOGS = "journalctl --user -u followup -f"
CRON_LOG = "~/.cache/followup/followup.log"
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
