"""Asking Google, once, for leave to change events: the sign-in screen for `calendar.events` as well,
with `include_granted_scopes=true` (Google's incremental authorization). It closes with the new
credentials, or with why the app stays read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message

from tui.auth.stored import covers, granted_scopes
from tui.calendar.changes import WRITE_SCOPE
from tui.config import AppConfig
from tui.messages import SignedIn
from tui.screens.sign_in import SignInScreen

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials


class WriteAccessScreen(SignInScreen):
    """Closes with the credentials (stored already), a str saying why not, or None (Esc)."""

    SUB_TITLE = "Allow gcal-tui to change events"
    BINDINGS = [Binding("escape", "stay_read_only", "Stay read-only")]

    @dataclass
    class Declined(Message):
        """Google granted the sign-in without `calendar.events` (its box was unticked)."""

    def __init__(self, config: AppConfig, account: str | None, doing: str) -> None:
        self.account = account
        self.why = f"To {doing}: at sign-in gcal-tui asked only to read."
        super().__init__(config)

    def asked_scopes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.config.scopes, WRITE_SCOPE)))

    def authorize_params(self) -> dict[str, str]:
        params = {"include_granted_scopes": "true"}
        if self.account and "@" in self.account:
            params["login_hint"] = self.account  # the account signed in, not another
        return params

    def keep(self, credentials: OAuth2Credentials) -> bool:
        if covers(granted_scopes(credentials), [WRITE_SCOPE]):
            return True
        self.post_message(self.Declined())
        return False

    def on_write_access_screen_declined(self) -> None:
        self.dismiss("Google's box for changing events was left unticked.")  # type: ignore[arg-type]

    def action_stay_read_only(self) -> None:
        self.dismiss(None)

    def on_signed_in(self, message: SignedIn) -> None:
        message.stop()  # the calendar stays where it is: this screen closes with the credentials
        self.signed_in = True
        self.dismiss(message.credentials)  # type: ignore[arg-type]
