"""The OAuth token file on disk: private (0600 in a 0700 folder), written atomically, read safely.

This module knows file modes and JSON, not Google scopes: agent.google.auth builds on it.
Nothing here ever logs or puts a token's content into an error message.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Protocol

from agent.core.errors import AuthError
from agent.files.paths import private_file

log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("refresh_token", "client_id", "client_secret")


class SerializableCredentials(Protocol):
    """What save_token needs from google.oauth2.credentials.Credentials."""

    def to_json(self, strip: Any = None) -> str:
        """The authorized-user JSON of the credentials."""
        ...

    @property
    def granted_scopes(self) -> Any:
        """The scopes Google reported as granted (None when unknown)."""
        ...


def scope_list(value: Any) -> list[str]:
    """Scopes as a list, from a list or a space-separated string (None -> [])."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(item) for item in value]


def token_json(creds: SerializableCredentials) -> str:
    """Credentials.to_json(), with `scopes` narrowed to the granted ones when Google said so."""
    data = json.loads(creds.to_json())
    granted = scope_list(creds.granted_scopes)
    if granted:
        data["scopes"] = granted
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def save_token(path: Path, creds: SerializableCredentials) -> None:
    """Write the credentials' JSON to `path` atomically, mode 0600, in a 0700 folder."""
    write_private(path, token_json(creds))
    log.info("saved the OAuth token to %s", path)


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` via an exclusive 0600 temp file, fsync, rename, fsync folder."""
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        private_file(tmp)
    except OSError as exc:
        raise AuthError(
            f"cannot write in {folder} ({exc.strerror}); check its permissions"
        ) from exc
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (no-op where directories cannot be opened)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def check_private(path: Path) -> None:
    """Refuse a token file that other users can access (on Windows the profile folder's
    permissions keep it private; its mode bits say nothing there)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 and os.name != "nt":
        raise AuthError(
            f"{path} is open to other users (mode {mode:o}); run `chmod 600 {path}` and try again"
        )


def read_token_info(path: Path, *, require_private: bool = True) -> dict[str, Any]:
    """The token file's JSON object, checked for mode and the fields a refresh needs."""
    try:
        if require_private:
            check_private(path)
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuthError(f"no token at {path}; run `followup auth` first") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise AuthError(f"cannot read {path} ({reason}); run `followup auth` again") from None
    try:
        info = json.loads(raw)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise AuthError(f"{path} is not a token file (bad JSON); run `followup auth` again")
    missing = [name for name in REQUIRED_FIELDS if not isinstance(info.get(name), str)
               or not info.get(name)]
    if missing:
        raise AuthError(
            f"{path} lacks {', '.join(missing)}; run `followup auth` again"
        )
    return info
