"""What the benchmark runs in child processes; each prints one JSON line on stdout and exits.

python benchmarks/probes.py startup-app
python benchmarks/probes.py startup-bare
python benchmarks/probes.py table API_ROOT CLIENT_SECRETS CREDENTIALS
python benchmarks/probes.py quickstart API_ROOT CREDENTIALS
python benchmarks/probes.py keys API_ROOT CLIENT_SECRETS CREDENTIALS
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
REPORT = sys.stdout


def report(**figures: object) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**figures, "peak_rss_mb": round(peak, 1)}), file=REPORT, flush=True)


def run_until(config: Any, done: Callable[[Any], bool], every: float = 0.002) -> None:
    """Run the real app headless until `done(app)` holds, then exit once that frame is painted."""
    from tui.app import GcalApp

    class Probe(GcalApp):
        CSS_PATH = str(Path(sys.modules[GcalApp.__module__].__file__ or "").parent / "app.tcss")
        finishing = False

        def on_mount(self) -> None:
            super().on_mount()
            self.set_interval(every, self.check)

        def check(self) -> None:
            if not self.finishing and done(self):
                self.finishing = True
                self.call_after_refresh(self.exit)

    Probe(config).run(headless=True)


def startup_app() -> None:
    """The real app, from process start to the sign-in screen's first full paint (URL shown)."""
    from tui.config import AppConfig
    from tui.screens.sign_in import SignInScreen

    directory = Path(tempfile.mkdtemp())
    secrets = directory / "client_secrets.json"
    fixture = Path(__file__).parent.parent / "tests" / "fixtures" / "client_secret_desktop.json"
    secrets.write_text(fixture.read_text())
    config = AppConfig(client_secrets_path=secrets, credentials_path=directory / "c.json", listen=False)
    run_until(config, lambda app: isinstance(app.screen, SignInScreen) and app.screen.attempt is not None)
    report(seconds=time.perf_counter() - STARTED)


def startup_bare() -> None:
    """A bare Textual app composing the same widget types as the sign-in screen."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, VerticalScroll
    from textual.widgets import Button, Footer, Input, Label, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("title")
            with VerticalScroll():
                yield Static("client")
                yield Label("1.")
                yield Static("https://accounts.google.com/o/oauth2/auth?" + "x" * 400)
                with Horizontal():
                    yield Button("Copy")
                    yield Button("Open")
                yield Label("2.")
                with Horizontal():
                    yield Input()
                    yield Button("Exchange")
                yield Label("Status")
                with VerticalScroll():
                    yield Static("✓ loaded")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Bare().run(headless=True)
    report(seconds=time.perf_counter() - STARTED)


def calendar_config(api_root: str, secrets: str, credentials: str) -> Any:
    from tui.config import AppConfig

    return AppConfig(
        client_secrets_path=Path(secrets),
        credentials_path=Path(credentials),
        api_endpoint=api_root,
        api_timeout=120,
    )


def table(api_root: str, secrets: str, credentials: str) -> None:
    """Credentials ready (on disk) to every row in the table and the count shown."""
    from tui.screens.events import EventsScreen

    figures: dict[str, float] = {}
    begun: list[float] = []

    def done(app: Any) -> bool:
        screen = app.screen
        if not isinstance(screen, EventsScreen):
            return False
        if not begun:
            begun.append(time.perf_counter())  # the events screen holds the credentials: the clock starts
        if screen.refreshed_at is None:
            return False
        figures["seconds"] = time.perf_counter() - begun[0]
        figures["rows"] = screen.table.row_count
        return True

    run_until(calendar_config(api_root, secrets, credentials), done, every=0.001)
    report(**figures)


def quickstart(api_root: str, credentials: str) -> None:
    """The classic quickstart's calls on the same emulator: build, events().list, list_next, print."""
    import datetime

    import httplib2
    from googleapiclient.discovery import build
    from oauth2client.file import Storage

    begun = time.perf_counter()
    http = Storage(credentials).get().authorize(httplib2.Http(timeout=120))
    service = build(
        "calendar",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": api_root + "calendar/v3/"},
    )
    now = datetime.datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    events = service.events()
    request = events.list(
        calendarId="primary",
        timeMin=now.isoformat(),
        timeMax=(now + datetime.timedelta(days=30)).isoformat(),
        maxResults=2500,
        singleEvents=True,
        orderBy="startTime",
    )
    count = 0
    while request is not None:
        response = request.execute()
        for event in response.get("items", []):
            print(event.get("summary"))
            count += 1
        request = events.list_next(request, response)
    report(seconds=time.perf_counter() - begun, rows=count)


def keys(api_root: str, secrets: str, credentials: str) -> None:
    """Key presses made while pages stream in: time from press until handled (Pilot's round trip)."""
    from tui.app import make_app
    from tui.screens.events import EventsScreen

    app = make_app(calendar_config(api_root, secrets, credentials))

    async def drive() -> list[float]:
        latencies: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, EventsScreen):
                await pilot.pause(0.01)
            screen = app.screen
            while screen.refreshed_at is None:
                pressed = time.perf_counter()
                await pilot.press("down" if len(latencies) % 4 else "up")
                latencies.append(time.perf_counter() - pressed)
                await pilot.pause(0.05)
        return latencies

    latencies = sorted(asyncio.run(drive()))
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
    report(presses=len(latencies), p95_seconds=p95, max_seconds=max(latencies, default=float("nan")))


PROBES: dict[str, Callable[..., None]] = {
    "startup-app": startup_app,
    "startup-bare": startup_bare,
    "table": table,
    "quickstart": quickstart,
    "keys": keys,
}

if __name__ == "__main__":
    probe, *arguments = sys.argv[1:]
    # The quickstart prints every summary, as the real one does; only report() reaches stdout.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    PROBES[probe](*arguments)
