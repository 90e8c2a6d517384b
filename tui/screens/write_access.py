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
        """The new sign-in is not kept: why, in words."""

        why: str

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
        """In the exchange worker: kept only if it may write, and is the account signed in (Google
        lets a person pick another at its page, whatever `login_hint` says)."""
        if not covers(granted_scopes(credentials), [WRITE_SCOPE]):
            self.post_message(self.Declined("Google's box for changing events was left unticked."))
            return False
        problem = self.another_account(credentials) if self.account else None
        if problem is not None:
            self.post_message(self.Declined(problem))
            return False
        return True

    def another_account(self, credentials: OAuth2Credentials) -> str | None:
        from tui.calendar.client import connect  # deferred, as everywhere on screens
        from tui.calendar.errors import CalendarError

        try:
            with connect(self.config, credentials) as calendar:
                primary = next((found.id for found in calendar.calendars() if found.primary), None)
        except CalendarError as error:
            return f"gcal-tui could not check which account Google signed in ({error.message})."
        if primary is not None and primary != self.account:
            return f"Google signed in {primary}, not {self.account}: choose {self.account} there."
        return None

    def on_write_access_screen_declined(self, message: Declined) -> None:
        self.dismiss(message.why)  # type: ignore[arg-type]

    def action_stay_read_only(self) -> None:
        self.dismiss(None)

    def on_signed_in(self, message: SignedIn) -> None:
        message.stop()  # the calendar stays where it is: this screen closes with the credentials
        self.signed_in = True
        self.dismiss(message.credentials)  # type: ignore[arg-type]
