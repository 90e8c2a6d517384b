"""The application: picks the first screen and moves between them."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from tui.config import AppConfig
from tui.messages import SignedIn
from tui.screens.sign_in import SignInScreen


class GcalApp(App[None]):
    TITLE = "gcal-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(self.config))

    def on_signed_in(self, message: SignedIn) -> None:
        self.notify("Signed in.")


def make_app(config: AppConfig) -> GcalApp:
    return GcalApp(config)
