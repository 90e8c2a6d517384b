"""Shared fixtures: a running sandbox, client secrets pointing at it, and apps."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyperclip
import pytest
from oauth2client.client import OAuth2Credentials

from tests.leak_watch import LeakWatch
from tui.app import GcalApp
from tui.calendar.model import Event
from tui.config import AppConfig
from tui.credentials_store import CredentialsStore
from tui.sandbox import Sandbox
from tui.sandbox.browser import sign_in_directly
from tui.screens.event_detail import EventDetailScreen
from tui.screens.events import EventsScreen
from tui.storage import save_credentials

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_path(name: str) -> Path:
    return FIXTURES / name


def load_fixture(name: str) -> Any:
    return json.loads(fixture_path(name).read_text())


@pytest.fixture(autouse=True)
def no_secret_leaks(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LeakWatch]:
    """Every test: fail if a token or client secret reaches a log, the screen, one of the project's
    exception messages, or a file beside the credentials."""
    watch = LeakWatch()
    directory = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    caplog.set_level(logging.DEBUG)
    watch.watch_frames(monkeypatch)
    watch.watch_errors(monkeypatch)
    yield watch
    watch.check_logs(caplog.records)
    if directory is not None:
        watch.check_files(directory)
    assert not watch.leaks, "secrets leaked:\n" + "\n".join(watch.leaks[:10])


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
    def build(**changes: Any) -> GcalApp:
        for name, value in changes.items():
            setattr(config, name, value)
        return GcalApp(config)

    return build


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """As over SSH: no display, no $BROWSER, no browser program on the PATH."""
    import webbrowser

    monkeypatch.setenv("BROWSER", "")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})


@pytest.fixture
def no_system_clipboard() -> Iterator[None]:
    """As over SSH: pyperclip has no clipboard program to use."""
    pyperclip.set_clipboard("no")
    yield
    pyperclip.determine_clipboard()


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        return Path(shutil.copy(fixture_path(name), tmp_path / name))

    return copy


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        return spare.getsockname()[1]


def screen_lines(app: Any) -> list[str]:
    """The text of every line of the app's screen, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def wait_until(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the app never reached the state the test waits for"
        await pilot.pause(0.05)


def events_screen(app: Any) -> EventsScreen:
    assert isinstance(app.screen, EventsScreen), app.screen
    return app.screen


def loaded(app: Any) -> bool:
    """The events screen is up and its last load has finished."""
    screen = app.screen
    return isinstance(screen, EventsScreen) and screen.refreshed_at is not None and not screen.fetching


async def open_detail(pilot: Any, screen: EventsScreen, event: Event) -> None:
    """Put the agenda's cursor on `event` and press Enter, as a person would after moving to it."""
    view = screen.agenda_view
    view.move_to(next(i for i, line in enumerate(view.lines) if getattr(line, "event", None) is event), 1)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EventDetailScreen))


@pytest.fixture
def stored_credentials(client_secrets: Path, credentials_path: Path) -> OAuth2Credentials:
    credentials = sign_in_directly(client_secrets)
    save_credentials(credentials_path, credentials)
    credentials.set_store(CredentialsStore(credentials_path))
    return credentials
