"""Messages that cross from workers and listener threads to the screens and the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # what the messages carry; importing it all here would load oauth2client at start-up
    from oauth2client.client import OAuth2Credentials

    from tui.auth.client_secrets import ClientSecretsError
    from tui.auth.flow import ExchangeError
    from tui.auth.listener import CallbackResult
    from tui.auth.redirect import RedirectError
    from tui.auth.revoke import RevokeError
    from tui.auth.session import AttemptSetup
    from tui.calendar.client import EventPage, RetryNotice
    from tui.calendar.errors import CalendarError
    from tui.calendar.model import CalendarInfo
    from tui.storage import CredentialsFileError


class AttemptReady(Message):
    """A new authorize URL (and maybe a listener) is ready."""

    def __init__(self, setup: AttemptSetup) -> None:
        self.setup = setup
        super().__init__()


class AttemptFailed(Message):
    """No authorize URL could be made: the client secrets or the redirect URI are at fault."""

    def __init__(self, error: ClientSecretsError | RedirectError) -> None:
        self.error = error
        super().__init__()


class CallbackArrived(Message):
    """The browser's redirect reached the loopback listener."""

    def __init__(self, result: CallbackResult) -> None:
        self.result = result
        super().__init__()


class ExchangeFailed(Message):
    def __init__(self, error: ExchangeError | CredentialsFileError) -> None:
        self.error = error
        super().__init__()


class SignedIn(Message):
    """Credentials were obtained and stored."""

    def __init__(self, credentials: OAuth2Credentials) -> None:
        self.credentials = credentials
        super().__init__()


class SignInNeeded(Message):
    """The stored sign-in no longer works; the app goes back to the sign-in screen."""

    def __init__(self, reason: str | None) -> None:
        self.reason = reason
        super().__init__()


class EventsPageLoaded(Message):
    def __init__(self, generation: int, page: EventPage) -> None:
        self.generation = generation
        self.page = page
        super().__init__()


class EventsLoadFailed(Message):
    def __init__(self, generation: int, error: CalendarError) -> None:
        self.generation = generation
        self.error = error
        super().__init__()


class EventsLoadRetrying(Message):
    def __init__(self, generation: int, notice: RetryNotice) -> None:
        self.generation = generation
        self.notice = notice
        super().__init__()


class CalendarsLoaded(Message):
    def __init__(self, calendars: list[CalendarInfo] | None, error: CalendarError | None = None) -> None:
        self.calendars = calendars
        self.error = error
        super().__init__()


class AccountKnown(Message):
    """Who is signed in: the primary calendar's id."""

    def __init__(self, account: str) -> None:
        self.account = account
        super().__init__()


class SignOutFinished(Message):
    """Revocation was tried; `error` says why it did not happen at Google, if it did not."""

    def __init__(self, outcome: str | None, error: RevokeError | None) -> None:
        self.outcome = outcome
        self.error = error
        super().__init__()


class SignedOut(Message):
    """The local credentials are gone; the app returns to the sign-in screen."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__()
