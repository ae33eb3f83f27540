"""Where followup keeps its files (FOLLOWUP_HOME, else the platform's folders), made private."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from agent.core.settings import Paths

APP_NAME = "followup"
HOME_ENV = "FOLLOWUP_HOME"
SECRET_NAME = "draft-keys.secret"  # beside state.db: the secret behind each draft's key header


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
    config_file = config_dir / "config.toml"
    if config_override is not None:
        config_file = Path(config_override).expanduser()
    return Paths(
        config_file, token_file=config_dir / "token.json", state_db=data_dir / "state.db",
        lock_file=data_dir / "followup.lock", templates_dir=config_dir / "templates",
    )


def private_dir(path: Path) -> Path:
    """Make the folder and missing parents; a new one is 0700 whatever the umask, old ones stay."""
    if path.is_dir():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path  # another process made it first
    path.chmod(0o700)
    return path


def private_file(path: Path) -> bool:
    """Make the file its owner's alone: True for a new empty 0600 one, False for one narrowed."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        found = path.stat()
        mode = stat.S_IMODE(found.st_mode)
        if stat.S_ISREG(found.st_mode) and mode & 0o077:
            path.chmod(mode & 0o700)
        return False
    os.close(fd)
    path.chmod(0o600)
    return True


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` whole: a synced 0600 temporary file renamed over it."""
    try:
        fd, partial = tempfile.mkstemp(dir=private_dir(path.parent), prefix=f".{path.name}.")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException as exc:
        Path(partial).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    try:  # make the rename durable (folders cannot be opened on every system)
        folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def open_to_others(paths: Paths) -> list[Path]:
    """followup's folders and files that other users may read or change."""
    if os.name == "nt":  # modes say nothing; the user's profile admits only the user
        return []
    db = paths.state_db
    files = [paths.token_file, db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"),
             db.with_name(SECRET_NAME), paths.lock_file]
    folders = dict.fromkeys([paths.token_file.parent, db.parent])
    found = []
    for path in [*folders, *files]:
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                found.append(path)
        except FileNotFoundError:
            continue
    return found
