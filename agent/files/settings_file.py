"""Reading config.toml (and the environment's overrides) into validated core Settings."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from typing import Any

from agent.core.errors import SettingsError
from agent.core.settings import Paths, Settings
from agent.core.settings_check import settings_from_toml
from agent.core.text import escaped

log = logging.getLogger(__name__)

ENDPOINT_ENV = "FOLLOWUP_GOOGLE_ENDPOINT"


def load_settings(paths: Paths, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate `paths.config_file` (missing file: all defaults); env can set endpoint."""
    env = os.environ if env is None else env
    source = paths.config_file
    raw: dict[str, Any] = {}
    try:
        raw = tomllib.loads(source.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        log.debug("no settings file at %s: using defaults", source)
    except OSError as exc:
        problem = f"{source}: cannot read: {exc.strerror} (check the path)"
        raise SettingsError(escaped(problem)) from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(escaped(f"{source}: not UTF-8 text (save it as UTF-8)")) from exc
    except tomllib.TOMLDecodeError as exc:
        problem = f"{source}: not valid TOML: {exc} (fix that line; text values need quotes)"
        raise SettingsError(escaped(problem)) from exc
    endpoint = env.get(ENDPOINT_ENV, "").strip()
    return settings_from_toml(raw, paths, endpoint=endpoint, endpoint_from=ENDPOINT_ENV)
