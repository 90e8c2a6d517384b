"""The suite-wide leak watch (tests/leak_watch.py, used by every test through conftest) can fail:
each place it watches is shown to catch a planted token. Then a whole session, sign-in to sign-out,
is run under it with a token that expires, so every code path that handles secrets runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from oauth2client.client import OAuth2Credentials
from textual.app import App, ComposeResult
from textual.widgets import Button, Static

from tests.leak_watch import LeakWatch
from tui.app import GcalApp
from tui.calendar.errors import CalendarError
from tui.sandbox import Sandbox
from tui.screens.confirm import ConfirmScreen
from tui.screens.sign_in import SignInScreen

PLANTED = "ya29.sandbox-access-PLANTED0123456789"


def take_leaks(watch: LeakWatch) -> list[str]:
    found, watch.leaks[:] = list(watch.leaks), []
    return found


def test_a_token_in_a_log_is_caught(no_secret_leaks: LeakWatch, caplog) -> None:  # type: ignore[no-untyped-def]
    logging.getLogger("tui.anything").info("refreshed with %s", PLANTED)
    logging.getLogger("tui.sandbox.oauth").info("issued %s", PLANTED)  # the server side may
    no_secret_leaks.check_logs(caplog.records)
    leaks = take_leaks(no_secret_leaks)
    assert len(leaks) == 1 and leaks[0].startswith("log tui.anything")


def test_a_token_in_an_error_message_is_caught(no_secret_leaks: LeakWatch) -> None:
    CalendarError("request", f"Bad token {PLANTED}", "Sign in again.")
    leaks = take_leaks(no_secret_leaks)
    assert len(leaks) == 1 and leaks[0].startswith("CalendarError message")


async def test_a_token_on_screen_is_caught(no_secret_leaks: LeakWatch) -> None:
    class Careless(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("nothing to see")
            yield Button("show")

        def on_button_pressed(self) -> None:
            self.query_one(Static).update(f"token: {PLANTED}")

    app = Careless()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert take_leaks(no_secret_leaks) == []
        await pilot.click(Button)
        await pilot.pause()
    leaks = take_leaks(no_secret_leaks)
    assert leaks and leaks[0].startswith("screen")


def test_a_token_in_a_stray_file_is_caught_but_not_in_the_credentials(
    no_secret_leaks: LeakWatch, tmp_path: Path
) -> None:
    (tmp_path / "credentials.json").write_text(
        f'{{"_class": "OAuth2Credentials", "access_token": "{PLANTED}"}}'
    )
    (tmp_path / ".credentials.json.x1y2.tmp").write_text(f'{{"access_token": "{PLANTED}"}}')
    no_secret_leaks.check_files(tmp_path)
    leaks = take_leaks(no_secret_leaks)
    assert len(leaks) == 1 and ".tmp" in leaks[0]
    (tmp_path / ".credentials.json.x1y2.tmp").unlink()


async def test_a_whole_session_under_watch(
    app_for: Callable[..., GcalApp],
    sandbox: Sandbox,
    stored_credentials: OAuth2Credentials,
    credentials_path: Path,
    no_secret_leaks: LeakWatch,
    wait_until,
    expire_locally,
    terminal_size,
    sign_in,
) -> None:
    """Refresh at start, a failed sign-in attempt, signing in again, signing out: every step's
    logs, frames and errors go through the watch, and must hold no token."""
    expire_locally(credentials_path)
    app = app_for(listen=False)
    async with app.run_test(size=terminal_size) as pilot:
        await wait_until(pilot, lambda: sign_in.finished(app))
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        screen = await sign_in.ready(pilot)
        assert isinstance(screen, SignInScreen)
        location = await sign_in.consent(screen)
        await sign_in.paste(pilot, location.replace("state=", "state=x"))  # refused first
        await sign_in.paste(pilot, location)
        await wait_until(pilot, lambda: sign_in.finished(app))
        await asyncio.sleep(0)
    assert credentials_path.exists()
    assert no_secret_leaks.leaks == []
    revocations = sandbox.requests_to("/revoke")
    assert len(revocations) == 1 and "token" not in revocations[0].query
