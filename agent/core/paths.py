"""Where followup keeps its files: FOLLOWUP_HOME, else the platform's config and data folders."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from agent.core.settings import Paths

log = logging.getLogger(__name__)

APP_NAME = "followup"
HOME_ENV = "FOLLOWUP_HOME"

CONFIG_NAME = "config.toml"
TOKEN_NAME = "token.json"
STATE_NAME = "state.db"
LOCK_NAME = "followup.lock"
TEMPLATES_NAME = "templates"


def resolve_paths(
    config_override: Path | None = None, env: Mapping[str, str] | None = None
) -> Paths:
    """Work out every file location; `config_override` (--config) replaces only the config file."""
    env = os.environ if env is None else env
    home = env.get(HOME_ENV, "").strip()
    if home:
        config_dir = data_dir = Path(home).expanduser()
    else:
        config_dir = platformdirs.user_config_path(APP_NAME)
        data_dir = platformdirs.user_data_path(APP_NAME)
    config_file = config_dir / CONFIG_NAME
    if config_override is not None:
        config_file = Path(config_override).expanduser()
    return Paths(
        config_file=config_file,
        token_file=config_dir / TOKEN_NAME,
        state_db=data_dir / STATE_NAME,
        lock_file=data_dir / LOCK_NAME,
        templates_dir=config_dir / TEMPLATES_NAME,
    )


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) with the last folder readable by its owner only (0700).

    A folder that already exists is left as it is; one we create gets mode 0700 even under a
    permissive umask.
    """
    if path.is_dir():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path  # another process made it first: theirs to keep
    os.chmod(path, 0o700)
    log.debug("created private folder %s", path)
    return path
