"""Snapshots of every screen at 120x40, from a fixed configuration (no randomness, no clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, sign_in_directly, wait_until
from tui.app import GcalApp, make_app
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.events import EventsScreen
from tui.screens.sign_in import SignInScreen
from tui.storage import save_credentials

SIZE = (120, 40)
FIXED_STATE = "Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI"
FIXED_VERIFIER = b"snapshot-verifier-snapshot-verifier-snapshot-verifier"


def fixed_config(tmp_path: Path, client_secrets: str = "client_secret_desktop.json") -> AppConfig:
    return AppConfig(
        client_secrets_path=Path(client_secrets),
        credentials_path=tmp_path / "credentials.json",
        redirect_uri="http://127.0.0.1:8085/oauth2callback",
        listen=False,
        fixed_state=FIXED_STATE,
        fixed_code_verifier=FIXED_VERIFIER,
    )


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths on screen are relative, so the snapshots do not depend on where the repo lives."""
    monkeypatch.chdir(FIXTURES)


def test_sign_in_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(fixed_config(tmp_path)), terminal_size=SIZE, run_before=settle)


def test_sign_in_error(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def paste_forged(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignInScreen)
        await pilot.press(*"state=forged&code=4/abc", "enter")
        await pilot.pause()

    assert snap_compare(make_app(fixed_config(tmp_path)), terminal_size=SIZE, run_before=paste_forged)


def test_missing_client_secrets(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = fixed_config(tmp_path, client_secrets="no_such_client_secrets.json")
    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=settle)


SNAPSHOT_NOW = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)


@pytest.fixture
def calendar_app(tmp_path: Path) -> Iterator[GcalApp]:
    """Signed in to a sandbox whose calendar and clock are fixed."""
    with Sandbox(today=SNAPSHOT_NOW.date()) as sandbox:
        sandbox.calendar_api.page_size = 50
        secrets = sandbox.write_client_secrets(tmp_path / "client_secrets.json")
        credentials_path = tmp_path / "credentials.json"
        credentials = sign_in_directly(secrets)
        credentials.token_expiry = (SNAPSHOT_NOW + timedelta(minutes=59)).replace(tzinfo=None)
        save_credentials(credentials_path, credentials)
        config = AppConfig(
            client_secrets_path=secrets,
            credentials_path=credentials_path,
            api_endpoint=sandbox.base_url,
            clock=lambda: SNAPSHOT_NOW,
        )
        yield make_app(config)


async def calendar_loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, EventsScreen) and pilot.app.screen.refreshed_at
    )
    await pilot.pause()


def test_events_table(snap_compare, calendar_app: GcalApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(calendar_app, terminal_size=SIZE, run_before=calendar_loaded)


def test_event_detail(snap_compare, calendar_app: GcalApp) -> None:  # type: ignore[no-untyped-def]
    async def open_detail(pilot) -> None:  # type: ignore[no-untyped-def]
        await calendar_loaded(pilot)
        screen = pilot.app.screen
        index = next(i for i, e in enumerate(screen.shown_events) if e.attendees and e.description)
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(calendar_app, terminal_size=SIZE, run_before=open_detail)


def test_calendar_picker(snap_compare, calendar_app: GcalApp) -> None:  # type: ignore[no-untyped-def]
    async def open_picker(pilot) -> None:  # type: ignore[no-untyped-def]
        await calendar_loaded(pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CalendarPickerScreen))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(calendar_app, terminal_size=SIZE, run_before=open_picker)
