"""An unexpected error in the running app ends it with a short report, a private file and exit status
1: no traceback with local variables, no token or secret anywhere."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from oauth2client.client import OAuth2Credentials
from textual.binding import Binding

from tui.app import GcalApp
from tui.calendar.loader import CalendarLoader
from tui.config import AppConfig
from tui.crash import REDACTED
from tui.screens.events import EventsScreen


class CrashingApp(GcalApp):
    BINDINGS = [*GcalApp.BINDINGS, Binding("f12", "crash", "Crash")]

    def action_crash(self) -> None:
        credentials = self.screen.credentials  # a local that Textual's report would print
        raise RuntimeError(f"boom with {credentials.refresh_token} inside")


@pytest.mark.parametrize("in_worker", [False, True])
async def test_a_crash_leaves_a_short_report_a_private_file_and_status_1(
    config: AppConfig,
    stored_credentials: OAuth2Credentials,
    in_worker: bool,
    wait_until,
    loaded,
) -> None:
    app = CrashingApp(config)
    with pytest.raises(Exception, match="boom"):  # Pilot re-raises what ended the app
        async with app.run_test(notifications=True) as pilot:
            await wait_until(pilot, lambda: loaded(app))
            if in_worker:
                app.run_worker(app.action_crash, thread=True)
            else:
                await pilot.press("f12")
            await pilot.pause(0.5)
    assert app.return_code == 1
    printed = app.crash_text or ""
    reports = list((config.crash_dir or Path()).glob("crash-*.txt"))
    assert len(reports) == 1
    report = reports[0]
    assert str(report) in printed and "RuntimeError" in printed
    assert stored_credentials.refresh_token not in printed
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    text = report.read_text()
    assert "Traceback" in text and "action_crash" in text and REDACTED in text
    assert stored_credentials.refresh_token not in text
    assert "credentials =" not in text.split("raise RuntimeError")[-1]  # no locals after the raise


async def test_a_bug_in_a_screens_worker_is_reported_and_the_app_goes_on(
    app_for,
    stored_credentials: OAuth2Credentials,
    config: AppConfig,
    monkeypatch,
    wait_until,
    loaded,
    notifications,
) -> None:  # type: ignore[no-untyped-def]
    """Thread workers run with exit_on_error=False: a bug in one (here a load that raises) is a line
    on screen, a notification and a report on disk, and the next refresh works."""
    app = app_for()
    real_sync = CalendarLoader.sync_store  # what r runs once the agenda is from the store

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"bug near {stored_credentials.access_token}")

    async with app.run_test(size=(120, 40), message_hook=notifications.hook) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        monkeypatch.setattr(CalendarLoader, "sync_store", broken)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        await wait_until(
            pilot, lambda: screen.notice is not None and "Unexpected error" in screen.notice.plain
        )
        assert app.is_running and app.return_code is None and not screen.syncing
        assert "RuntimeError" in screen.notice.plain and "Press r to try again" in screen.notice.plain
        assert notifications.any("Unexpected error: RuntimeError")
        assert stored_credentials.access_token not in "\n".join(notifications.texts)
        [report] = (config.crash_dir or Path()).glob("crash-*.txt")
        assert (
            "RuntimeError" in report.read_text() and stored_credentials.access_token not in report.read_text()
        )
        monkeypatch.setattr(CalendarLoader, "sync_store", real_sync)
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and screen.notice is None)
        assert screen.shown_count > 0
