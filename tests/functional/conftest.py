"""Fixtures for the functional tests: a running sandbox (the stand-in for Google, over real HTTP),
client secrets and credentials for it, apps to drive with Pilot, and the helpers those tests share.

A helper is a fixture that returns a function, so a test asks for it by name, as for any fixture.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pyperclip
import pytest
from oauth2client.client import OAuth2Credentials
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import GcalApp
from tui.calendar.agenda import Placement
from tui.calendar.changes import WRITE_SCOPE, is_invitation
from tui.calendar.client import EventPage, RetryNotice
from tui.calendar.errors import CalendarError
from tui.calendar.model import CalendarInfo, Event
from tui.config import READONLY_SCOPE, AppConfig
from tui.credentials_store import CredentialsStore
from tui.sandbox import Sandbox
from tui.sandbox.browser import consent, follow_redirect, sign_in_directly
from tui.sandbox.calendar_data import PRIMARY
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.event_detail import EventDetailScreen
from tui.screens.event_form import EventFormScreen
from tui.screens.events import EventsScreen
from tui.screens.send_change import SendChangeScreen
from tui.screens.sign_in import SignInScreen
from tui.screens.write_access import WriteAccessScreen
from tui.storage import save_credentials

WaitUntil = Callable[..., Awaitable[None]]


# The sandbox and an app that uses it
@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def client_secrets(tmp_path: Path, sandbox: Sandbox) -> Path:
    return sandbox.write_client_secrets(tmp_path / "client_secrets.json")


@pytest.fixture
def credentials_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "credentials.json"


@pytest.fixture
def config(client_secrets: Path, credentials_path: Path, sandbox: Sandbox, tmp_path: Path) -> AppConfig:
    return AppConfig(
        client_secrets_path=client_secrets,
        credentials_path=credentials_path,
        crash_dir=tmp_path / "state",
        api_endpoint=sandbox.base_url,
        exchange_timeout=2.0,
        api_timeout=2.0,
        api_retry_base_delay=0.01,
    )


@pytest.fixture
def app_for(config: AppConfig) -> Callable[..., GcalApp]:
    """An app on `config`, with the options given changed."""

    def build(**changes: Any) -> GcalApp:
        for name, value in changes.items():
            setattr(config, name, value)
        return GcalApp(config)

    return build


@pytest.fixture
def stored_credentials(client_secrets: Path, credentials_path: Path) -> OAuth2Credentials:
    """A real sign-in at the sandbox, saved where the app looks."""
    credentials = sign_in_directly(client_secrets)
    save_credentials(credentials_path, credentials)
    credentials.set_store(CredentialsStore(credentials_path))
    return credentials


@pytest.fixture
def writer_credentials(client_secrets: Path, credentials_path: Path) -> OAuth2Credentials:
    """A sign-in that granted `calendar.events` too (as after the app's first write), saved."""
    credentials = sign_in_directly(client_secrets, (READONLY_SCOPE, WRITE_SCOPE))
    save_credentials(credentials_path, credentials)
    credentials.set_store(CredentialsStore(credentials_path))
    return credentials


@pytest.fixture
def terminal_size() -> tuple[int, int]:
    """A roomy terminal; the small ones are tried in tests of their own."""
    return (120, 40)


# The machine, as over SSH
@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No display, no $BROWSER, no browser program on the PATH."""
    import webbrowser

    monkeypatch.setenv("BROWSER", "")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})


@pytest.fixture
def no_system_clipboard() -> Iterator[None]:
    """pyperclip has no clipboard program to use."""
    pyperclip.set_clipboard("no")
    yield
    pyperclip.determine_clipboard()


@pytest.fixture
def closed_port() -> Callable[[], int]:
    """A loopback port nothing listens on: connections to it are refused."""

    def port() -> int:
        with socket.socket() as spare:
            spare.bind(("127.0.0.1", 0))
            return spare.getsockname()[1]

    return port


@pytest.fixture
def event_requests() -> Callable[[Sandbox], list[Any]]:
    """The requests for events the sandbox has had so far."""
    return lambda sandbox: [r for r in list(sandbox.requests) if r.path.endswith("/events")]


@pytest.fixture
def sync_requests() -> Callable[[Sandbox], list[Any]]:
    """The requests the event store's syncs have made so far (`singleEvents=false`)."""
    return lambda sandbox: [
        r
        for r in list(sandbox.requests)
        if r.path.endswith("/events") and r.params.get("singleEvents") == "false"
    ]


# Credentials files changed by hand
def _rewrite(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


@pytest.fixture
def rewrite() -> Callable[..., None]:
    """Change fields of a stored credentials file, as someone editing it would."""
    return _rewrite


@pytest.fixture
def expire_locally() -> Callable[[Path], None]:
    """Make the stored access token expired ten minutes ago, so the next request refreshes it."""

    def expire(path: Path) -> None:
        past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=10)
        _rewrite(path, token_expiry=past.strftime("%Y-%m-%dT%H:%M:%SZ"))

    return expire


# Events to act on (the sandbox's sample data has several of each)
def unanswered(event: Event) -> bool:
    """An invitation not answered yet."""
    return is_invitation(event) and event.my_response == "needsAction"


def own_single(event: Event) -> bool:
    """A timed event of yours in your own calendar, alone (no guests, not one of a series)."""
    return (
        event.calendar_id in (PRIMARY, "primary")
        and not event.attendees
        and not event.recurring_event_id
        and event.event_type == "default"
        and not event.all_day
    )


# Driving the app
async def _wait_until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the app never reached the state the test waits for")
        await pilot.pause(0.05)


@pytest.fixture
def wait_until() -> WaitUntil:
    """Let the app run until `condition()` holds; TimeoutError if it never does."""
    return _wait_until


@pytest.fixture
def wait_for_workers() -> Callable[[GcalApp], Awaitable[None]]:
    """Wait until every worker of the app has finished."""

    async def wait(app: GcalApp) -> None:
        await app.workers.wait_for_complete()

    return wait


class NotificationLog:
    """The notifications an app showed, read through Pilot's message hook."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def hook(self, message: object) -> None:
        if isinstance(message, Notify):
            self.texts.append(message.notification.message)

    def any(self, words: str) -> bool:
        return any(words in text for text in self.texts)


@pytest.fixture
def notifications() -> NotificationLog:
    """Pass `message_hook=notifications.hook` to `run_test`; then `notifications.texts`."""
    return NotificationLog()


@pytest.fixture
def screen_lines() -> Callable[[GcalApp], list[str]]:
    """The text of every line of the app's screen, as the terminal would show it."""
    return lambda app: [strip.text for strip in app.screen._compositor.render_strips()]


def _loaded(app: GcalApp) -> bool:
    screen = app.screen
    return isinstance(screen, EventsScreen) and screen.settled


@pytest.fixture
def loaded() -> Callable[[GcalApp], bool]:
    """The events screen is up and its last load has finished."""
    return _loaded


@pytest.fixture
def events_screen() -> Callable[[GcalApp], EventsScreen]:
    """The app's screen, which must be the events screen."""

    def screen(app: GcalApp) -> EventsScreen:
        assert isinstance(app.screen, EventsScreen), app.screen
        return app.screen

    return screen


@pytest.fixture
def open_detail() -> Callable[[Pilot[Any], EventsScreen, Event], Awaitable[None]]:
    """Put the agenda's cursor on an event and press Enter, as a person would after moving to it."""

    async def open_it(pilot: Pilot[Any], screen: EventsScreen, event: Event) -> None:
        view = screen.agenda_view
        view.move_to(next(i for i, line in enumerate(view.lines) if getattr(line, "event", None) is event), 1)
        await pilot.press("enter")
        await _wait_until(pilot, lambda: isinstance(pilot.app.screen, EventDetailScreen))

    return open_it


@pytest.fixture
def calendar_open(
    app_for: Callable[..., GcalApp], notifications: NotificationLog
) -> Callable[..., AbstractAsyncContextManager[tuple[Pilot[Any], EventsScreen]]]:
    """`async with calendar_open(**options) as (pilot, screen)`: an app on the config with these
    options changed, run until its events screen has loaded (notifications logged)."""

    @asynccontextmanager
    async def run(
        size: tuple[int, int] = (120, 40), **options: Any
    ) -> AsyncIterator[tuple[Pilot[Any], EventsScreen]]:
        app = app_for(**options)
        async with app.run_test(size=size, message_hook=notifications.hook, notifications=True) as pilot:
            await _wait_until(pilot, lambda: _loaded(app), timeout=20)
            assert isinstance(app.screen, EventsScreen)
            yield pilot, app.screen

    return run


@pytest.fixture
def cursor_on() -> Callable[[Pilot[Any], EventsScreen, Callable[[Event], bool]], Awaitable[Event]]:
    """Move the agenda's cursor to the first event that `matches`, as a person would; the event."""

    async def put(pilot: Pilot[Any], screen: EventsScreen, matches: Callable[[Event], bool]) -> Event:
        view = screen.agenda_view
        index = next(
            i for i, line in enumerate(view.lines) if isinstance(line, Placement) and matches(line.event)
        )
        view.move_to(index, 1)
        await pilot.pause()
        selected = view.selected
        assert selected is not None and matches(selected.event)
        return selected.event

    return put


@pytest.fixture
def decline_the_series(
    cursor_on: Callable[..., Awaitable[Event]],
) -> Callable[[Pilot[Any], EventsScreen], Awaitable[Event]]:
    """Decline the recurring invitation "nysync" for all its events, as a person would: the cursor
    on one of them, `x`, "all events in the series" in the dialog, send; the event."""

    async def decline(pilot: Pilot[Any], screen: EventsScreen) -> Event:
        event = await cursor_on(pilot, screen, lambda event: event.recurring_event_id == "nysync")
        await pilot.press("x")
        await _wait_until(pilot, lambda: isinstance(pilot.app.screen, SendChangeScreen))
        await pilot.press("tab", "down", "enter")  # from the note to "which events", the second, send
        return event

    return decline


@pytest.fixture
def retitle() -> Callable[[Pilot[Any], str], Awaitable[None]]:
    """Edit the event under the cursor as a person would: `e`, a new title, `ctrl+s`."""

    async def edit(pilot: Pilot[Any], title: str) -> None:
        await pilot.press("e")
        await _wait_until(pilot, lambda: isinstance(pilot.app.screen, EventFormScreen))
        pilot.app.screen.query_one("#title", Input).value = title
        await pilot.pause()
        await pilot.press("ctrl+s")

    return edit


@pytest.fixture
def grant_write_access() -> Callable[..., Awaitable[WriteAccessScreen]]:
    """At the write-access screen: be the browser at the sandbox's consent page (unticking the
    boxes of the scopes in `untick`), and let the screen's listener catch the redirect."""

    async def grant(pilot: Pilot[Any], untick: tuple[str, ...] = ()) -> WriteAccessScreen:
        def ready() -> bool:
            screen = pilot.app.screen
            return isinstance(screen, WriteAccessScreen) and screen.attempt is not None

        await _wait_until(pilot, ready)
        screen = pilot.app.screen
        assert isinstance(screen, WriteAccessScreen) and screen.attempt is not None
        location = await asyncio.to_thread(consent, screen.attempt.authorize_url, untick=untick)
        await asyncio.to_thread(follow_redirect, location)
        return screen

    return grant


@pytest.fixture
def open_picker() -> Callable[[Pilot[Any]], Awaitable[CalendarPickerScreen]]:
    """Press c on the events screen and wait for the calendar list in the picker; the picker."""

    async def open_it(pilot: Pilot[Any]) -> CalendarPickerScreen:
        await pilot.press("c")
        await _wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, CalendarPickerScreen)
                and pilot.app.screen.selection_list.option_count > 0
            ),
        )
        picker = pilot.app.screen
        assert isinstance(picker, CalendarPickerScreen)
        return picker

    return open_it


class ToldByLoader:
    """An AgendaListener (and PageListener) that keeps what the loader tells it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calendars: list[CalendarInfo] = []
        self.shown: list[str] = []
        self.pages: list[EventPage] = []
        self.failures: dict[str, CalendarError] = {}
        self.event_colors: dict[str, str] = {}

    def calendars_known(self, calendars: list[CalendarInfo], shown: list[str]) -> None:
        self.calendars, self.shown = calendars, shown

    def event_colors_known(self, event_colors: dict[str, str]) -> None:
        self.event_colors = event_colors

    def page(self, page: EventPage) -> None:
        with self.lock:
            self.pages.append(page)

    def failed(self, calendar_id: str, error: CalendarError) -> None:
        self.failures[calendar_id] = error

    def retrying(self, notice: RetryNotice) -> None:
        pass

    def cancelled(self) -> bool:
        return False

    def calendars_with_pages(self) -> set[str]:
        return {page.calendar_id for page in self.pages}

    def items(self) -> list[Any]:
        """Every page's items, as Google sent them."""
        return [item for page in self.pages for item in page.items]


@pytest.fixture
def told() -> ToldByLoader:
    """A listener to pass to the loader; what it was told is in its attributes."""
    return ToldByLoader()


# Signing in
class SignInSteps:
    """What a person does on the sign-in screen, and what they see there."""

    async def ready(self, pilot: Pilot[Any]) -> SignInScreen:
        """Wait for the sign-in screen's link; the screen."""
        await _wait_until(
            pilot,
            lambda: isinstance(pilot.app.screen, SignInScreen) and pilot.app.screen.attempt is not None,
        )
        assert isinstance(pilot.app.screen, SignInScreen)
        return pilot.app.screen

    async def consent(self, screen: SignInScreen, *, allow: bool = True) -> str:
        """Where the browser lands after the consent page for the screen's current link."""
        assert screen.attempt is not None
        return await asyncio.to_thread(consent, screen.attempt.authorize_url, allow=allow)

    async def paste(self, pilot: Pilot[Any], text: str) -> None:
        """Paste text in the code input and press Enter."""
        pilot.app.screen.query_one("#code", Input).value = text
        await pilot.press("enter")

    def status(self, screen: SignInScreen) -> str:
        """The status panel, as text."""
        return "\n".join(screen.status.lines)

    def finished(self, app: GcalApp) -> bool:
        """Signed in, and the calendar has loaded once (so a test leaves a settled app)."""
        return isinstance(app.screen, EventsScreen) and app.screen.settled


@pytest.fixture
def sign_in() -> SignInSteps:
    return SignInSteps()
