"""The secret behind each draft's opaque key header, kept in a file beside state.db (0600)."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from agent.core.errors import StateError

log = logging.getLogger(__name__)

SECRET_NAME = "draft-keys.secret"
_HEX_LEN = 64


def secret_path(state_db: Path) -> Path:
    """Where the secret lives: next to state.db, never inside it (state.db can be rebuilt)."""
    return state_db.with_name(SECRET_NAME)


def _read(path: Path) -> bytes:
    """The secret in the file; StateError when the file is not one we wrote."""
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) != _HEX_LEN:
            raise ValueError(f"{len(text)} characters, not {_HEX_LEN}")
        return bytes.fromhex(text)
    except (OSError, ValueError) as exc:
        raise StateError(
            f"{path} is unreadable ({exc}); put back your copy of it, or delete it to start a "
            "new one (drafts made before can then no longer be recognised)"
        ) from exc


def load_key_secret(state_db: Path, *, create: bool = True) -> bytes:
    """The secret; made (32 random bytes, mode 0600) on first use when `create` is true.

    Without `create` (a dry run) and without a file, a throwaway secret is returned and
    nothing is written.
    """
    path = secret_path(state_db)
    if path.exists():
        return _read(path)
    if not create:
        return secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)  # another process made it first
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)
    log.info("created %s (the secret behind draft keys; keep it with state.db)", path)
    return _read(path)
