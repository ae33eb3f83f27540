"""The run lock: one followup process at a time (flock on a file beside state.db)."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path
from types import TracebackType

from agent.files.paths import private_file

log = logging.getLogger(__name__)


class LockBusy(Exception):
    """Another followup process holds the run lock; the CLI says so and exits 0."""

    def __init__(self, pid: int | None) -> None:
        holder = f" (pid {pid})" if pid else ""
        super().__init__(f"another followup run is active{holder}; nothing to do")
        self.pid = pid


class RunLock:
    """An exclusive, non-blocking flock on the lock file, held for a whole run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock and record our pid in the file; False when another process holds it."""
        if self._fd is not None:
            return True
        private_file(self.path)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        log.debug("run lock %s taken by pid %d", self.path, os.getpid())
        return True

    def holder_pid(self) -> int | None:
        """The pid written by the process holding (or last holding) the lock, if readable."""
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        """Give the lock up (a no-op when not held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        if not self.acquire():
            raise LockBusy(self.holder_pid())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
