"""The HTTP server itself: concurrency, odd requests, stopping, and the CLI in another process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httplib2
import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient, SandboxServer
from tests.sandbox.helpers import NOW, create_draft, message, services

AUTH = {"Authorization": "Bearer sandbox-token", "Content-Type": "application/json"}


def test_concurrent_creates_get_distinct_drafts(server: SandboxServer, sandbox: Sandbox) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        gmail = services(server.url)[0]  # httplib2 is not thread-safe: one service per thread
        try:
            for i in range(5):
                results.append(create_draft(gmail, message(f"T{n}-{i}"))["id"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == len(set(results)) == 20
    assert sorted(d["id"] for d in sandbox.drafts()) == sorted(results)


def test_unknown_path_bad_json_and_unimplemented(server: SandboxServer, sandbox: Sandbox) -> None:
    http = httplib2.Http()
    resp, body = http.request(server.url + "gmail/v1/users/me/nothing", headers=AUTH)
    assert resp.status == 404 and json.loads(body)["error"]["errors"][0]["reason"] == "notFound"
    resp, _ = http.request(
        server.url + "gmail/v1/users/me/drafts", "POST", body="{nope", headers=AUTH
    )
    assert resp.status == 400
    msg_id = sandbox.deliver(message())["id"]
    sandbox.set_scopes(["https://www.googleapis.com/auth/gmail.modify"])
    resp, body = http.request(
        server.url + f"gmail/v1/users/me/messages/{msg_id}/trash", "POST", headers=AUTH
    )
    assert resp.status == 501
    assert [r.method for r in sandbox.request_log()] == [
        "unknown",
        "gmail.users.drafts.create",
        "gmail.users.messages.trash",
    ]


def test_stop_refuses_new_requests(sandbox: Sandbox) -> None:
    server = SandboxServer(sandbox).start()
    gmail = services(server.url)[0]
    gmail.users().getProfile(userId="me").execute()
    server.stop()
    with pytest.raises(OSError):
        gmail.users().getProfile(userId="me").execute()


def test_cli_serves_another_process(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    seeded = Sandbox(now=NOW)
    seeded.add_event(summary="Interview with Acme", start=NOW, end=NOW + timedelta(hours=1))
    seeded.save(state)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent.sandbox", "--port", "0", "--state-file", str(state)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert found, line
        url = found.group(1)
        client = SandboxClient(url)
        assert client.now() == NOW
        assert [e["summary"] for e in client.list_events()] == ["Interview with Acme"]
        client.deliver(message("Hello"))
        gmail, cal = services(url)
        assert len(cal.events().list(calendarId="primary").execute()["items"]) == 1
        assert gmail.users().getProfile(userId="me").execute()["messagesTotal"] == 1
        with pytest.raises(HttpError):
            gmail.users().messages().send(userId="me", body={"raw": "eA=="}).execute()
        assert len(client.send_attempts()) == 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == 0
    assert len(Sandbox.load(state).messages()) == 1


def test_a_client_gone_mid_answer_prints_nothing_and_the_server_goes_on(
    server: SandboxServer, sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    msg_id = sandbox.deliver(message(body="x" * 4_000_000))["id"]  # more than socket buffers hold
    host = urlsplit(server.url)
    for _ in range(3):
        client = socket.create_connection((host.hostname, host.port))
        client.sendall(
            f"GET /gmail/v1/users/me/messages/{msg_id}?format=raw HTTP/1.1\r\n"
            f"Host: {host.netloc}\r\nAuthorization: Bearer sandbox-token\r\n\r\n".encode()
        )
        client.recv(1024)  # the answer has begun
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # reset: the server's next write fails
    resp, _ = httplib2.Http().request(server.url + "gmail/v1/users/me/profile", headers=AUTH)
    assert resp.status == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err
