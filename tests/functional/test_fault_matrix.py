"""What networks do, at each endpoint: the token endpoint (exchanging a code, refreshing a token) and
the Calendar API. For every fault: the words the person sees, the app still running, and the stored
credentials intact afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials
from oauth2client.file import Storage

from tests.fixtures import load_fixture
from tests.functional.conftest import NotificationLog, own_single
from tui.app import GcalApp
from tui.sandbox import Sandbox
from tui.sandbox.calendar_data import PRIMARY
from tui.sandbox.server import Fault
from tui.screens.confirm import ConfirmScreen
from tui.screens.events import EventsScreen
from tui.screens.sign_in import SignInScreen

API_ERRORS = load_fixture("api_errors.json")
HUGE = 8_000_000
LONG_HEADER = {"WWW-Authenticate": 'Bearer realm="' + "x" * 100_000 + '"'}
TIMEOUT = 0.5
HUGE_TIMEOUT = 3.0  # 8 MB through the sandbox under a loaded CI machine: the case is the size, not time


def timeout_for(case: str) -> float:
    return HUGE_TIMEOUT if case.startswith("huge") else TIMEOUT


REFUSED = Fault()  # stands for an endpoint that refuses connections: a port nothing listens on


def always(**fields: object) -> Fault:
    return Fault(times=None, **fields)  # type: ignore[arg-type]


def shown(app: GcalApp, notifications: NotificationLog) -> str:
    """The words on screen that report trouble: status panel, notice line, notifications."""
    screen = app.screen
    parts = list(notifications.texts)
    if isinstance(screen, SignInScreen):
        parts += screen.status.lines
    if isinstance(screen, EventsScreen) and screen.notice is not None:
        parts.append(screen.notice.plain)
    return "\n".join(parts)


@pytest.fixture
def until_shown(wait_until, notifications: NotificationLog):  # type: ignore[no-untyped-def]
    """Wait until the words are on screen; say what is shown instead if they never are."""
    return partial(_until_shown, wait_until, notifications)


async def _until_shown(
    wait_until, notifications, pilot, app: GcalApp, expected: str, timeout: float = 30
) -> None:  # type: ignore[no-untyped-def]
    try:
        await wait_until(pilot, lambda: expected in shown(app, notifications), timeout=timeout)
    except TimeoutError:
        raise AssertionError(
            f"{expected!r} never shown; on screen:\n{shown(app, notifications)[:2000]}"
        ) from None


def assert_intact(path: Path, before: bytes, *, same_bytes: bool = True) -> None:
    if same_bytes:
        assert path.read_bytes() == before
    stored = Storage(str(path)).get()
    assert isinstance(stored, OAuth2Credentials) and not stored.invalid
    assert stored.refresh_token == json.loads(before)["refresh_token"]


def assert_explained_and_running(app: GcalApp, notifications: NotificationLog) -> None:
    """A message in words, not a traceback or a server's whole body, and the app carries on."""
    words = shown(app, notifications)
    assert "Traceback" not in words and "x" * 400 not in words
    assert app.is_running and app.return_code is None


# Exchanging a code
EXCHANGE_CASES = {
    "500": (always(status=500, body={"error": "server_error"}), "token service had an error"),
    "502 html": (always(status=502, body="<html>Bad Gateway</html>"), "token service had an error"),
    "503": (always(status=503, body="unavailable"), "token service had an error"),
    "429 retry-after": (
        always(status=429, headers={"Retry-After": "30"}, body="slow down"),
        "token service is rate limiting",
    ),
    "401 long www-authenticate": (always(status=401, headers=LONG_HEADER), "could not be read"),
    "200 not json": (always(status=200, body="<html>captive portal</html>"), "could not be read"),
    "huge error": (
        always(status=400, body={"error": "invalid_request", "error_description": "x" * HUGE}),
        "token request failed",
    ),
    "huge not json": (always(status=500, body=b"x" * HUGE), "token service had an error"),
    "reset mid-response": (
        always(status=200, body={"access_token": "ya29.x" * 100}, reset_after=20),
        "connection to the token service failed",
    ),
    "timeout": (always(status=200, delay=TIMEOUT * 3), "did not answer in time"),
    "connection refused": (REFUSED, "refused the connection"),
}


@pytest.mark.parametrize("case", list(EXCHANGE_CASES))
async def test_exchange_faults(
    case: str,
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    closed_port,
    terminal_size,
    until_shown,
    notifications,
    sign_in,
) -> None:
    fault, expected = EXCHANGE_CASES[case]
    before = credentials_path.read_bytes()
    app = app_for(listen=False, reauth=True, exchange_timeout=timeout_for(case))
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        screen = await sign_in.ready(pilot)
        assert screen.attempt is not None
        location = await sign_in.consent(screen)
        if fault is REFUSED:
            screen.attempt.flow.token_uri = f"http://127.0.0.1:{closed_port()}/token"
        else:
            sandbox.inject("token", fault)
        await sign_in.paste(pilot, location)
        await until_shown(pilot, app, expected)
        assert_explained_and_running(app, notifications)
    assert_intact(credentials_path, before)


# Refreshing a token
REFRESH_CASES = {
    "500": (always(status=500, body={"error": "server_error"}), "Refreshing the sign-in failed (HTTP 500)"),
    "502 html": (always(status=502, body="<html>Bad Gateway</html>"), "(HTTP 502)"),
    "503": (always(status=503, body="unavailable"), "(HTTP 503)"),
    "429 retry-after": (always(status=429, headers={"Retry-After": "1"}), "(HTTP 429)"),
    "401 long www-authenticate": (always(status=401, headers=LONG_HEADER), "could not be read"),
    "200 not json": (always(status=200, body="<html>captive portal</html>"), "could not be read"),
    "200 json without a token": (always(status=200, body={"hello": "world"}), "could not be read"),
    "huge not json": (always(status=500, body=b"x" * HUGE), "(HTTP 500)"),
    "reset mid-response": (
        always(status=200, body={"access_token": "ya29.x" * 100}, reset_after=20),
        "could not reach Google",
    ),
    "timeout": (always(status=200, delay=TIMEOUT * 3), "Google did not answer in time"),
    "connection refused": (REFUSED, "could not reach Google (ConnectionRefusedError)"),
}


@pytest.mark.parametrize("case", list(REFRESH_CASES))
async def test_refresh_faults(
    case: str,
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    closed_port,
    rewrite,
    expire_locally,
    terminal_size,
    until_shown,
    notifications,
) -> None:
    fault, expected = REFRESH_CASES[case]
    expire_locally(credentials_path)
    if fault is REFUSED:
        rewrite(credentials_path, token_uri=f"http://127.0.0.1:{closed_port()}/token")
    else:
        sandbox.inject("token", fault)
    before = credentials_path.read_bytes()
    app = app_for(api_timeout=timeout_for(case))
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await until_shown(pilot, app, expected)
        assert_explained_and_running(app, notifications)
        assert isinstance(app.screen, EventsScreen)  # a passing fault is no reason to sign in again
    assert_intact(credentials_path, before)


# The Calendar API
CALENDAR_CASES = {
    "500": (always(status=500, body=API_ERRORS["500_backend"]), "busy or failing (500"),
    "502 html": (always(status=502, body="<html>Bad Gateway</html>"), "busy or failing (502)"),
    "503": (always(status=503, body="unavailable"), "busy or failing (503)"),
    "429 retry-after": (
        always(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "1"}),
        "busy or failing (429",
    ),
    "429 retry-after not a number or date": (
        always(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "soon"}),
        "busy or failing (429",
    ),
    "403 rate limit": (always(status=403, body=API_ERRORS["403_rate_limit"]), "busy or failing (403"),
    "403 user rate limit": (
        always(status=403, body=API_ERRORS["403_user_rate_limit"]),
        "busy or failing (403",
    ),
    "401 long www-authenticate": (always(status=401, headers=LONG_HEADER), "could not be read"),
    "200 not json": (always(status=200, body="<html>captive portal</html>"), "not JSON"),
    "huge error": (
        always(status=400, body={"error": {"code": 400, "message": "x" * HUGE}}),
        "rejected the request (400",
    ),
    "huge not json": (always(status=200, body=b"x" * HUGE), "not JSON"),
    "reset mid-response": (
        always(status=200, body={"items": []}, reset_after=5),
        "Cannot reach Google Calendar",
    ),
    "timeout": (always(status=200, delay=TIMEOUT * 3), "did not answer in time"),
    "connection refused": (REFUSED, "Cannot reach Google Calendar (ConnectionRefusedError)"),
}


@pytest.mark.parametrize("case", list(CALENDAR_CASES))
async def test_calendar_faults(
    case: str,
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    closed_port,
    terminal_size,
    until_shown,
    notifications,
) -> None:
    fault, expected = CALENDAR_CASES[case]
    before = credentials_path.read_bytes()
    if fault is REFUSED:
        app = app_for(api_endpoint=f"http://127.0.0.1:{closed_port()}/")
    else:
        sandbox.inject("events", fault)
        app = app_for(api_timeout=timeout_for(case))
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await until_shown(pilot, app, expected)
        assert_explained_and_running(app, notifications)
        assert isinstance(app.screen, EventsScreen)
    assert_intact(credentials_path, before)


async def test_calendar_401_twice_refreshes_once_then_asks_to_sign_in(
    app_for: Callable[..., GcalApp],
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    terminal_size,
    notifications,
    sign_in,
) -> None:
    before = credentials_path.read_bytes()
    sandbox.inject("events", Fault(status=401, body=API_ERRORS["401_invalid_credentials"], times=2))
    app = app_for(calendar_ids=("primary",))  # one calendar: both 401s answer its request
    async with app.run_test(size=terminal_size, message_hook=notifications.hook) as pilot:
        await sign_in.ready(pilot)
        assert "refused the sign-in even after a refresh" in shown(app, notifications)
        assert_explained_and_running(app, notifications)
    refreshes = [r for r in sandbox.requests_to("/token") if r.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert_intact(credentials_path, before, same_bytes=False)  # the refreshed access token was kept


# Writes (the app asks for a change; each is sent once, never retried)
WRITE_CASES = {
    "500": (always(status=500, body=API_ERRORS["500_backend"]), "busy or failing (500"),
    "502 html": (always(status=502, body="<html>Bad Gateway</html>"), "busy or failing (502)"),
    "429 retry-after": (
        always(status=429, body=API_ERRORS["429_too_many"], headers={"Retry-After": "1"}),
        "busy or failing (429",
    ),
    "403 rate limit": (always(status=403, body=API_ERRORS["403_rate_limit"]), "busy or failing (403"),
    "401 long www-authenticate": (always(status=401, headers=LONG_HEADER), "could not be read"),
    "200 not json": (always(status=200, body="<html>captive portal</html>"), "not JSON"),
    "huge error": (
        always(status=400, body={"error": {"code": 400, "message": "x" * HUGE}}),
        "refused the change (400",
    ),
    "reset mid-response": (
        always(status=200, body={"id": "x"}, reset_after=5),
        "Cannot reach Google Calendar",
    ),
    "closed without an answer": (always(close_connection=True), "Cannot reach Google Calendar"),
    "timeout": (always(status=200, delay=TIMEOUT * 3), "did not answer in time"),
}


@pytest.mark.parametrize("case", list(WRITE_CASES))
async def test_write_faults(
    case: str,
    calendar_open,
    writer_credentials: OAuth2Credentials,
    credentials_path: Path,
    sandbox: Sandbox,
    cursor_on,
    until_shown,
    wait_until,
    notifications,
) -> None:
    fault, expected = WRITE_CASES[case]
    async with calendar_open(api_timeout=timeout_for(case)) as (pilot, screen):
        before = credentials_path.read_bytes()
        event = await cursor_on(pilot, screen, own_single)
        sandbox.inject("writes", fault)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await until_shown(pilot, pilot.app, f"Not saved: Delete “{event.title}”")
        await until_shown(pilot, pilot.app, expected)
        assert_explained_and_running(pilot.app, notifications)
        assert any(shown.id == event.id for shown in screen.agenda.events())  # put back
    assert sandbox.stored_event(PRIMARY, event.id) is not None
    assert_intact(credentials_path, before, same_bytes=False)
