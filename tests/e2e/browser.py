"""Headless Chromium driven over the DevTools protocol on a pipe: load a page, read it, shoot it."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
# --remote-debugging-pipe reads commands on fd 3 and answers on fd 4: put the pipes there, exec.
ON_FDS_3_AND_4 = """import fcntl, os, sys
fds = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
os.dup2(fds[0], 3)
os.dup2(fds[1], 4)
os.execv(sys.argv[3], sys.argv[3:])"""
DEADLINE = 60.0  # seconds for one protocol answer; only reached when something is broken


def need_chromium() -> str:
    """Chromium's path, or skip the test saying how to get it."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH: `apt-get install -y chromium` (Debian) to run this test")
    return CHROMIUM


class Page:
    """One browser tab: the protocol's commands in order, its events kept."""

    def __init__(self, proc: subprocess.Popen, to_browser: int, from_browser: int) -> None:
        self.proc = proc
        self.to_browser = os.fdopen(to_browser, "wb", buffering=0)
        self.from_browser = os.fdopen(from_browser, "rb", buffering=0)
        self.buffer = b""
        self.events: list[dict] = []
        self.last_id = 0
        self.session: str | None = None

    def _read(self) -> dict:
        """The next message from the browser."""
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_browser], [], [], DEADLINE)
            assert ready, f"chromium did not answer within {DEADLINE:g} s"
            chunk = self.from_browser.read(65536)
            if not chunk:
                raise AssertionError(f"chromium closed the pipe (exit {self.proc.poll()})")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, **params: Any) -> dict:
        """Run one protocol command in the tab (or the browser before attaching); its result."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.to_browser.write(json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self.last_id:
                assert "error" not in answer, (method, answer["error"])
                return answer["result"]
            self.events.append(answer)

    def wait_for(self, method: str) -> dict:
        """The first event of a kind (kept ones first)."""
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while True:
            event = self._read()
            if event.get("method") == method:
                return event
            self.events.append(event)

    def load(self, url: str, width: int, height: int, *, dark: bool = False) -> None:
        """Open a page at a window size, light or dark, and wait until it has loaded."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width, height=height, deviceScaleFactor=1, mobile=width < 600,
        )
        self.send("Emulation.setScrollbarsHidden", hidden=True)  # the page keeps its full width
        scheme = "dark" if dark else "light"
        features = [{"name": "prefers-color-scheme", "value": scheme}]
        self.send("Emulation.setEmulatedMedia", media="", features=features)
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def run(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (the test's own, not the page's)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, top to bottom, at the window's width, as a PNG file."""
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        """Ask the browser to quit (all its processes), then make sure it has."""
        try:
            self.session = None
            self.to_browser.write(json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=DEADLINE)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=DEADLINE)

    def problems(self) -> list[str]:
        """Errors the page caused: uncaught exceptions, console errors, blocked or failed loads."""
        self.run("0")  # let pending events arrive first
        found = []
        bad = ("error", "warning")
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"]))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in bad:
                found.append(json.dumps(params.get("args")))
            elif method == "Log.entryAdded" and params["entry"].get("level") in bad:
                found.append(params["entry"].get("text", ""))
        return found


@contextmanager
def browser() -> Iterator[Page]:
    """A fresh headless Chromium (its own profile) with one tab attached, closed afterwards."""
    path = need_chromium()
    commands_read, commands_write = os.pipe()
    answers_read, answers_write = os.pipe()

    with tempfile.TemporaryDirectory(prefix="followup-chromium-") as profile:
        proc = subprocess.Popen(
            [sys.executable, "-c", ON_FDS_3_AND_4, str(commands_read), str(answers_write),
             path, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(commands_read, answers_write),
        )
        os.close(commands_read)
        os.close(answers_write)
        page = Page(proc, commands_write, answers_read)
        try:
            target = page.send("Target.createTarget", url="about:blank")["targetId"]
            page.session = page.send("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            for domain in ("Page", "Runtime", "Log"):
                page.send(f"{domain}.enable")
            yield page
        finally:
            page.close()
            page.to_browser.close()
            page.from_browser.close()
