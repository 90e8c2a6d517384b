"""The application: picks the first screen and moves between sign-in and the calendar."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui.config import AppConfig
from tui.keys import key_actions
from tui.messages import SignedIn, SignedOut, SignInNeeded
from tui.screens.help import HelpScreen
from tui.screens.sign_in import SignInScreen
from tui.settings import load_settings, save_settings, use_remembered
from tui.text import safe_text
from tui.worker_errors import ReportsWorkerErrors
from tui.worker_pool import NonWaitingPool

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.screens.write_access import WriteAccessScreen

HERE = Path(__file__).parent
# Every screen's styles, read once at start. A screen's own CSS_PATH names the same file, so Textual
# finds it read already; otherwise each first showing of a screen parses all styles again (20 ms
# between "Signed in" and the calendar).
STYLE_SHEETS = [
    HERE / "app.tcss",
    *sorted((HERE / "screens").glob("*.tcss")),
]


class GcalApp(ReportsWorkerErrors, App[None]):
    TITLE = "gcal-tui"
    CSS_PATH = STYLE_SHEETS
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.crash_text: str | None = None
        self.settings = load_settings(config.settings_path)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        use_remembered(config, self.settings)

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing else caught ends the app with exit status 1 and a short report
        (`crash_text`, printed by `run_app` once the terminal is restored). Textual's own report
        would print every frame's local variables: the client secret and the tokens among them.
        (Textual is pinned, so this private hook stays put.)"""
        from tui.crash import crash_message, write_crash_report

        self._return_code = 1
        if self._exception is None:  # as Textual does: Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        if self.crash_text is None:
            cause = error.error if isinstance(error, WorkerFailed) else error
            self.crash_text = crash_message(cause, write_crash_report(cause, self.config.crash_reports))
        self._close_messages_no_wait()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain, cleaned text, whatever the caller asks: messages quote
        servers, files and paths, and `[` there must not be markup (nor `[/x]` a crash)."""
        super().notify(
            safe_text(message), title=safe_text(title), severity=severity, timeout=timeout, markup=False
        )

    def watch_theme(self, theme: str) -> None:
        if self.config.settings_path is not None and theme != self.settings.theme:
            self.settings.theme = theme
            self.save_settings()

    def remember_time_zone(self, name: str) -> None:
        """Show times in `name` from now on, in this run and (with a settings file) the next ones."""
        self.config.zone_name = name
        if self.config.settings_path is not None:
            self.settings.time_zone = name
            self.save_settings()

    def remember_calendars(self, calendar_ids: tuple[str, ...]) -> None:
        """Show these calendars from now on, in this run and (with a settings file) the next ones."""
        self.config.calendar_ids = calendar_ids
        if self.config.settings_path is not None:
            self.settings.calendars = list(calendar_ids)
            self.save_settings()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def save_settings(self) -> None:
        assert self.config.settings_path is not None
        try:
            save_settings(self.config.settings_path, self.settings)
        except OSError as error:
            self.notify(f"Could not remember the settings: {error.strerror}", severity="warning")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(NonWaitingPool())
        for ending in (signal.SIGTERM, signal.SIGHUP):  # leave as ctrl+q does: the terminal restored
            loop.add_signal_handler(ending, self.exit)
        if self.config.reauth:
            reason = "Signing in again (--reauth): the stored credentials are replaced only if this succeeds."
            self.push_screen(self.sign_in_screen(reason))
        elif self.config.credentials_path.exists():
            # Most starts: straight to the calendar, which checks the stored sign-in as it loads.
            self.push_screen(self.events_screen(None))
        else:
            self.push_screen(self.sign_in_screen())

    def on_app_focus(self) -> None:
        """Textual tells the app alone that the terminal has focus again; the screens want to know
        too (the events screen syncs then)."""
        for screen in self.screen_stack:
            screen.post_message(events.AppFocus())

    def sign_in_screen(self, reason: str | None = None) -> SignInScreen:
        return SignInScreen(self.config, reason)

    def write_access_screen(self, account: str | None, doing: str) -> WriteAccessScreen:
        from tui.screens.write_access import WriteAccessScreen  # deferred

        return WriteAccessScreen(self.config, account, doing)

    def events_screen(self, credentials: OAuth2Credentials | None) -> Screen[None]:
        from tui.screens.events import EventsScreen  # deferred

        return EventsScreen(self.config, credentials)

    def on_signed_in(self, message: SignedIn) -> None:
        from tui.credentials_store import CredentialsStore  # deferred

        credentials: OAuth2Credentials = message.credentials
        credentials.set_store(CredentialsStore(self.config.credentials_path))
        self.switch_screen(self.events_screen(credentials))

    def on_sign_in_needed(self, message: SignInNeeded) -> None:
        self.switch_screen(self.sign_in_screen(message.reason))

    def on_signed_out(self, message: SignedOut) -> None:
        self.switch_screen(self.sign_in_screen(message.reason))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands, and every key action of the screen by name: the actions the help
        screen lists (the app's own, quit and help, are among Textual's already)."""
        yield from super().get_system_commands(screen)
        for action in key_actions(screen):
            if action.node is not self:
                yield SystemCommand(
                    action.description,
                    f"{action.description} ({action.keys[0]})",
                    partial(action.node.run_action, action.action),
                )


def run_app(app: GcalApp) -> int:
    """Run `app` in the terminal; its exit status, after saying why if it crashed."""
    app.run()
    if app.crash_text:
        print(app.crash_text, file=sys.stderr)
    return app.return_code or 0
