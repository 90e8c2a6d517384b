"""The loopback listener: catches the browser's redirect on 127.0.0.1 (RFC 8252 §7.3)."""

from __future__ import annotations

import errno
import html
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tui.auth.redirect import ExpectedRedirect, RedirectError, code_from_query

REQUEST_TIMEOUT_SECONDS = 10
MAX_OPEN_CONNECTIONS = 256  # far above what a browser opens, far below the usual 1,024 descriptors
OUT_OF_DESCRIPTORS_PAUSE = 0.1
# How often the serving thread looks for a stop: close() waits up to this long (the default, 0.5 s,
# held the exchange back by half a second).
STOP_POLL_SECONDS = 0.02

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gcal-tui</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}}</style>
</head><body><h1>{title}</h1><p>{body}</p></body></html>
"""


@dataclass(frozen=True)
class CallbackResult:
    """What the browser brought: a code, or the reason there is none."""

    code: str | None = None
    error: RedirectError | None = None


class ListenerError(Exception):
    """The listener could not start (a busy port, most often)."""


class _QuietServer(ThreadingHTTPServer):
    """Quiet, and bounded: at most MAX_OPEN_CONNECTIONS at once (each slow one holds a thread and a
    file descriptor for up to REQUEST_TIMEOUT_SECONDS), so a flood of them cannot take every file
    descriptor the app has; when accept() fails for want of descriptors it waits a moment before
    trying again (it used to spin)."""

    request_queue_size = 128  # the default of 5 makes a burst of connections wait seconds to connect

    def __init__(self, *arguments: Any) -> None:
        super().__init__(*arguments)
        self.open_connections = threading.BoundedSemaphore(MAX_OPEN_CONNECTIONS)

    def get_request(self) -> tuple[socket.socket, Any]:
        try:
            return super().get_request()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                time.sleep(OUT_OF_DESCRIPTORS_PAUSE)
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.open_connections.acquire(blocking=False):
            self.shutdown_request(request)  # too many at once: this one is closed unanswered
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.open_connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Browsers drop connections (and probe with slow ones): nothing to print over the UI."""


class _QuietServer6(_QuietServer):
    address_family = socket.AF_INET6


class LoopbackListener:
    """Serves GET on the redirect path; the first genuine redirect is handed to `on_result`."""

    def __init__(
        self,
        port: int,
        path: str,
        on_result: Callable[[CallbackResult], None],
        host: str = "127.0.0.1",
    ) -> None:
        """`host` is 127.0.0.1, or ::1 for a redirect URI that names [::1]."""
        self._path = path or "/"
        self._on_result = on_result
        self._expected: ExpectedRedirect | None = None
        self._done = threading.Event()
        server_class = _QuietServer6 if host == "::1" else _QuietServer
        try:
            self._server = server_class((host, port), self._handler_class())
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ListenerError(
                    f"Port {port} on {host} is already in use, so the browser's "
                    "redirect cannot reach gcal-tui. Paste the redirected URL instead, or pass "
                    "another --redirect-uri port."
                ) from None
            raise ListenerError(f"Cannot listen on {host} port {port}: {exc.strerror}.") from None
        self._server.daemon_threads = True
        self._allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}", f"[::1]:{self.port}"}
        if self.port == 80:  # a redirect URI without a port: browsers send the host alone
            self._allowed_hosts |= {"127.0.0.1", "localhost", "[::1]"}
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(STOP_POLL_SECONDS,),
            name="loopback-listener",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self, expected: ExpectedRedirect) -> None:
        self._expected = expected
        self._thread.start()

    def close(self) -> None:
        """Stop serving and free the port; safe to call more than once, from any thread."""
        if self._done.is_set():
            return
        self._done.set()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _handle(self, host: str, target: str) -> tuple[int, str, str]:
        """(status, title, body) for one request; hands a code or refusal to the app."""
        if host not in self._allowed_hosts:
            return 400, "Wrong host", "This listener only answers requests addressed to itself."
        try:
            parts = urlsplit(target)
        except ValueError:
            return 400, "Bad request", "This listener only answers the sign-in redirect."
        if parts.path != self._path:
            return 404, "Not found", "gcal-tui is waiting for the sign-in redirect elsewhere."
        expected = self._expected
        if expected is None or self._done.is_set():
            return 410, "Already done", "This sign-in has finished. Return to the terminal."
        try:
            code = code_from_query(parts.query, expected)
        except RedirectError as error:
            if not error.ends_attempt:
                return 400, "Not this sign-in", f"{error.message} Return to the terminal."
            self._finish(CallbackResult(error=error))
            return 200, "Sign-in cancelled", f"{error.message} Return to the terminal."
        self._finish(CallbackResult(code=code))
        return 200, "Signed in", "gcal-tui has the code. You can close this tab."

    def _finish(self, result: CallbackResult) -> None:
        self._expected = None
        self._on_result(result)
        threading.Thread(target=self.close, daemon=True).start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            timeout = REQUEST_TIMEOUT_SECONDS
            server_version = "gcal-tui"
            sys_version = ""

            def do_GET(self) -> None:
                status, title, body = listener._handle(self.headers.get("Host", ""), self.path)
                self._reply(status, title, body)

            def _not_allowed(self) -> None:
                self._reply(405, "Method not allowed", "Only GET is answered here.", allow=True)

            do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_allowed

            def _reply(self, status: int, title: str, body: str, *, allow: bool = False) -> None:
                page = _PAGE.format(title=html.escape(title), body=html.escape(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                if allow:
                    self.send_header("Allow", "GET")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:
                """The request line holds the code: never log it."""

        return Handler
