"""The secret behind each draft's opaque key header, kept in a file beside state.db (0600)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from agent.core.errors import StateError
from agent.files.paths import SECRET_NAME, private_file

log = logging.getLogger(__name__)

_HEX_LEN = 64


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
    """The secret; made (32 random bytes, mode 0600) on first use when `create` is true."""
    # Without `create` (a dry run) and without a file, a throwaway secret: nothing is written.
    path = state_db.with_name(SECRET_NAME)  # beside state.db, never in it: state.db can be rebuilt
    if not create:
        return _read(path) if path.exists() else secrets.token_bytes(32)
    if not private_file(path):
        return _read(path)  # made before (or by another process just now)
    path.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    log.info("created %s (the secret behind draft keys; keep it with state.db)", path)
    return _read(path)
