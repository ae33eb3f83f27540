"""What every command starts from: the shared options, the settings they name, and the clock."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent.core.errors import SettingsError
from agent.core.settings import Paths, Settings
from agent.core.settings_check import checked_place
from agent.files.paths import resolve_paths
from agent.files.settings_file import load_settings

NOW_ENV = "FOLLOWUP_NOW"


@dataclass(frozen=True)
class Obj:
    """Options shared by every command (--config, --debug)."""

    config: Path | None
    debug: bool

    def settings(self, *, full: bool = False) -> Settings:
        """Validated settings (SettingsError, also for a missing --config); full: the place too."""
        return settings_from_env(self.checked_config(), full=full)

    def checked_config(self) -> Path | None:
        """The --config path, which must exist when given (SettingsError, exit 3, if not)."""
        if self.config is not None and not self.config.expanduser().exists():
            raise SettingsError(
                f"{self.config}: no such settings file (given with --config); "
                "fix the path, or leave --config out to use the default file"
            )
        return self.config

    def paths(self) -> Paths | None:
        """Where the files are, without reading any (None if even that fails)."""
        try:
            return resolve_paths(self.config)
        except Exception:  # only used to word an error message
            return None


def settings_from_env(
    config_file: Path | None, env: Mapping[str, str] | None = None, *, full: bool = False
) -> Settings:
    """Resolve paths and load validated settings; `full` also checks the place (holidays)."""
    env = os.environ if env is None else env
    settings = load_settings(resolve_paths(config_file, env), env)
    return checked_place(settings) if full else settings


def current_time() -> datetime:
    """Now, aware; FOLLOWUP_NOW (ISO 8601 with offset) pins it for tests and the demo."""
    pinned = os.environ.get(NOW_ENV, "").strip()
    if not pinned:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SettingsError(f"{NOW_ENV}={pinned!r} is not an ISO 8601 time; unset it") from exc
    if moment.tzinfo is None:
        raise SettingsError(
            f"{NOW_ENV}={pinned!r} needs a UTC offset, e.g. 2026-12-01T19:00:00+00:00"
        )
    return moment
