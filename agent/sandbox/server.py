"""The sandbox over real HTTP: Gmail/Calendar REST, OAuth endpoints and the /_sandbox/ controls."""

from __future__ import annotations

import json
import logging
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from agent.sandbox.control import control_call
from agent.sandbox.faults import SECRET_FIELDS, RequestRecord
from agent.sandbox.state import Sandbox
from agent.sandbox.wire import error_body

log = logging.getLogger(__name__)
MAX_BODY = 50 * 1024 * 1024


OAUTH_ALIASES = {"/token": "/_sandbox/oauth/token", "/revoke": "/_sandbox/oauth/revoke"}
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")


def local_hosts(port: int) -> frozenset[str]:
    """The Host headers the control surface answers: this machine's names with the port."""
    bare = LOCAL_NAMES if port == 80 else ()
    return frozenset((*(f"{name}:{port}" for name in LOCAL_NAMES), *bare))


class _Handler(BaseHTTPRequestHandler):
    """Routes each request to the OAuth endpoints, the controls or the API dispatcher."""

    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    error_content_type = "application/json"

    def setup(self) -> None:
        """Track the connection so stop() can close it."""
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        """Forget the connection."""
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        """Access log lines go to logging at DEBUG, not stderr."""
        log.debug("%s " + format, self.address_string(), *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One access line without the query string (a revoke's ?token= stays out of logs)."""
        self.log_message('"%s %s" %s %s', self.command, urlsplit(self.path).path, code, size)

    def do_GET(self) -> None:
        """Serve GET."""
        self._serve("GET")

    def do_POST(self) -> None:
        """Serve POST."""
        self._serve("POST")

    def do_PUT(self) -> None:
        """Serve PUT."""
        self._serve("PUT")

    def do_PATCH(self) -> None:
        """Serve PATCH."""
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        """Serve DELETE."""
        self._serve("DELETE")

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self, verb: str) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        body = self._body()
        if path.rstrip("/") in OAUTH_ALIASES:  # where Google has oauth2.googleapis.com/token
            path = OAUTH_ALIASES[path.rstrip("/")]
        if path.startswith("/_sandbox/") and not self._local_host():
            host = self.headers.get("Host", "")
            message = f"sandbox control: Host {host!r} is not this machine; use {self.server.url}"
            self._send(403, {"error": {"code": 403, "message": message}})
            return
        if path.startswith("/_sandbox/oauth/"):
            self._oauth(verb, path, query, body)
            return
        if path.startswith("/_sandbox/"):
            try:
                params = json.loads(body) if body.strip() else {}
            except ValueError:
                self._send(
                    400, {"error": {"code": 400, "message": "sandbox control: invalid JSON"}}
                )
                return
            if verb == "GET":
                params = {k: v[-1] for k, v in query.items()}
            status, result = control_call(sandbox, verb, path, params)
            if verb != "GET" and status == 200:
                self.server.persist()
            self._send(status, result)
            return
        override = self.headers.get("X-HTTP-Method-Override", "").upper()
        if verb == "POST" and override == "GET":  # the client's form for a URI over 2,048
            for key, values in parse_qs(body.decode("utf-8", "replace")).items():
                query.setdefault(key, []).extend(values)
            verb, body = "GET", b""
        outcome = sandbox.handle_api(verb, path, query, self.headers.get("Authorization"), body)
        if outcome.mutated:
            self.server.persist()
        if outcome.delay:
            time.sleep(outcome.delay)
        if outcome.drop:
            self._drop()
            return
        if outcome.close:
            self._close_unanswered()
            return
        self._send(outcome.status, outcome.body, outcome.headers)

    def _local_host(self) -> bool:
        """Whether the Host header names this machine and port (no DNS rebinding)."""
        host = (self.headers.get("Host") or "").strip().lower()
        return host in local_hosts(self.server.server_address[1])

    def _oauth(self, verb: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
        sandbox = self.server.sandbox
        form = {k: v[-1] for k, v in query.items()}
        ctype = self.headers.get("Content-Type", "")
        if body and "json" in ctype:
            form.update({k: str(v) for k, v in json.loads(body).items()})
        elif body:
            form.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        if verb == "POST" and path.rstrip("/") == "/_sandbox/oauth/token":
            method, (status, result) = "oauth.token", sandbox.oauth_token(form)
        elif verb == "POST" and path.rstrip("/") == "/_sandbox/oauth/revoke":
            method, (status, result) = "oauth.revoke", sandbox.oauth_revoke(form.get("token", ""))
        else:
            method, status = "unknown", 404
            result = error_body(404, "notFound", f"Not Found: {verb} {path}")
        logged = {k: v for k, v in form.items() if k not in SECRET_FIELDS}
        sandbox.record(RequestRecord(method, verb, path, logged, status, sandbox.now()))
        self.server.persist()
        self._send(status, result)

    def _send(self, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> None:
        data = b"" if payload is None or status == 204 else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _close_unanswered(self) -> None:
        """Close the connection cleanly (FIN) without writing a byte of answer.

        http.client then raises RemoteDisconnected, which httplib2 treats as a stale
        kept-alive connection: it reconnects and sends the same request again.
        """
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            log.debug("connection already gone while closing it")

    def _drop(self) -> None:
        """Reset the connection without an answer (RST, so clients cannot mistake it for EOF)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            log.debug("connection already gone while dropping it")


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its sandbox and state file."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox, state_file: Path | None) -> None:
        super().__init__(address, _Handler)
        self.sandbox = sandbox
        self.state_file = state_file
        self._save_lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer is routine (debug); anything else is logged.

        socketserver's default prints a traceback on stderr, which ends up inside whatever
        command output shares the process (a CLI test's captured output, say).
        """
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            log.debug("client %s went away: %r", client_address, exc)
            return
        log.error("request from %s failed", client_address, exc_info=True)

    def track(self, conn: socket.socket, is_open: bool) -> None:
        """Remember open client connections so stop() can close kept-alive ones."""
        with self._open_lock:
            if is_open:
                self._open.add(conn)
            else:
                self._open.discard(conn)

    def close_connections(self) -> None:
        """Shut down every open client connection."""
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                log.debug("connection already closed")

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT/ (or the bound address)."""
        return f"http://{self.server_address[0]}:{self.server_address[1]}/"

    def persist(self) -> None:
        """Save the state after a mutating request (when a state file is configured)."""
        if self.state_file is None:
            return
        with self._save_lock:
            self.sandbox.save(self.state_file)


class SandboxServer:
    """Serves a Sandbox over HTTP on a daemon thread (or in the foreground with serve_forever)."""

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.state_file = Path(state_file) if state_file else None
        self._httpd = _Server((host, port), sandbox, self.state_file)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL, like http://127.0.0.1:PORT/ (Gmail's api_endpoint)."""
        return self._httpd.url

    def start(self) -> SandboxServer:
        """Serve on a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.01},
                name=f"sandbox-{self.port}",
                daemon=True,
            )
            self._thread.start()
            log.info("sandbox serving at %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        log.info("sandbox serving at %s", self.url)
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        self._httpd.close_connections()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
