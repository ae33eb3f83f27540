"""Running unattended: render the systemd user units and the cron line, install the units.

scripts/followup.service, followup-tick.service, followup-tick.timer and followup.cron are
these renderings for an executable at ~/.local/bin/followup (a test keeps them equal).
An executable under the user's home is written home-relative (%h in units, $HOME in cron)
so the files stay valid if the home folder moves; any other path is written as is.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from agent.core.errors import FollowupError

log = logging.getLogger(__name__)

SERVICE = "followup.service"
TICK_SERVICE = "followup-tick.service"
TICK_TIMER = "followup-tick.timer"
CRON = "followup.cron"
EXAMPLE_HOME = Path("/home/you")
EXAMPLE_EXECUTABLE = EXAMPLE_HOME / ".local" / "bin" / "followup"
PASSTHROUGH_ENV = ("FOLLOWUP_HOME",)  # never FOLLOWUP_NOW or the sandbox endpoint
LOGS = "journalctl --user -u followup -f"
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


class ServiceError(FollowupError):
    """The service could not be installed (no systemctl, no user session, systemctl failed)."""

    exit_code = 9


def _systemd_escape(text: str, *, dollar: bool) -> str:
    """Escape systemd specifiers (and $ in command lines)."""
    text = text.replace("%", "%%")
    return text.replace("$", "$$") if dollar else text


def _systemd_quote(word: str) -> str:
    """Double-quote a word when it holds blanks, quotes, backslashes or semicolons."""
    if re.search(r"[\s\"'\\;]", word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def _under(path: Path, home: Path | None) -> Path | None:
    """`path` relative to `home`, or None when it is not inside it."""
    if home is None:
        return None
    try:
        return path.relative_to(home)
    except ValueError:
        return None


def _unit_executable(executable: Path, home: Path | None) -> str:
    """The executable as an ExecStart word (%h/... when under home)."""
    rel = _under(executable, home)
    if rel is not None:
        return _systemd_quote("%h/" + _systemd_escape(str(rel), dollar=True))
    return _systemd_quote(_systemd_escape(str(executable), dollar=True))


def _passthrough(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The agent's own variables worth keeping in a service (set and non-empty)."""
    return [(key, env[key]) for key in PASSTHROUGH_ENV if env.get(key, "").strip()]


def _exec_start(
    executable: Path, command: str, config_file: Path | None, home: Path | None
) -> str:
    """ExecStart= for `followup [--config FILE] COMMAND`."""
    words = [_unit_executable(executable, home)]
    if config_file is not None:
        words += ["--config", _systemd_quote(_systemd_escape(str(config_file), dollar=True))]
    return "ExecStart=" + " ".join([*words, command])


def _environment(env: Mapping[str, str]) -> str:
    """Environment= lines: PYTHONUNBUFFERED plus the passed-through variables."""
    lines = ["Environment=PYTHONUNBUFFERED=1"]
    for key, value in _passthrough(env):
        assignment = f"{key}={_systemd_escape(value, dollar=False)}"
        lines.append("Environment=" + _systemd_quote(assignment))
    return "\n".join(lines) + "\n"


def render_units(
    executable: Path,
    env: Mapping[str, str],
    *,
    config_file: Path | None = None,
    home: Path | None = None,
) -> dict[str, str]:
    """The three systemd user units (file name -> text) for `executable`.

    `env` supplies FOLLOWUP_HOME when set; `config_file` adds `--config`; `home` (default:
    the user's home) makes paths inside it %h-relative.
    """
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


def _shell_word(text: str, home: Path | None) -> str:
    """A POSIX sh word for a path ($HOME/... when under home)."""
    rel = _under(Path(text), home)
    if rel is None:
        return shlex.quote(text)
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
    words = [_shell_word(str(executable), home)]
    if config_file is not None:
        words += ["--config", shlex.quote(str(config_file))]
    prefix = "".join(f"{key}={shlex.quote(value)} " for key, value in _passthrough(env))
    command = (  # cron's shell may start where ~/.cache does not exist yet: make it first
        f"mkdir -p ~/.cache && {prefix}flock -n ~/.cache/followup-cron.lock "
        f"{' '.join(words)} tick >> ~/.cache/followup.log 2>&1"
    )
    command = command.replace("%", "\\%")  # cron turns a bare % into a newline
    return (
        "# followup: interview follow-up drafts in Gmail (never sends mail), for machines\n"
        "# without systemd: one pass every 5 minutes. Add the line below with `crontab -e`.\n"
        "# flock -n skips a pass while the previous one still runs; the line makes ~/.cache\n"
        "# if missing. The log grows: rotate or truncate ~/.cache/followup.log now and then.\n"
        f"*/5 * * * * {command}\n"
    )


def default_unit_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where systemd looks for user units: $XDG_CONFIG_HOME/systemd/user or ~/.config/..."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "systemd" / "user"


def current_executable(argv0: str | None = None) -> Path:
    """The absolute path of the running `followup` command (argv[0], else PATH)."""
    candidate = Path(argv0 if argv0 is not None else sys.argv[0])
    if candidate.name == "followup" and candidate.is_file():
        return candidate.absolute()
    found = shutil.which("followup")
    if found:
        return Path(found).absolute()
    raise ServiceError("cannot find the `followup` executable; install the package first")


def _systemctl(run: Callable[..., Any], cmd: list[str]) -> None:
    """Run one systemctl command; failures become ServiceError with a way forward."""
    shown = shlex.join(cmd)
    try:
        result = run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ServiceError(
            f"`{cmd[0]}` not found: this machine does not run systemd; use cron instead "
            "(add the line from scripts/followup.cron with `crontab -e`)"
        ) from None
    except PermissionError:
        raise ServiceError(f"cannot run `{cmd[0]}` (permission denied)") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip().splitlines()
        first = detail[0] if detail else f"exit status {result.returncode}"
        hint = ""
        if "bus" in first.lower():
            hint = (
                "; no systemd user session here (ssh or container?): log in normally, or run "
                "`loginctl enable-linger $USER`, or use cron (scripts/followup.cron)"
            )
        raise ServiceError(f"`{shown}` failed: {first}{hint}")
    log.info("ran %s", shown)


def install_units(
    unit_dir: Path,
    units: Mapping[str, str],
    *,
    systemctl: Sequence[str] = ("systemctl", "--user"),
    run: Callable[..., Any] = subprocess.run,
) -> list[str]:
    """Write the units, reload systemd, enable and start followup.service; return what to print."""
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        for name, text in units.items():
            (unit_dir / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"cannot write units into {unit_dir} ({exc.strerror})") from None
    lines = [f"wrote {unit_dir / name}" for name in units]
    _systemctl(run, [*systemctl, "daemon-reload"])
    _systemctl(run, [*systemctl, "enable", "--now", SERVICE])
    lines += [
        f"enabled and started {SERVICE}; it starts again at each login",
        "to keep it running while you are logged out: loginctl enable-linger $USER",
        f"status: {shlex.join([*systemctl, 'status', 'followup'])}",
        f"logs: {LOGS}",
    ]
    return lines
