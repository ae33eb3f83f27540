"""The run lock: one followup process at a time (filelock's lock file beside state.db).

The holder's pid goes into a file of its own (Windows locks the lock file's bytes against reading).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from filelock import FileLock, Timeout

from agent.core.errors import Busy
from agent.files.paths import private_dir, private_file, write_private

log = logging.getLogger(__name__)


class LockBusy(Busy):
    """Another followup process holds the run lock (`tick` says so and exits 0; `stop` exits 11)."""

    def __init__(self, pid: int | None, then: str = "nothing to do") -> None:
        holder = f" (pid {pid})" if pid else ""
        super().__init__(f"another followup run is active{holder}; {then}")
        self.pid = pid


class RunLock:
    """An exclusive, non-blocking lock on the lock file, held for a whole run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pid_file = path.with_name(path.name + ".pid")
        self._lock = FileLock(path, timeout=0, mode=0o600, thread_local=False)

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> bool:
        """Take the lock and record our pid; False when another process holds it."""
        if self.held:
            return True
        private_dir(self.path.parent)
        if self.path.exists():  # a new one is made 0600 by filelock (a soft lock must not exist)
            private_file(self.path)
        try:
            self._lock.acquire()
        except Timeout:
            return False
        try:
            write_private(self.pid_file, f"{os.getpid()}\n")
        except BaseException:
            self._lock.release()
            raise
        log.debug("run lock %s taken by pid %d", self.path, os.getpid())
        return True

    def holder_pid(self) -> int | None:
        """The pid of the process holding the lock, if it can be read."""
        try:
            return int(self.pid_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        """Give the lock up (a no-op when not held)."""
        if not self.held:
            return
        try:
            self.pid_file.unlink(missing_ok=True)
        finally:
            self._lock.release()

    def __enter__(self) -> RunLock:
        if not self.acquire():
            raise LockBusy(self.holder_pid())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
