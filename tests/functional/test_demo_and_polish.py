"""The demo mode, the help screen and the remembered theme."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tui.app import GcalApp
from tui.config import AppConfig
from tui.demo import Demo
from tui.screens.events import EventsScreen
from tui.screens.help import HelpScreen
from tui.screens.sign_in import SignInScreen


def base_config(tmp_path: Path) -> AppConfig:
    return AppConfig(
        client_secrets_path=tmp_path / "real" / "client_secrets.json",
        credentials_path=tmp_path / "real" / "credentials.json",
        settings_path=tmp_path / "real" / "settings.json",
        api_retry_base_delay=0.01,
    )


async def test_demo_signs_in_with_one_key_and_never_touches_real_files(
    tmp_path: Path, wait_until, terminal_size
) -> None:
    demo = Demo(base_config(tmp_path))
    try:
        assert demo.config.credentials_path.parent == demo.directory
        assert demo.config.settings_path is not None and demo.config.settings_path.parent == demo.directory
        app = demo.app()
        async with app.run_test(size=terminal_size) as pilot:
            await wait_until(
                pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.attempt is not None
            )
            assert "ctrl+b" in "\n".join(app.screen.status.lines)  # type: ignore[union-attr]
            await pilot.press("ctrl+b")
            await wait_until(
                pilot, lambda: isinstance(app.screen, EventsScreen) and app.screen.refreshed_at is not None
            )
            assert len(app.screen.shown_events) > 50  # type: ignore[attr-defined]
            assert {r.path for r in demo.sandbox.requests} >= {
                "/o/oauth2/auth",
                "/o/oauth2/approve",
                "/token",
            }
        assert demo.config.credentials_path.exists()
    finally:
        demo.close()
    assert not demo.directory.exists()
    assert not (tmp_path / "real").exists()


async def test_demo_key_is_absent_outside_the_demo(
    app_for: Callable[..., GcalApp], sandbox, wait_until, terminal_size
) -> None:  # type: ignore[no-untyped-def]
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.attempt is not None
        )
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "New link" in titles and not any(title.startswith("Demo") for title in titles)
        await pilot.press("ctrl+b")
        await pilot.pause(0.3)
    assert sandbox.requests_to("/o/oauth2/approve") == []


async def test_help_lists_the_keys_of_the_screen(
    app_for: Callable[..., GcalApp], stored_credentials, wait_until, terminal_size
) -> None:  # type: ignore[no-untyped-def]
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        described = {what for _, what in help_screen.rows}
        assert {"Refresh", "Filter", "Calendars", "Range", "Sign out", "Details", "Quit", "Help"} <= described
        assert ("?", "Help") in [(keys.split(" / ")[-1], what) for keys, what in help_screen.rows]
        await pilot.press("escape")
        assert isinstance(app.screen, EventsScreen)


async def test_question_mark_types_into_the_input_on_the_sign_in_screen(
    app_for: Callable[..., GcalApp],
    wait_until,
    terminal_size,
) -> None:
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.attempt is not None
        )
        await pilot.press("a", "question_mark", "b")
        assert app.screen.query_one("#code", Input).value == "a?b"
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_is_remembered(
    tmp_path: Path, app_for: Callable[..., GcalApp], wait_until, terminal_size
) -> None:
    settings = tmp_path / "config" / "settings.json"
    app = app_for(settings_path=settings)
    async with app.run_test(size=terminal_size) as pilot:
        app.theme = "gruvbox"
        await wait_until(pilot, lambda: settings.exists())
    assert json.loads(settings.read_text()) == {
        "theme": "gruvbox",
        "time_zone": None,
        "calendars": None,
        "sync_minutes": None,
    }
    again = app_for(settings_path=settings)
    assert again.theme == "gruvbox"


async def test_unreadable_settings_fall_back_to_the_default(
    tmp_path: Path, app_for: Callable[..., GcalApp]
) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text("{not json")
    assert app_for(settings_path=settings).theme == "textual-dark"


async def test_palette_offers_the_screen_actions(
    app_for: Callable[..., GcalApp], stored_credentials, wait_until, terminal_size
) -> None:  # type: ignore[no-untyped-def]
    app = app_for()
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Refresh", "Filter", "Calendars", "Range", "Sign out"} <= titles
        assert any("theme" in title.lower() for title in titles)
