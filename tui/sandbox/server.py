"""The sandbox's HTTP server: routes, a request log for tests, and injectable faults."""

from __future__ import annotations

import html
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from oauthlib.common import add_params_to_uri
from oauthlib.oauth2 import FatalClientError, OAuth2Error

from tui.sandbox import oauth
from tui.sandbox.calendar_api import API_PREFIX, CalendarApi
from tui.sandbox.calendar_data import CalendarStore, generate

INSTALLED_CLIENT_ID = "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com"
INSTALLED_CLIENT_SECRET = "GOCSPX-FakeFakeFakeFakeFakeFake0"
WEB_CLIENT_ID = "123456789012-webwebwebwebwebwebwebwebwebweb01.apps.googleusercontent.com"
WEB_CLIENT_SECRET = "GOCSPX-WebFakeWebFakeWebFakeWeb1"
WEB_REDIRECT_URIS = ("http://localhost:8080/oauth2callback", "https://example.com/oauth2callback")
PROJECT_ID = "calendar-tui-demo"
DEFAULT_USER = "ada.lovelace@example.com"


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    params: dict[str, str]  # query and form body together
    headers: dict[str, str]
    query: str = ""
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


@dataclass
class Fault:
    """What a route does instead of its normal answer, `times` times (None: until cleared)."""

    status: int = 500
    body: bytes | str | dict[str, Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    close_connection: bool = False  # close without answering
    reset_after: int | None = None  # answer, then reset the connection after this many body bytes
    trickle: float = 0.0  # seconds between the body's bytes (a server that never quite stops)
    times: int | None = 1
    after: int = 0  # requests to the route answered as usual first


Route = Callable[["_Handler", dict[str, str]], None]


class Sandbox:
    """Start with `start()`, stop with `stop()`; `base_url` ends with a slash."""

    def __init__(
        self,
        *,
        user: str = DEFAULT_USER,
        token_prefix: str = "sandbox",
        calendars: CalendarStore | None = None,
        today: date | None = None,
        hostile_text: bool = True,
    ) -> None:
        self.oauth_state = oauth.OAuthState(
            clients={
                INSTALLED_CLIENT_ID: oauth.RegisteredClient(
                    INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, "installed", ("http://localhost",)
                ),
                WEB_CLIENT_ID: oauth.RegisteredClient(
                    WEB_CLIENT_ID, WEB_CLIENT_SECRET, "web", WEB_REDIRECT_URIS
                ),
            },
            user=user,
            token_prefix=token_prefix,
        )
        self.oauth_server = oauth.build_server(self.oauth_state)
        self.requests: list[LoggedRequest] = []
        self.body_bytes_sent = 0  # every answer's body, for the benchmarks' transfer figures
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str], tuple[str, Route]] = {
            ("GET", "/o/oauth2/auth"): ("consent", _Handler.consent_page),
            ("POST", "/o/oauth2/approve"): ("approve", _Handler.approve),
            ("POST", "/token"): ("token", _Handler.token),
            ("POST", "/revoke"): ("revoke", _Handler.revoke),
        }
        self.calendar_api = CalendarApi(calendars or generate(today or date.today(), hostile=hostile_text))
        self._prefix_routes: list[tuple[str, str, str, Route]] = [
            ("GET", f"{API_PREFIX}users/me/calendarList", "calendarList", self._calendar_route),
            ("GET", f"{API_PREFIX}calendars/", "events", self._calendar_route),
            ("GET", f"{API_PREFIX}colors", "colors", self._calendar_route),
            ("POST", f"{API_PREFIX}calendars/", "writes", self._calendar_route),
            ("PATCH", f"{API_PREFIX}calendars/", "writes", self._calendar_route),
            ("DELETE", f"{API_PREFIX}calendars/", "writes", self._calendar_route),
        ]
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle
    def start(self, port: int = 0) -> Sandbox:
        self._httpd = _QuietServer(("127.0.0.1", port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.sandbox = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() the sandbox first"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # Client secrets as Google Cloud console writes them, pointing here
    def client_secrets(self, client_type: str = "installed") -> dict[str, Any]:
        installed = client_type == "installed"
        info: dict[str, Any] = {
            "client_id": INSTALLED_CLIENT_ID if installed else WEB_CLIENT_ID,
            "project_id": PROJECT_ID,
            "auth_uri": f"{self.base_url}o/oauth2/auth",
            "token_uri": f"{self.base_url}token",
            "revoke_uri": f"{self.base_url}revoke",
            "auth_provider_x509_cert_url": f"{self.base_url}oauth2/v1/certs",
            "client_secret": INSTALLED_CLIENT_SECRET if installed else WEB_CLIENT_SECRET,
            "redirect_uris": ["http://localhost"] if installed else list(WEB_REDIRECT_URIS),
        }
        if not installed:
            info["javascript_origins"] = ["http://localhost:8080"]
        return {client_type: info}

    def write_client_secrets(self, path: Path, client_type: str = "installed") -> Path:
        path.write_text(json.dumps(self.client_secrets(client_type)))
        return path

    # Tests' controls
    def inject(self, route: str, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(route, []).append(fault)

    def rotate_refresh_tokens(self) -> None:
        self.oauth_state.rotate_refresh_tokens = True
        self.oauth_server.refresh_grant.issue_new_refresh_tokens = True

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, route: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(route)
            if not queue:
                return None
            fault = queue[0]
            if fault.after > 0:
                fault.after -= 1
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    queue.pop(0)
            return fault

    def requests_to(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def stored_event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        """The event as the emulator holds it now (None: not there)."""
        items = self.calendar_api.store.events.get(calendar_id, [])
        return next((item for _, _, item in items if item.get("id") == event_id), None)

    def writes(self) -> list[LoggedRequest]:
        """The Calendar API requests that change something (POST, PATCH, DELETE)."""
        with self._lock:
            return [
                request
                for request in self.requests
                if request.method in ("POST", "PATCH", "DELETE") and request.path.startswith(API_PREFIX)
            ]

    def _calendar_route(self, handler: _Handler, params: dict[str, str]) -> None:
        self.calendar_api.handle(handler, params)

    def route_for(self, method: str, path: str) -> tuple[str, Route] | None:
        found = self._routes.get((method, path))
        if found:
            return found
        for route_method, prefix, name, route in self._prefix_routes:
            if method == route_method and path.startswith(prefix):
                return name, route
        return None

    def log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def count_sent(self, size: int) -> None:
        with self._lock:
            self.body_bytes_sent += size


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a test's timeout) is normal here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server_version = "sandbox"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is in `Sandbox.requests`."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method in ("POST", "PATCH"):
            length = int(self.headers.get("Content-Length") or 0)
            self.body = self.rfile.read(length) if length else b""
            if not self.headers.get("Content-Type", "").startswith("application/json"):  # a form
                params.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            self.body = b""
        self.sandbox.log(
            LoggedRequest(method, parts.path, params, dict(self.headers.items()), parts.query, self.body)
        )
        found = self.sandbox.route_for(method, parts.path)
        if found is None:
            self.send_json(404, {"error": {"code": 404, "message": "Not Found"}})
            return
        name, route = found
        fault = self.sandbox.take_fault(name)
        if fault is not None:
            self._serve_fault(fault)
            return
        route(self, params)

    def _serve_fault(self, fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.close_connection:
            self.close_connection = True
            self.connection.close()
            return
        body = fault.body
        if isinstance(body, dict):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(fault.status)
        for name, value in fault.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if fault.trickle:
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(fault.trickle)
            return
        if fault.reset_after is None:
            self.wfile.write(data)
            return
        self.wfile.write(data[: fault.reset_after])
        self.wfile.flush()
        # SO_LINGER with a zero timeout: close() sends RST, as a dropped connection looks.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    # Helpers for routes
    def send_body(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.sandbox.count_sent(len(body))

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, indent=1).encode()
        self.send_body(status, body, "application/json; charset=UTF-8", headers)

    def send_page(self, status: int, title: str, inner_html: str) -> None:
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"{inner_html}</body></html>"
        )
        self.send_body(status, page.encode(), "text/html; charset=utf-8")

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # OAuth routes
    def _authorization_request(self, query: str) -> tuple[list[str], dict[str, Any]] | None:
        uri = f"{self.sandbox.base_url}o/oauth2/auth?{query}"
        try:
            scopes, credentials = self.sandbox.oauth_server.validate_authorization_request(uri)
        except FatalClientError as error:
            reason = "redirect_uri_mismatch" if "redirect" in error.description.lower() else error.error
            self.send_page(400, f"Error 400: {reason}", f"<p>{html.escape(error.description)}</p>")
            return None
        except OAuth2Error as error:
            self.redirect(error.in_uri(error.redirect_uri))
            return None
        credentials.pop("request", None)
        return scopes, credentials

    def consent_page(self, params: dict[str, str]) -> None:
        query = urlsplit(self.path).query
        if self._authorization_request(query) is None:
            return
        hidden = f"<input type='hidden' name='request' value='{html.escape(query, quote=True)}'>"
        # One box per scope, ticked, as Google's granular consent shows them: a person may untick one.
        boxes = "".join(
            f"<label><input type='checkbox' name='keep_{number}' value='1' checked> "
            f"{html.escape(scope)}</label><br>"
            for number, scope in enumerate(params.get("scope", "").split())
        )
        self.send_page(
            200,
            "Sign in to the gcal-tui sandbox",
            f"<p>{html.escape(self.sandbox.oauth_state.user)} is asked to grant:</p>"
            f"<form method='post' action='/o/oauth2/approve'>{hidden}{boxes}"
            "<button name='decision' value='allow'>Allow</button> "
            "<button name='decision' value='deny'>Deny</button></form>",
        )

    def approve(self, params: dict[str, str]) -> None:
        query = params.get("request", "")
        checked = self._authorization_request(query)
        if checked is None:
            return
        asked, credentials = checked
        redirect_uri, state = credentials["redirect_uri"], credentials.get("state")
        scopes = [scope for number, scope in enumerate(asked) if params.get(f"keep_{number}")]
        if scopes and dict(parse_qsl(query)).get("include_granted_scopes") == "true":
            granted = self.sandbox.oauth_state.granted_scopes(credentials["client_id"])
            scopes += sorted(granted - set(scopes))
        if params.get("decision") != "allow" or not scopes:
            refusal = {"error": "access_denied"}
            if state:
                refusal["state"] = state
            self.redirect(add_params_to_uri(redirect_uri, list(refusal.items())))
            return
        uri = f"{self.sandbox.base_url}o/oauth2/auth?{query}"
        headers, _, _ = self.sandbox.oauth_server.create_authorization_response(
            uri, scopes=scopes, credentials=credentials
        )
        issuer = self.sandbox.base_url.rstrip("/")
        location = add_params_to_uri(headers["Location"], [("iss", issuer), ("scope", " ".join(scopes))])
        self.redirect(location)

    def token(self, params: dict[str, str]) -> None:
        _, body, status = self.sandbox.oauth_server.create_token_response(
            f"{self.sandbox.base_url}token",
            http_method="POST",
            body=self.body.decode("utf-8", "replace"),
            headers={"Content-Type": self.headers.get("Content-Type", "")},
        )
        payload = json.loads(body or "{}")
        if status != 200:
            status, payload = oauth.google_token_error(params.get("grant_type", ""), status, payload)
        self.send_json(status, payload)

    def revoke(self, params: dict[str, str]) -> None:
        if "token" not in params:
            self.send_json(400, {"error": "invalid_request", "error_description": "Bad Request"})
            return
        state = self.sandbox.oauth_state
        record = state.refresh_tokens.get(params["token"]) or state.access_tokens.get(params["token"])
        known = record is not None and not record.revoked  # Google: 400 for a token revoked already
        self.sandbox.oauth_server.create_revocation_response(
            f"{self.sandbox.base_url}revoke",
            http_method="POST",
            body=urlencode({"token": params["token"]}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if not known:
            self.send_json(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})
            return
        self.send_json(200, {})
