"""What the benchmark runs in child processes; each prints one JSON line on stdout and exits.

python benchmarks/probes.py startup-app
python benchmarks/probes.py startup-app-link
python benchmarks/probes.py startup-bare
python benchmarks/probes.py table API_ROOT CLIENT_SECRETS CREDENTIALS [CALENDAR_ID ...]
python benchmarks/probes.py sign-in API_ROOT CLIENT_SECRETS
python benchmarks/probes.py quickstart API_ROOT CREDENTIALS
python benchmarks/probes.py keys API_ROOT CLIENT_SECRETS CREDENTIALS
python benchmarks/probes.py merging CALENDARS EVENTS_PER_CALENDAR
python benchmarks/probes.py restart API_ROOT CLIENT_SECRETS CREDENTIALS drawn|synced
python benchmarks/probes.py sync-cost EVENTS CHANGES
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


def first_frame(app_class: type[Any], done: Callable[[Any], bool]) -> type[Any]:
    """`app_class`, changed to note the moment it draws the first frame for which `done(app)` holds
    (in `drawn_at`), and to exit then. The moment is taken as the frame is drawn, so how long the
    app then takes to shut down (a worker still importing, say) does not count."""

    class Timed(app_class):  # type: ignore[misc, valid-type]
        drawn_at: float | None = None
        drawn_at_cpu: float | None = None  # the UI thread's CPU time then (time.thread_time)

        def _display(self, screen: Any, update: Any) -> None:
            super()._display(screen, update)
            if self.drawn_at is None and update is not None and done(self):
                self.drawn_at, self.drawn_at_cpu = time.perf_counter(), time.thread_time()
                self.exit()

    return Timed


def run_until(config: Any, done: Callable[[Any], bool], beside: Callable[[Any], None] | None = None) -> float:
    """Run the real app headless until it draws a frame for which `done(app)` holds; return when.
    `beside(app)`, if given, runs in a thread of its own meanwhile (a person's browser)."""
    import threading

    from tui.app import GcalApp

    app = first_frame(GcalApp, done)(config)
    if beside is not None:
        threading.Thread(target=beside, args=(app,), daemon=True).start()
    app.run(headless=True)
    assert app.drawn_at is not None, "the app exited before drawing what was waited for"
    return app.drawn_at


def startup_app(until: str = "painted") -> None:
    """The real app, from process start to the sign-in screen's first full paint (`painted`: every
    widget drawn, focus in the input), or on to the frame that shows the sign-in link (`link`)."""
    from tui.config import AppConfig
    from tui.screens.sign_in import SignInScreen

    directory = Path(tempfile.mkdtemp())
    secrets = directory / "client_secrets.json"
    fixture = Path(__file__).parent.parent / "tests" / "fixtures" / "client_secret_desktop.json"
    secrets.write_text(fixture.read_text())
    config = AppConfig(client_secrets_path=secrets, credentials_path=directory / "c.json", listen=False)

    def done(app: Any) -> bool:
        screen = app.screen
        return isinstance(screen, SignInScreen) and (until == "painted" or screen.attempt is not None)

    report(seconds=run_until(config, done) - STARTED)


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

    app = first_frame(Bare, lambda app: True)()
    app.run(headless=True)
    report(seconds=app.drawn_at - STARTED)


def agenda_loaded(rows: list[int]) -> Callable[[Any], bool]:
    """A `done` for `first_frame`: the events screen has finished loading (its count goes in `rows`)."""
    from tui.screens.events import EventsScreen

    def done(app: Any) -> bool:
        screen = app.screen
        if isinstance(screen, EventsScreen) and screen.refreshed_at is not None:
            rows.append(screen.shown_count)
            return True
        return False

    return done


def calendar_config(api_root: str, secrets: str, credentials: str, *, use_store: bool = False) -> Any:
    """The app on the emulator. Without the event store unless asked: the figures that time a load
    from Google then time one on every run (the store would serve the second run on)."""
    from tui.config import AppConfig

    return AppConfig(
        client_secrets_path=Path(secrets),
        credentials_path=Path(credentials),
        api_endpoint=api_root,
        api_timeout=120,
        use_store=use_store,
    )


def restart(api_root: str, secrets: str, credentials: str, until: str) -> None:
    """A start with the event store filled: from process start to the frame that shows the stored
    agenda, every row of the range and the count (`drawn`), or to the frame after the sync it
    starts has finished and the range is read again (`synced`)."""
    rows: list[int] = []
    first_rows: list[float] = []  # the frame with the range's first days (read first) on it

    def done(app: Any) -> bool:
        screen = app.screen
        if type(screen).__name__ != "EventsScreen" or screen.synced_at is None:
            return False
        if not first_rows:
            first_rows.append(time.perf_counter())
        if screen.reading or (until == "synced" and not screen.settled):
            return False
        rows.append(screen.shown_count)
        return True

    drawn = run_until(calendar_config(api_root, secrets, credentials, use_store=True), done)
    report(seconds=drawn - STARTED, first_rows_seconds=first_rows[0] - STARTED, rows=rows[0])


def sync_cost(events: str, changes: str) -> None:
    """A full sync of a calendar of EVENTS events into a new store, then an incremental sync after
    CHANGES of them were changed at the emulator: each one's time and the bytes the emulator sent."""
    from datetime import UTC, date, datetime

    from tui.calendar.loader import CalendarLoader
    from tui.sandbox import Sandbox
    from tui.sandbox.browser import sign_in_directly
    from tui.sandbox.calendar_data import bulk

    directory = Path(tempfile.mkdtemp())
    figures: dict[str, float] = {}
    with Sandbox(calendars=bulk(date.today(), int(events))) as sandbox:
        secrets = sandbox.write_client_secrets(directory / "client_secrets.json")
        config = calendar_config(sandbox.base_url, str(secrets), str(directory / "credentials.json"))
        loader = CalendarLoader(config, sign_in_directly(secrets))
        data = sandbox.calendar_api.store
        calendar_id = data.entries[0]["id"]
        for kind in ("full", "incremental"):
            if kind == "incremental":
                for _, _, item in data.events[calendar_id][: int(changes)]:
                    data.put(calendar_id, {**item, "summary": item["summary"] + " (moved)"})
            sent, began = sandbox.body_bytes_sent, time.perf_counter()
            synced = loader.sync_store(None, datetime.now(UTC))
            figures[f"{kind}_seconds"] = time.perf_counter() - began
            figures[f"{kind}_bytes"] = sandbox.body_bytes_sent - sent
            assert not synced.failed and synced.synced[0].full == (kind == "full"), synced
            figures[f"{kind}_items"] = synced.synced[0].items
    report(**figures)


def table(api_root: str, secrets: str, credentials: str, *calendar_ids: str) -> None:
    """From reading the stored credentials to the frame that shows every row and the count.

    As in the quickstart, whose clock starts after its imports and before `Storage(...).get()`, the
    libraries are imported first and the clock starts as the app begins to read the credentials
    file (`check_stored`, in the events screen's worker, after the screen's first paint). The figure
    from process start (`from_start_seconds`) includes everything."""
    import googleapiclient.discovery  # noqa: F401
    import oauth2client.client  # noqa: F401

    import tui.auth.stored

    begun: list[float] = []
    check_stored = tui.auth.stored.check_stored

    def timed_check_stored(*arguments: Any) -> Any:
        begun.append(time.perf_counter())
        return check_stored(*arguments)

    tui.auth.stored.check_stored = timed_check_stored  # type: ignore[assignment]
    rows: list[int] = []
    done = agenda_loaded(rows)

    config = calendar_config(api_root, secrets, credentials)
    config.calendar_ids = calendar_ids or None  # none named: every calendar ticked in the list
    drawn = run_until(config, done)
    report(seconds=drawn - begun[0], from_start_seconds=drawn - STARTED, rows=rows[0])


def sign_in(api_root: str, secrets: str) -> None:
    """A first sign-in: the app starts with no credentials and listens; a browser consents two
    seconds after the link is shown (people take seconds) and is redirected to the listener. Timed
    from that redirect being sent to the frame that shows every row and the count."""
    from tui.sandbox.browser import consent, follow_redirect

    redirected: list[float] = []
    rows: list[int] = []

    def browser(app: Any) -> None:
        while (
            attempt := getattr(app.screen_stack[-1] if app.screen_stack else None, "attempt", None)
        ) is None:
            time.sleep(0.01)
        time.sleep(2.0)
        location = consent(attempt.authorize_url)
        redirected.append(time.perf_counter())
        follow_redirect(location)

    def done(app: Any) -> bool:
        screen = app.screen
        if type(screen).__name__ == "EventsScreen" and screen.refreshed_at is not None:
            rows.append(screen.shown_count)
            return True
        return False

    config = calendar_config(api_root, secrets, str(Path(tempfile.mkdtemp()) / "credentials.json"))
    drawn = run_until(config, done, browser)
    report(seconds=drawn - redirected[0], rows=rows[0])


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
    report(seconds=time.perf_counter() - begun, from_start_seconds=time.perf_counter() - STARTED, rows=count)


def keys(api_root: str, secrets: str, credentials: str) -> None:
    """Key presses made while pages stream in, timed as a terminal sends them: from the key event
    reaching the app to the cursor having moved (handled) and to the next frame drawn (painted)."""
    from textual import events

    from tui.app import GcalApp
    from tui.screens.events import EventsScreen

    app = GcalApp(calendar_config(api_root, secrets, credentials))
    frames: list[tuple[float, object]] = []  # when each frame was drawn, and the line the cursor is on
    display = app._display

    def selected(screen: Any) -> object:
        """The line the cursor is on (its index moves when pages add lines above it)."""
        return screen.agenda_view.selected if isinstance(screen, EventsScreen) else None

    def timed_display(*arguments: Any) -> None:
        display(*arguments)
        frames.append((time.perf_counter(), selected(app.screen)))

    app._display = timed_display  # type: ignore[method-assign]

    async def drive() -> list[tuple[float, float]]:
        latencies: list[tuple[float, float]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, EventsScreen) or app.screen.agenda_view.cursor < 0:
                await pilot.pause(0.01)
            screen = app.screen
            assert app._driver is not None
            view = screen.agenda_view
            while screen.refreshed_at is None:
                key = "down" if len(latencies) % 4 < 2 else "up"
                if view.cursor == view._selectable_from(0, 1):  # at the first event: only down moves
                    key = "down"
                elif view.cursor == view._selectable_from(len(view.lines) - 1, -1):
                    key = "up"
                before = selected(screen)
                first_frame = len(frames)
                sent = time.perf_counter()
                app._driver.send_message(events.Key(key, None))
                while selected(screen) is before:
                    await asyncio.sleep(0.0005)
                    if time.perf_counter() - sent > 30:
                        raise RuntimeError(f"{key} did not move the cursor")
                handled = time.perf_counter()
                while not any(line is not before for _, line in frames[first_frame:]):
                    await asyncio.sleep(0.0005)
                painted = next(moment for moment, line in frames[first_frame:] if line is not before)
                latencies.append((min(handled, painted) - sent, painted - sent))
                await asyncio.sleep(0.05)
        return latencies

    timings = asyncio.run(drive())
    handled = sorted(pair[0] for pair in timings)
    painted_sorted = sorted(pair[1] for pair in timings)

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, int(0.95 * len(values)))] if values else float("nan")

    report(
        presses=len(timings),
        p95_seconds=p95(painted_sorted),
        handled_p95_seconds=p95(handled),
        max_seconds=max(painted_sorted, default=float("nan")),
    )


def merging(calendars: str, per_calendar: str) -> None:
    """The events screen's own work of merging pages into the agenda, without the network: pages of
    `per_calendar` events from each of `calendars` calendars, made beforehand, are handed to the real
    screen as its loading worker hands them, all at once; timed from the first page handed over to
    the frame that shows every row and the count, in wall time and in the UI thread's CPU time (all
    of the work is on that thread; the CPU time leaves out waiting for Textual's next frame, a
    sixtieth of a second either way on a tenth of a second)."""
    import gc
    from datetime import date

    from oauth2client.client import OAuth2Credentials

    from tui.app import GcalApp
    from tui.calendar.client import PAGE_SIZE, EventPage
    from tui.calendar.model import parse_calendar
    from tui.config import AppConfig
    from tui.loading import PageLoaded
    from tui.sandbox.calendar_data import bulk
    from tui.screens.events import EventsScreen

    store = bulk(date.today(), int(per_calendar), int(calendars))
    listed = [parse_calendar(entry) for entry in store.entries]
    pages = [
        EventPage(
            start // PAGE_SIZE + 1,
            items[start : start + PAGE_SIZE],
            entry["summary"],
            start + PAGE_SIZE >= len(items),
            entry["id"],
            "owner",
        )
        for entry in store.entries
        for items in [[item for _, _, item in store.events[entry["id"]]]]
        for start in range(0, len(items), PAGE_SIZE)
    ]
    gc.freeze()  # made here, not by the app: kept out of the collector's walks, as the app does
    handed_over: list[float] = []

    class HandsOverPages(EventsScreen):
        CSS_PATH = str(Path(sys.modules[EventsScreen.__module__].__file__ or "").parent / "events.tcss")

        def fetch_events(self, generation: int, request: Any) -> None:  # type: ignore[override]
            handed_over.append(time.perf_counter())
            handed_over.append(time.thread_time())  # on the UI thread, as is all the screen's work
            shown = [entry["id"] for entry in store.entries]
            self.post_message(self.CalendarsKnown(generation, listed, shown))
            for page in pages:
                self.post_message(PageLoaded(generation, page))
            self.post_message(self.LoadFinished(generation))

    class MergingApp(GcalApp):
        def events_screen(self, credentials: Any) -> Any:
            signed_in = OAuth2Credentials("token", "id", "secret", "refresh", None, "https://x/token", "ua")
            return HandsOverPages(self.config, signed_in)

    directory = Path(tempfile.mkdtemp())
    (directory / "credentials.json").write_text("{}")
    config = AppConfig(
        client_secrets_path=directory / "s.json", credentials_path=directory / "credentials.json"
    )
    rows: list[int] = []
    done = agenda_loaded(rows)

    app = first_frame(MergingApp, done)(config)
    app.run(headless=True)
    assert app.drawn_at is not None, app.crash_text
    assert app.drawn_at_cpu is not None
    report(
        seconds=app.drawn_at - handed_over[0],
        cpu_seconds=app.drawn_at_cpu - handed_over[1],
        rows=rows[0],
        pages=len(pages),
    )


PROBES: dict[str, Callable[..., None]] = {
    "startup-app": startup_app,
    "startup-app-link": lambda: startup_app("link"),
    "startup-bare": startup_bare,
    "table": table,
    "sign-in": sign_in,
    "quickstart": quickstart,
    "keys": keys,
    "merging": merging,
    "restart": restart,
    "sync-cost": sync_cost,
}

if __name__ == "__main__":
    probe, *arguments = sys.argv[1:]
    # The quickstart prints every summary, as the real one does; only report() reaches stdout.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    PROBES[probe](*arguments)
