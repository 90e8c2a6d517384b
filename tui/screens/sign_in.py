"""The sign-in screen: the authorize URL to copy or open, a place to paste, and what is happening."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from tui.auth.client_secrets import ClientSecrets, ClientSecretsError
from tui.auth.redirect import RedirectError, code_from_pasted
from tui.auth.session import AttemptSetup, SignInSession
from tui.browser import open_in_browser
from tui.clipboard import copy_from_worker
from tui.config import CLIENT_SECRETS_NAME, AppConfig
from tui.deferred_imports import import_calendar_libraries
from tui.messages import SignedIn
from tui.storage import CredentialsFileError, save_credentials
from tui.widgets.key_footer import KeyFooter
from tui.widgets.status_panel import StatusPanel
from tui.widgets.title_bar import TitleBar
from tui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials
    from textual.worker import Worker

    from tui.auth.flow import ExchangeError, SignInAttempt
    from tui.auth.listener import CallbackResult

SCOPE_PREFIX = "https://www.googleapis.com/auth/"


def describe_scopes(scopes: tuple[str, ...]) -> str:
    return ", ".join(scope.removeprefix(SCOPE_PREFIX) for scope in scopes)


class SignInScreen(ReportsWorkerErrors, Screen[None]):
    TITLE = "gcal-tui"
    SUB_TITLE = "Sign in to Google Calendar"
    CSS_PATH = Path(__file__).with_name("sign_in.tcss")  # absolute: the demo subclasses the screen
    AUTO_FOCUS = "#code"

    # The link shown, if any. Always updated: a new attempt may equal the old one (a fixed state in
    # tests), and the new one must replace it.
    attempt: var[SignInAttempt | None] = var(None, init=False, always_update=True)
    exchanging: var[bool] = var(False, init=False)  # a code is being exchanged
    BINDINGS = [
        Binding("ctrl+y", "copy_url", "Copy link", priority=True),
        Binding("ctrl+o", "open_url", "Open in browser", priority=True),
        Binding("ctrl+r", "new_link", "New link", priority=True),
    ]

    @dataclass
    class AttemptReady(Message):
        """A new authorize URL (and maybe a listener) is ready."""

        setup: AttemptSetup

    @dataclass
    class AttemptFailed(Message):
        """No authorize URL could be made: the client secrets or the redirect URI are at fault."""

        error: ClientSecretsError | RedirectError

    @dataclass
    class CallbackArrived(Message):
        """The browser's redirect reached the loopback listener."""

        result: CallbackResult

    @dataclass
    class ExchangeFailed(Message):
        error: ExchangeError | CredentialsFileError

    def __init__(self, config: AppConfig, reason: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.reason = reason
        self.session = SignInSession(
            config.client_secrets_path,
            self.asked_scopes(),
            redirect_uri=config.redirect_uri,
            listen=config.listen,
            determinism=config.determinism,
            extra_params=self.authorize_params(),
        )
        self.status = StatusPanel(id="status")
        self.status.border_title = "Status"
        self.listening = False
        self.signed_in = False

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE or "", self.SUB_TITLE or "")
        with VerticalScroll(id="sign-in"):
            yield Static(id="client-info")
            yield Label(
                "1. Open this link in a browser, here or on another machine, and choose Allow:",
                classes="step-title",
            )
            yield Static("Loading the client secrets…", id="authorize-url")
            with Horizontal(classes="buttons"):
                yield Button("Copy link  ctrl+y", id="copy", disabled=True, compact=True)
                yield Button("Open in browser  ctrl+o", id="open", disabled=True, compact=True)
            yield Label(
                "2. Paste the code, or the whole URL the browser landed on, and press Enter:",
                classes="step-title",
            )
            with Horizontal(classes="paste"):
                yield Input(
                    placeholder="code or http://127.0.0.1:…/oauth2callback?state=…&code=…",
                    id="code",
                    compact=True,
                )
                yield Button("Exchange", id="exchange", variant="primary", compact=True)
            yield self.status
        yield KeyFooter(field_first=True)

    def on_mount(self) -> None:
        if self.reason:
            self.status.add("info", self.reason)
        # After the first paint: the worker imports oauth2client, which would hold the paint back.
        self.call_after_refresh(self.prepare_attempt)

    def on_unmount(self) -> None:
        self.session.close()

    why = ""  # shown under the access asked for, when the screen asks for more than at sign-in

    def asked_scopes(self) -> tuple[str, ...]:
        return self.config.scopes

    def authorize_params(self) -> dict[str, str]:
        """More parameters for the authorize URL."""
        return {}

    def keep(self, credentials: OAuth2Credentials) -> bool:
        """In the exchange worker: whether to store and use the new credentials."""
        return True

    # Attempts
    @work(thread=True, exclusive=True, group="attempt", exit_on_error=False)
    def prepare_attempt(self) -> None:
        try:
            setup = self.session.new_attempt(lambda result: self.post_message(self.CallbackArrived(result)))
        except (ClientSecretsError, RedirectError) as error:
            self.post_message(self.AttemptFailed(error))
        else:
            self.post_message(self.AttemptReady(setup))

    def on_sign_in_screen_attempt_ready(self, message: AttemptReady) -> None:
        secrets = self.session.client_secrets
        assert secrets is not None
        self.attempt = message.setup.attempt
        self._show_client(secrets)
        self.status.add("ok", f"Client secrets loaded from {secrets.path}")
        if message.setup.listening_on:
            self.status.add("ok", f"Listening for the browser's redirect on {message.setup.listening_on}")
        else:
            self.status.add("info", message.setup.not_listening_because or "Not listening.")
        for hint in self.browser_hints():
            self.status.add("info", hint)
        self.status.add("wait", "Waiting for the browser: sign in there and choose Allow…")
        self.listening = message.setup.listening_on is not None
        self.load_calendar_libraries()

    def browser_hints(self) -> list[str]:
        """More ways to reach the consent page, shown before "Waiting for the browser"."""
        return []

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def load_calendar_libraries(self) -> None:
        """While the person consents in the browser, which takes seconds, import what the calendar
        needs (googleapiclient alone takes 0.2 s), so its first page is asked for as soon as the
        token arrives. Nothing is sent anywhere."""
        import_calendar_libraries()
        _ = self.config.zone

    def on_sign_in_screen_attempt_failed(self, message: AttemptFailed) -> None:
        self.attempt = None
        error = message.error
        if isinstance(error, ClientSecretsError):
            self.status.add(
                "error", f"Client secrets {error.path}: {error.problem}", self._secrets_hint(error)
            )
        else:
            self.status.add("error", error.message, error.hint)

    def _secrets_hint(self, error: ClientSecretsError) -> str:
        """How to get a client secrets file, and where to put it: the config folder when gcal-tui
        looked in several places (it is found from any directory there), else the path given."""
        how, searched = error.args[0].splitlines()[-1], self.config.client_secrets_searched
        if error.path.is_dir():
            where = f"Save it in that folder as {CLIENT_SECRETS_NAME} and pass the file's path"
        elif error.path.exists():
            where = f"Replace {error.path} with it"
        elif len(searched) > 1:
            where = f"Save it as {searched[-1]} (looked in: {', '.join(map(str, searched))})"
        else:
            where = f"Save it as {error.path}"
        return f"{how} {where}, then press ctrl+r."

    def _show_client(self, secrets: ClientSecrets) -> None:
        info = Text()
        info.append("Project ", style="dim")
        info.append(secrets.project_id or "(none)")
        info.append("   Client ", style="dim")
        info.append(f"{secrets.short_client_id} ({secrets.type_label})")
        info.append("\nAccess ", style="dim")
        info.append(describe_scopes(self.session.scopes))
        if self.why:
            info.append("\nWhy    ", style="dim")
            info.append(self.why)
        self.query_one("#client-info", Static).update(info)

    def action_new_link(self) -> None:
        if self.signed_in:
            return
        self.status.clear()
        self.query_one("#code", Input).value = ""
        self.prepare_attempt()

    # Copy and open
    def action_copy_url(self) -> None:
        if self.attempt is None:
            self.notify("There is no link to copy yet.", severity="warning")
            return
        self.copy_url(self.attempt.authorize_url)

    @work(thread=True, exclusive=True, group="clipboard", exit_on_error=False)
    def copy_url(self, url: str) -> None:
        copy_from_worker(self.app, url, "Link")

    def action_open_url(self) -> None:
        if self.attempt is None:
            self.notify("There is no link to open yet.", severity="warning")
            return
        self.open_url(self.attempt.authorize_url)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def open_url(self, url: str) -> None:
        problem = open_in_browser(url)
        if problem is None:
            self.notify("Opened the link in your browser.")
        else:
            self.notify(f"{problem} (ctrl+y copies it)", severity="warning")

    # Codes: pasted or caught by the listener
    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#exchange")
    def submit_pasted(self) -> None:
        if self.attempt is None or self.signed_in:
            return
        pasted = self.query_one("#code", Input).value
        try:
            code = code_from_pasted(pasted, self.attempt.expected)
        except RedirectError as error:
            self.status.add("error", error.message, error.hint)
            return
        self._begin_exchange(self.attempt, code, "the pasted text")

    def on_sign_in_screen_callback_arrived(self, message: CallbackArrived) -> None:
        result: CallbackResult = message.result
        if self.attempt is None or self.signed_in:
            return
        if result.error is not None:
            self.status.add("error", result.error.message, result.error.hint)
            self.attempt.claim()
            return
        assert result.code is not None
        self._begin_exchange(self.attempt, result.code, "the browser's redirect")

    def _begin_exchange(self, attempt: SignInAttempt, code: str, source: str) -> None:
        if not attempt.claim():
            self.notify(
                "This link's code is already being exchanged (or was used). Press ctrl+r for a new link.",
                severity="warning",
            )
            return
        self.exchanging = True
        self.status.add("wait", f"Exchanging the code from {source} for credentials…")
        self.exchange(attempt, code)

    def watch_attempt(self, attempt: SignInAttempt | None) -> None:
        link = Text(attempt.authorize_url, overflow="fold") if attempt else None
        self.query_one("#authorize-url", Static).update(link or "No sign-in link: see Status below.")
        for button in self.query("#copy, #open, #exchange").results(Button):
            button.disabled = attempt is None

    def watch_exchanging(self, exchanging: bool) -> None:
        self.query_one("#exchange", Button).disabled = exchanging
        self.query_one("#code", Input).disabled = exchanging

    def worker_failed(self, worker: Worker[object], what: str) -> None:
        if worker.group in ("attempt", "exchange"):
            self.exchanging = False
            self.status.add("error", what, "Press ctrl+r for a new link.")

    @work(thread=True, exclusive=True, group="exchange", exit_on_error=False)
    def exchange(self, attempt: SignInAttempt, code: str) -> None:
        """A refused code (a stray or cut paste) leaves the attempt and its listener as they were,
        for the right code; the listener stops once the sign-in succeeds or cannot go on. It is
        stopped here, not on the UI thread: that waits for its thread."""
        from tui.auth.flow import ExchangeError, exchange_code  # deferred

        keep_listening = False
        try:
            credentials = exchange_code(
                attempt, code, timeout=self.config.exchange_timeout, required=self.config.scopes
            )
            if not self.keep(credentials):
                self.session.close()
                return
            save_credentials(self.config.credentials_path, credentials)
        except ExchangeError as error:
            keep_listening = error.retryable
            if keep_listening:
                attempt.release()
            self.post_message(self.ExchangeFailed(error))
        except CredentialsFileError as error:
            self.post_message(self.ExchangeFailed(error))
        else:
            self.post_message(SignedIn(credentials))
        if not keep_listening:
            self.session.close()

    def on_sign_in_screen_exchange_failed(self, message: ExchangeFailed) -> None:
        self.exchanging = False
        error = message.error
        if isinstance(error, CredentialsFileError):
            self.status.add("error", str(error), "Fix the path or pass --credentials, then press ctrl+r.")
        else:
            self.status.add("error", error.message, error.hint)
        self.query_one("#code", Input).focus()

    def on_signed_in(self, message: SignedIn) -> None:
        self.signed_in = True
        self.query_one("#code", Input).value = ""  # the code is spent; nothing to leave on screen
        self.status.add("ok", f"Signed in. Credentials saved to {self.config.credentials_path}")
        # The message bubbles on to the app, which moves to the calendar.
