"""The README's screenshots, from the sandbox with fixed data and a fixed clock.

`python scripts/export_screenshots.py [DIR]` writes the SVGs (default: screenshots/). The snapshot
tests run the same scenes, so the pictures and the tests show the same screens.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.app import GcalApp
from tui.calendar.changes import WRITE_SCOPE, is_invitation
from tui.calendar.model import Event
from tui.config import READONLY_SCOPE, AppConfig, Determinism
from tui.sandbox import Sandbox
from tui.sandbox.browser import consent, sign_in_directly
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.events import EventsScreen
from tui.screens.search import SearchScreen
from tui.screens.sign_in import SignInScreen
from tui.screens.write_access import WriteAccessScreen
from tui.storage import save_credentials

SIZE = (100, 30)
SMALL = (80, 24)
NOW = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)
ZONE = "Europe/London"  # fixed, so the pictures do not depend on the machine's zone
STATE = "Qx7fK2mZpR9vT4wYb1nC8eL5uH3jA6sD0gI"
VERIFIER = b"screenshot-verifier-screenshot-verifier-screenshot-verifier"
REDIRECT_URI = "http://127.0.0.1:8085/oauth2callback"
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the scene did not reach the state it shows")
        await pilot.pause(0.05)


@dataclass
class Studio:
    """A sandbox, and a working directory holding short relative paths that read the same every run."""

    sandbox: Sandbox

    def sign_in_config(self) -> AppConfig:
        # The authorize URL names Google (the sandbox's port would change every run); the token
        # endpoint is the sandbox's, so the exchange is real.
        secrets = self.sandbox.client_secrets()
        secrets["installed"]["auth_uri"] = GOOGLE_AUTH_URI
        Path("client_secrets.json").write_text(json.dumps(secrets))
        return AppConfig(
            client_secrets_path=Path("client_secrets.json"),
            credentials_path=Path("credentials.json"),
            redirect_uri=REDIRECT_URI,
            listen=False,
            api_endpoint=self.sandbox.base_url,
            determinism=Determinism.fixed(NOW, STATE, VERIFIER),
            zone_name=ZONE,
        )

    def calendar_config(self, *, may_write: bool = False) -> AppConfig:
        """Signed in already: to read, or (`may_write`) to change events too."""
        secrets = self.sandbox.write_client_secrets(Path("calendar_client_secrets.json"))
        scopes = (READONLY_SCOPE, WRITE_SCOPE) if may_write else (READONLY_SCOPE,)
        credentials = sign_in_directly(secrets, scopes, redirect_uri=REDIRECT_URI)
        credentials.token_expiry = (NOW + timedelta(minutes=59)).replace(tzinfo=None)
        save_credentials(Path("calendar_credentials.json"), credentials)
        return AppConfig(
            client_secrets_path=secrets,
            credentials_path=Path("calendar_credentials.json"),
            api_endpoint=self.sandbox.base_url,
            determinism=Determinism.fixed(NOW),
            zone_name=ZONE,
        )

    def write_access_config(self) -> AppConfig:
        """Signed in to read; the authorize URL for more names Google, as at sign-in."""
        config = self.calendar_config()
        sign_in = self.sign_in_config()
        config.client_secrets_path = sign_in.client_secrets_path
        config.redirect_uri, config.listen, config.determinism = REDIRECT_URI, False, sign_in.determinism
        return config

    def consent_as_browser(self, authorize_url: str) -> str:
        """Consent at the sandbox to a URL that names Google; drop the sandbox's issuer from the answer."""
        location = consent(authorize_url.replace(GOOGLE_AUTH_URI, f"{self.sandbox.base_url}o/oauth2/auth"))
        return re.sub(r"&iss=[^&]*", "", location)


@contextmanager
def studio() -> Iterator[Studio]:
    previous = Path.cwd()
    with (
        tempfile.TemporaryDirectory(prefix="gcal-tui-screenshots-") as workdir,
        Sandbox(today=NOW.date(), hostile_text=False) as sandbox,
    ):
        sandbox.calendar_api.page_size = 50
        os.chdir(workdir)
        try:
            yield Studio(sandbox)
        finally:
            os.chdir(previous)


def sign_in_screen(pilot: Pilot[Any]) -> SignInScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    return screen


async def sign_in_ready(pilot: Pilot[Any]) -> None:
    await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, SignInScreen) and pilot.app.screen.attempt is not None
    )
    await pilot.pause()


async def sign_in_error(pilot: Pilot[Any]) -> None:
    await sign_in_ready(pilot)
    await pilot.press(*"state=forged&code=4/abc", "enter")
    await pilot.pause()


def finished_exchange(studio: Studio) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        await sign_in_ready(pilot)
        screen = sign_in_screen(pilot)
        assert screen.attempt is not None
        location = await asyncio.to_thread(studio.consent_as_browser, screen.attempt.authorize_url)
        await pilot.press(*location, "enter")
        await wait_for(pilot, lambda: any("Credentials saved" in line for line in screen.status.lines))
        await calendar_loaded(pilot)

    return run


async def calendar_loaded(pilot: Pilot[Any]) -> None:
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, EventsScreen)
            and pilot.app.screen.account is not None
            and pilot.app.screen.settled
        ),
    )
    await pilot.pause()


async def event_detail(pilot: Pilot[Any]) -> None:
    await calendar_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EventsScreen)
    event = next(
        e for e in screen.shown_events if e.attendees and e.description and e.event_type == "default"
    )
    view = screen.agenda_view
    view.move_to(next(i for i, line in enumerate(view.lines) if getattr(line, "event", None) is event), 1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, EventsScreen))
    await pilot.pause()


async def calendar_picker(pilot: Pilot[Any]) -> None:
    await calendar_loaded(pilot)
    await pilot.press("c")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, CalendarPickerScreen)
            and pilot.app.screen.query_one("#calendars").option_count > 0
        ),
    )
    await pilot.pause()


async def search(pilot: Pilot[Any]) -> None:
    await calendar_loaded(pilot)
    await pilot.press("ctrl+f", *"review", "enter")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, SearchScreen)
            and not pilot.app.screen.searching
            and pilot.app.screen.match_count > 0
        ),
    )
    await pilot.pause()


def at_event(matches: Callable[[Event], bool], *keys: str) -> RunBefore:
    """The calendar, the cursor on the first event that `matches`, then `keys` pressed."""

    async def run(pilot: Pilot[Any]) -> None:
        await calendar_loaded(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, EventsScreen)
        view = screen.agenda_view
        view.move_to(next(i for i, line in enumerate(view.lines) if matches(getattr(line, "event", None))), 1)
        await pilot.press(*keys)
        await wait_for(pilot, lambda: pilot.app.screen is not screen)
        await pilot.pause(0.3)

    return run


def own_with_place(event: Event | None) -> bool:
    return event is not None and not event.attendees and bool(event.location) and not event.all_day


def unanswered(event: Event | None) -> bool:
    return event is not None and is_invitation(event) and event.my_response == "needsAction"


async def write_access(pilot: Pilot[Any]) -> None:
    await calendar_loaded(pilot)
    await pilot.press("n")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, WriteAccessScreen) and pilot.app.screen.attempt is not None,
    )
    await pilot.pause()


Scene = tuple[Callable[[], GcalApp], RunBefore, tuple[int, int]]


def scenes(studio: Studio) -> dict[str, Scene]:
    """Each screenshot's name, the app it starts, what a person does before it is taken, and the
    terminal's size."""
    return {
        "sign-in": (lambda: GcalApp(studio.sign_in_config()), sign_in_ready, SIZE),
        "sign-in-error": (lambda: GcalApp(studio.sign_in_config()), sign_in_error, SIZE),
        "sign-in-80x24": (lambda: GcalApp(studio.sign_in_config()), sign_in_error, SMALL),
        "sign-in-done": (lambda: GcalApp(studio.sign_in_config()), finished_exchange(studio), SIZE),
        "events": (lambda: GcalApp(studio.calendar_config()), calendar_loaded, SIZE),
        "events-80x24": (lambda: GcalApp(studio.calendar_config()), calendar_loaded, SMALL),
        "event-detail": (lambda: GcalApp(studio.calendar_config()), event_detail, SIZE),
        "calendar-picker": (lambda: GcalApp(studio.calendar_config()), calendar_picker, SIZE),
        "search": (lambda: GcalApp(studio.calendar_config()), search, SIZE),
        "event-form": (
            lambda: GcalApp(studio.calendar_config(may_write=True)),
            at_event(own_with_place, "e"),
            SIZE,
        ),
        "event-form-80x24": (
            lambda: GcalApp(studio.calendar_config(may_write=True)),
            at_event(own_with_place, "e"),
            SMALL,
        ),
        "reply": (lambda: GcalApp(studio.calendar_config(may_write=True)), at_event(unanswered, "a"), SIZE),
        "write-access-80x24": (lambda: GcalApp(studio.write_access_config()), write_access, SMALL),
    }


async def take(app: GcalApp, run_before: RunBefore, size: tuple[int, int]) -> str:
    async with app.run_test(size=size) as pilot:
        await run_before(pilot)
        return app.export_screenshot(title="gcal-tui")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with studio() as running:
        for name, (build, run_before, size) in scenes(running).items():
            svg = asyncio.run(take(build(), run_before, size))
            # Textual numbers its SVG element ids afresh on every run; make them stable.
            svg = re.sub(r"terminal-\d+", "terminal", svg)
            (out / f"{name}.svg").write_text(svg)
            print(out / f"{name}.svg")


if __name__ == "__main__":
    main()
