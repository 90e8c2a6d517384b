"""`gcal-tui --demo`: the whole app against the bundled sandbox, with nothing of the person's touched."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tui.app import GcalApp, run_app
from tui.config import AppConfig
from tui.sandbox import Sandbox
from tui.sandbox.browser import ConsentError, consent, follow_redirect
from tui.screens.sign_in import SignInScreen
from tui.screens.write_access import WriteAccessScreen

PREFIX = "gcal-tui-demo-"
OWNER_FILE = "pid"


class Demo:
    """The sandbox and a temporary directory for its client secrets and credentials."""

    def __init__(self, config: AppConfig) -> None:
        remove_abandoned_demos()
        self.sandbox = Sandbox(hostile_text=False).start()
        self.directory = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.directory / OWNER_FILE).write_text(str(os.getpid()))
        secrets = self.sandbox.write_client_secrets(self.directory / "client_secrets.json")
        self.config = replace(
            config,
            client_secrets_path=secrets,
            client_secrets_searched=(secrets,),
            credentials_path=self.directory / "credentials.json",
            api_endpoint=self.sandbox.base_url,
            settings_path=self.directory / "settings.json",  # a theme tried in the demo stays there
        )

    def app(self) -> DemoApp:
        return DemoApp(self.config)

    def close(self) -> None:
        self.sandbox.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def remove_abandoned_demos() -> None:
    """Remove the folders (tokens in them) of demos that were killed before they could."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            owner = folder / OWNER_FILE
            if owner.exists():
                if _running(int(owner.read_text())):
                    continue
            elif time.time() - folder.stat().st_mtime < 3600:  # an older version's, perhaps running
                continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ActsAsBrowser(SignInScreen):
    """A sign-in screen with one more key: ctrl+b does what a browser would (open the link at the
    stand-in, choose Allow, follow the redirect)."""

    BINDINGS = [Binding("ctrl+b", "act_as_browser", "Demo: be the browser", priority=True)]

    @dataclass
    class BrowserLanded(Message):
        """The consent page redirected to `location` (with no listener to catch it: paste it)."""

        location: str

    @dataclass
    class BrowserFailed(Message):
        problem: str

    def browser_hints(self) -> list[str]:
        return [
            f"Demo: a local stand-in for Google answers at {self.config.api_endpoint}. Press ctrl+b to do "
            "what a browser would (open the link, choose Allow), or open the link in a real one."
        ]

    def action_act_as_browser(self) -> None:
        if self.attempt is None:
            return
        self.status.add("info", "Demo: loading the consent page and choosing Allow…")
        self.act_as_browser(self.attempt.authorize_url, self.listening)

    @work(thread=True, exclusive=True, group="demo-browser", exit_on_error=False)
    def act_as_browser(self, authorize_url: str, listening: bool) -> None:
        try:
            location = consent(authorize_url)
            if listening:
                follow_redirect(location)  # the listener catches it, as with a real browser
            else:
                self.post_message(self.BrowserLanded(location))
        except (ConsentError, OSError) as error:
            self.post_message(self.BrowserFailed(str(error)))

    def on_acts_as_browser_browser_landed(self, message: BrowserLanded) -> None:
        self.query_one("#code", Input).value = message.location
        self.submit_pasted()

    def on_acts_as_browser_browser_failed(self, message: BrowserFailed) -> None:
        self.status.add("error", f"Demo browser failed: {message.problem}")


class DemoSignInScreen(ActsAsBrowser, SignInScreen):
    pass


class DemoWriteAccessScreen(ActsAsBrowser, WriteAccessScreen):
    pass


class DemoApp(GcalApp):
    def sign_in_screen(self, reason: str | None = None) -> SignInScreen:
        return DemoSignInScreen(self.config, reason)

    def write_access_screen(self, account: str | None, doing: str) -> WriteAccessScreen:
        return DemoWriteAccessScreen(self.config, account, doing)


def run_demo(config: AppConfig) -> int:
    """Run the app against the stand-in; its exit status."""
    demo = Demo(config)
    try:
        return run_app(demo.app())
    finally:
        demo.close()
