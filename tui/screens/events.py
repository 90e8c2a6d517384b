"""The events screen: the agenda, day by day: drawn from the event store at once and brought up to
date by a sync in a worker, or (nothing stored yet, or --no-store) filled in page by page."""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from tui.auth.sign_out import PERMISSIONS_PAGE
from tui.calendar.agenda import (
    Agenda,
    DayRange,
    Placement,
    ago_label,
    count_events,
    moment_label,
    range_label,
)
from tui.calendar.changes import may_edit
from tui.calendar.dates import EXAMPLES, parse_day
from tui.calendar.errors import CalendarError
from tui.calendar.loader import AgendaRequest, CalendarLoader, SyncReport
from tui.calendar.model import CalendarInfo, Event, format_day
from tui.collector import collector_paused
from tui.config import AppConfig, named_zone
from tui.loading import CalendarFailed, LoadRetrying, PageLoaded, PostsPages, retry_text
from tui.messages import SignedOut, SignInNeeded
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.changing_events import ChangesEvents
from tui.screens.confirm import ConfirmScreen
from tui.screens.event_detail import EventDetailScreen
from tui.screens.prompt import PromptScreen
from tui.screens.range_picker import RangePickerScreen
from tui.screens.search import SearchScreen
from tui.widgets.agenda_view import AgendaView
from tui.widgets.key_footer import KeyFooter
from tui.widgets.status_line import StatusLine
from tui.widgets.title_bar import TitleBar
from tui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.auth.revoke import RevokeError
    from tui.calendar.stored_agenda import StoredAgenda


FIRST_DAYS_READ = 2  # of a range, read from the store first: a big store's first screen comes sooner


class PostsToScreen(PostsPages):
    """The loader's answers as messages to the events screen (an AgendaListener)."""

    def calendars_known(self, calendars: list[CalendarInfo], shown: list[str]) -> None:
        self.screen.post_message(EventsScreen.CalendarsKnown(self.generation, calendars, shown))

    def event_colors_known(self, event_colors: dict[str, str]) -> None:
        self.screen.post_message(EventsScreen.EventColorsKnown(event_colors))


class EventsScreen(ReportsWorkerErrors, ChangesEvents):
    TITLE = "gcal-tui"
    SUB_TITLE = "Calendar"
    CSS_PATH = "events.tcss"
    AUTO_FOCUS = "#agenda"
    BINDINGS = [
        Binding("enter", "open_selected", "Details"),
        Binding("slash", "filter", "Filter"),
        Binding("ctrl+f", "search", "Search"),
        Binding("t", "today", "Today"),
        Binding("g", "go_to_day", "Go to"),
        Binding("left_square_bracket", "earlier", "Earlier", key_display="["),
        Binding("right_square_bracket", "later", "Later", key_display="]"),
        Binding("c", "pick_calendar", "Calendars"),
        Binding("d", "pick_range", "Range"),
        Binding("z", "pick_time_zone", "Time zone"),
        Binding("r", "refresh", "Refresh"),
        Binding("s", "sign_out", "Sign out"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    day_range: var[DayRange] = var(DayRange(date.min, 1), init=False)
    filter_text: var[str] = var("", init=False)
    notice: var[Text | None] = var(None)
    account: var[str | None] = var(None)
    refreshed_at: var[datetime | None] = var(None)
    fetching: var[bool] = var(False)
    shown_count: var[int] = var(0)
    total_count: var[int] = var(0)
    credentials: var[OAuth2Credentials | None] = var(None, init=False)
    status: var[Text] = var(Text)

    unsaved: var[str | None] = var(None)  # why a renewed token could not be saved
    synced_at: var[datetime | None] = var(None)  # of the calendars shown from the store
    syncing: var[bool] = var(False)
    sync_problem: var[CalendarError | None] = var(None)  # why the last sync failed
    minute: var[int] = var(0)  # ticks, so that "synced 3 min ago" stays true

    @dataclass
    class StoredSignInUsable(Message):
        """The worker found the stored credentials good to use."""

        credentials: OAuth2Credentials

    @dataclass
    class CalendarsKnown(Message):
        generation: int  # which load: answers to an older one are dropped
        calendars: list[CalendarInfo]  # empty when the list could not be read
        shown: list[str]  # the ids whose events are on their way

    @dataclass
    class EventColorsKnown(Message):
        event_colors: dict[str, str]  # Google's palette: an event's colorId to its colour

    @dataclass
    class LoadFinished(Message):
        generation: int

    @dataclass
    class StoreRead(Message):
        generation: int
        stored: StoredAgenda | None  # None: nothing is stored yet
        agenda: Agenda | None  # the stored events placed
        problem: str | None = None  # the store could not be opened, in words
        whole: bool = True  # False: only the range's first days, the rest follows

    @dataclass
    class SyncFinished(Message):
        report: SyncReport

    @dataclass
    class SyncFailed(Message):
        error: CalendarError

    @dataclass
    class LoadFailed(Message):
        generation: int
        error: CalendarError

    @dataclass
    class TokenSaveChecked(Message):
        """After a load: whether the last renewed token could be written (None: it could)."""

        problem: str | None

    @dataclass
    class RevokeFailed(Message):
        """Google could not be told of the sign-out; nothing was deleted."""

        error: RevokeError

    @dataclass
    class DeleteFailed(Message):
        """The stored credentials could not be deleted."""

        problem: str

    def __init__(self, config: AppConfig, credentials: OAuth2Credentials | None = None) -> None:
        """Without credentials, the screen checks the stored ones itself (in its worker, after its
        first paint) and hands over to the sign-in screen if they cannot be used."""
        super().__init__()
        self.config = config
        self.set_reactive(EventsScreen.credentials, credentials)
        self.chosen_calendars = config.calendar_ids  # None: those ticked in Google Calendar's list
        self.calendars: dict[str, CalendarInfo] = {}  # the person's list, by id ("primary" too)
        self.listed_calendars: list[CalendarInfo] = []  # the same, as listed
        self.shown_calendars: list[str] = list(config.calendar_ids or ("primary",))
        self.failed_calendars: dict[str, CalendarError] = {}
        self.names_from_pages: dict[str, str] = {}  # for calendars not in the list
        self.loader = CalendarLoader(config, credentials)
        self.generation = 0
        self.agenda_generation = 0  # the load the agenda's events are from
        self.lines_due = False  # pages were placed that are not laid out yet
        self.use_store = config.use_store  # False also once the store turns out unusable
        self.sync_tried: set[str] = set()  # calendars a sync was tried for in this run
        self.sync_wanted = False  # asked for while a sync ran: another one follows it
        self.sync_asked = False  # the sync running was asked for with r: its failure is told
        self.reading = False  # the range is being read from the store
        self.signing_out = False  # no sync starts once sign-out has begun
        self.store_lock = threading.Lock()  # a sync's writes and sign-out's deletion, one at a time
        self.agenda = Agenda(config.zone, DayRange(config.now().date(), config.days))
        self.set_reactive(EventsScreen.day_range, self.agenda.range)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE or "", self.SUB_TITLE or "")
        yield StatusLine(id="status-line").data_bind(text=EventsScreen.status)
        yield Input(placeholder="Filter the loaded events (Enter to keep, Esc to clear)", id="filter")
        yield AgendaView(self.config.now, id="agenda")
        yield KeyFooter()

    @property
    def settled(self) -> bool:
        """The range asked for is shown, and nothing is being loaded, read or synced."""
        busy = self.fetching or self.reading or self.syncing
        return not busy and (self.refreshed_at is not None or self.synced_at is not None)

    @property
    def agenda_view(self) -> AgendaView:
        return self.query_one("#agenda", AgendaView)

    def on_mount(self) -> None:
        self.agenda_view.follow_day = self.day_range.first
        if self.use_store:
            self.set_interval(self.config.sync_minutes * 60, self.sync)
            self.set_interval(20, self.tick)
        if self.use_store or self.credentials is not None:
            self.load()
        else:  # the worker imports the Google libraries and reads the credentials: paint first
            self.call_after_refresh(self.load)

    def tick(self) -> None:
        self.minute = int(self.config.now().timestamp() // 60)

    # Loading
    def watch_day_range(self) -> None:
        self.agenda_view.follow_day = self.day_range.first
        self.load()

    def load(self) -> None:
        """The range's events: from the store when it has every calendar shown (then synced, once a
        run), else from Google page by page."""
        self.generation += 1
        if self.use_store:
            self.reading = True
            # The range's first days first, to show a new range sooner; the range shown (after a
            # sync) is read whole, or the cursor could not stay on an event past those days.
            shown = self.agenda_generation > 0 and self.agenda.range == self.day_range
            self.read_store(self.generation, self.day_range, first_days_first=not shown)
        else:
            self.fetch_from_google()

    def fetch_from_google(self) -> None:
        self.fetching = True
        self.failed_calendars = {}
        self.notice = Text("Loading…")
        zone = self.config.zone
        start, end = self.day_range.bounds(zone)
        self.fetch_events(self.generation, AgendaRequest(self.chosen_calendars, start, end, zone.key))

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def read_store(self, generation: int, day_range: DayRange, *, first_days_first: bool) -> None:
        from tui.calendar.store import StoreError  # deferred: sqlite3 and the rest, off the UI thread
        from tui.calendar.stored_agenda import read_stored_agenda

        config = self.config
        first_days = DayRange(day_range.first, FIRST_DAYS_READ)
        parts = (
            (first_days, day_range) if first_days_first and day_range.days > FIRST_DAYS_READ else (day_range,)
        )
        for days in parts:
            try:
                stored = read_stored_agenda(
                    config.store_path, config.zone, days, self.chosen_calendars, config.now()
                )
            except (StoreError, OSError) as error:
                self.post_message(self.StoreRead(generation, None, None, str(error)))
                return
            agenda = stored.placed(config.zone, days) if stored is not None else None  # off the UI thread
            whole = days is day_range or stored is None or stored.synced_at is None
            self.post_message(self.StoreRead(generation, stored, agenda, whole=whole))
            if whole:
                return

    def stored_sign_in_usable(self) -> bool:
        """In a worker: whether the loader has credentials, reading the stored ones the first time
        (when they cannot be used, the sign-in screen is asked for and this is False)."""
        loader = self.loader
        if loader.credentials is not None:
            return True
        stored = loader.check_stored_sign_in()
        if stored.credentials is None:
            self.post_message(SignInNeeded(stored.reason))
            return False
        self.post_message(self.StoredSignInUsable(stored.credentials))
        if stored.note:
            self.app.notify(stored.note, severity="warning", timeout=10)
        return True

    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def fetch_events(self, generation: int, request: AgendaRequest) -> None:
        loader = self.loader
        if not self.stored_sign_in_usable():
            return
        worker = get_current_worker()
        try:
            with collector_paused():  # until the last page is in (see tui/collector.py)
                loader.load_agenda(request, PostsToScreen(self, generation, worker))
        except CalendarError as error:
            self.post_message(self.LoadFailed(generation, error))
        else:
            if not worker.is_cancelled:
                self.post_message(self.LoadFinished(generation))
        finally:
            self.post_message(self.TokenSaveChecked(loader.token_save_problem()))

    def worker_failed(self, worker: Worker[object], what: str) -> None:
        if worker.group == "events":
            self.fetching = False
        if worker.group == "sync":
            self.syncing = False
        if worker.group == "store":
            self.reading = False
        self.notice = Text(f"✗ {what} Press r to try again.", style="bold red")

    def on_events_screen_token_save_checked(self, message: TokenSaveChecked) -> None:
        self.unsaved = message.problem

    def on_events_screen_stored_sign_in_usable(self, message: StoredSignInUsable) -> None:
        self.credentials = message.credentials

    def on_events_screen_calendars_known(self, message: CalendarsKnown) -> None:
        if message.generation != self.generation:
            return
        self.use_calendar_list(message.calendars, message.shown)
        self.agenda.prefer(message.shown)

    def use_calendar_list(self, listed: list[CalendarInfo], shown: list[str]) -> None:
        self.listed_calendars = listed
        calendars = {calendar.id: calendar for calendar in listed}
        primary = next((calendar for calendar in listed if calendar.primary), None)
        if primary is not None:
            calendars["primary"] = primary
            self.account = primary.id
        self.calendars = calendars
        self.shown_calendars = shown
        view = self.agenda_view
        if not self.app.no_color:
            view.colors = {id_: calendar.color for id_, calendar in calendars.items() if calendar.color}
        several = len(shown) > 1  # then named in a column under NO_COLOR, or when wide
        view.short_names = {id_: calendar.summary for id_, calendar in calendars.items()} if several else {}

    def on_events_screen_event_colors_known(self, message: EventColorsKnown) -> None:
        if not self.app.no_color:
            self.agenda_view.event_colors = message.event_colors

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            return
        page = message.page
        if self.agenda_generation != self.generation:  # the first page of this load
            gc.unfreeze()  # the last load's events (see below) may be collected as usual again
            self.start_new_agenda()
        if page.calendar_id not in self.calendars:
            self.names_from_pages[page.calendar_id] = page.calendar_summary
        with collector_paused():
            self.agenda.add(page.events)
        # Events are long-lived and hold no reference cycles: Python's cyclic collector would walk
        # all of them again at every collection of a big load (40 ms of 250 at 10,000 events).
        # Frozen, they are left out of its walks; reference counting still frees them.
        gc.freeze()
        if not self.lines_due:  # laid out once the pages already waiting are placed too
            self.lines_due = True
            self.call_later(self.show_due_lines)
        if not page.last:
            self.notice = Text(f"Loading… page {page.number} in")

    def on_calendar_failed(self, message: CalendarFailed) -> None:
        if message.generation != self.generation:
            return
        if message.error.kind == "sign_in":
            self.generation += 1  # the rest of this load is moot
            self.fetching = False
            self.post_message(SignInNeeded(message.error.message))
            return
        self.failed_calendars = {**self.failed_calendars, message.calendar_id: message.error}

    def on_events_screen_load_finished(self, message: LoadFinished) -> None:
        if message.generation != self.generation:
            return
        self.show_due_lines()
        self.fetching = False
        failed = self.failed_calendars
        if failed and len(failed) >= len(self.shown_calendars):  # nothing could be loaded
            self.show_failure(next(iter(failed.values())))
            return
        if self.agenda_generation != self.generation:  # no calendar had events to send
            self.start_new_agenda()
            self.show_lines()
        self.refreshed_at = self.config.now()
        self.agenda_view.follow_day = None
        self.notice = None
        if self.use_store and not set(self.shown_calendars) <= self.sync_tried:
            self.sync()  # into the store, for the next start and the next range
        for calendar_id, error in failed.items():
            name = self.calendar_name(calendar_id)
            self.notify(f"{name}: {error.message} {error.hint}", severity="error", timeout=8)
        if failed:
            self.notice = Text(
                f"✗ {self.failures_text(failed)} The other calendars are shown; r tries again.", style="red"
            )

    # The store
    def on_events_screen_store_read(self, message: StoreRead) -> None:
        if message.generation != self.generation:
            return
        self.reading = not message.whole
        if message.problem is not None:
            self.use_store = False
            self.notify(
                f"{message.problem} Loading from Google without it in this run.",
                severity="warning",
                timeout=10,
            )
        stored, agenda = message.stored, message.agenda
        if stored is not None and stored.note:
            self.notify(stored.note, severity="warning", timeout=10)
        if stored is None or agenda is None or stored.synced_at is None:  # not every calendar stored
            self.fetch_from_google()
            return
        self.use_calendar_list(stored.calendars, stored.shown)
        self.account = stored.account or self.account
        gc.unfreeze()  # see on_page_loaded
        self.agenda = self.with_pending(agenda, self.pending_changes)
        self.agenda_generation = self.generation
        self.show_lines()
        gc.freeze()
        self.synced_at = stored.synced_at
        if not message.whole:
            self.notice = Text("Reading the stored events…")
            return
        self.agenda_view.follow_day = None
        self.notice = None
        if not self.sync_tried:  # the first showing of this run: synced once it is on screen
            self.sync(after_paint=True)

    def sync(self, *, after_paint: bool = False) -> None:
        """Bring the store up to date in a worker; the range is then read from it again."""
        if not self.use_store or self.signing_out:
            return
        if self.syncing:
            self.sync_wanted = True
            return
        self.syncing = True
        self.sync_tried.update(self.shown_calendars)
        if after_paint:
            self.call_after_refresh(self.sync_store)
        else:
            self.sync_store()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def sync_store(self) -> None:
        from tui.calendar.store import StoreError  # deferred

        loader = self.loader
        if not self.stored_sign_in_usable():
            self.post_message(self.SyncFailed(CalendarError("sign_in", "Not signed in.", "")))
            return
        try:
            with self.store_lock:
                if self.signing_out:  # the store is being deleted: nothing is written again
                    self.post_message(self.SyncFailed(CalendarError("sign_in", "Signing out.", "")))
                    return
                report = loader.sync_store(self.chosen_calendars, self.config.now())
        except CalendarError as error:
            if error.kind == "sign_in":
                self.post_message(SignInNeeded(error.message))
            self.post_message(self.SyncFailed(error))
        except (StoreError, OSError) as error:
            self.post_message(self.SyncFailed(CalendarError("configuration", str(error), "")))
        else:
            if colors := loader.event_colors():
                self.post_message(self.EventColorsKnown(colors))
            self.post_message(self.SyncFinished(report))
        finally:
            self.post_message(self.TokenSaveChecked(loader.token_save_problem()))

    def on_events_screen_sync_finished(self, message: SyncFinished) -> None:
        self.syncing = False
        self.sync_asked = False
        report = message.report
        self.sync_tried.update(report.shown)
        if report.store_note:
            self.notify(report.store_note, severity="warning", timeout=10)
        failed = report.failed
        signed_out = next((error for error in failed.values() if error.kind == "sign_in"), None)
        if signed_out is not None:
            self.post_message(SignInNeeded(signed_out.message))
            return
        if failed:
            self.sync_problem = CalendarError("request", self.failures_text(failed), "")
        else:
            self.sync_problem = None
        nothing_new = (
            not failed
            and self.synced_at is not None  # what is shown is from the store
            and all(not synced.full and synced.items == 0 for synced in report.synced)
            and report.calendars == self.listed_calendars
        )
        if nothing_new:
            self.synced_at = self.config.now()
            if not self.fetching:
                self.notice = None  # as reading the range again would (a failed sync's words)
        else:
            self.load()  # the range again, from the store: the cursor stays on its event
        self.sync_if_wanted()

    def on_events_screen_sync_failed(self, message: SyncFailed) -> None:
        self.syncing = False
        error = message.error
        asked, self.sync_asked = self.sync_asked, False
        if error.kind == "sign_in":
            return  # the sign-in screen is on its way
        if self.sync_problem is None or asked:  # said once, and when r asked for it
            shown = "the events stored" if self.synced_at is not None else "nothing stored yet"
            self.notify(f"Not synced: {error.message} Showing {shown}; r tries again.", severity="warning")
        self.sync_problem = error
        self.sync_if_wanted()

    def sync_if_wanted(self) -> None:
        if self.sync_wanted:
            self.sync_wanted = False
            self.sync()

    def on_app_focus(self) -> None:
        """The terminal has focus again (the app passes it on): sync if the last one is more than
        a minute old."""
        if self.use_store and (
            self.synced_at is None or (self.config.now() - self.synced_at).total_seconds() > 60
        ):
            self.sync()

    def sync_text(self) -> Text | None:
        """How current the store's events are: "syncing…", "synced 3 min ago", "offline — …"."""
        now = self.config.now()
        if self.syncing:
            return Text("syncing…", style="dim")
        when = f"last synced {moment_label(self.synced_at, now)}" if self.synced_at else "not synced yet"
        problem = self.sync_problem
        if problem is not None:
            if problem.kind == "transient":
                return Text(f"offline — {when}", style="yellow")
            return Text(f"✗ not synced: {problem.message} — {when}", style="yellow")
        if self.synced_at is not None:
            return Text(f"synced {ago_label(self.synced_at, now)}", style="dim")
        return None

    def start_new_agenda(self) -> None:
        """This load's events replace the last one's from here on."""
        self.agenda = Agenda(self.config.zone, self.day_range, self.shown_calendars)
        self.agenda_generation = self.generation

    def failures_text(self, failed: dict[str, CalendarError]) -> str:
        """ "Team: Not Found; Holidays: …": each calendar that failed, by name, and why."""
        return "; ".join(f"{self.calendar_name(id_)}: {error.message}" for id_, error in failed.items())

    def calendar_name(self, calendar_id: str) -> str:
        calendar = self.calendars.get(calendar_id)
        if calendar is not None:
            return calendar.summary
        return self.names_from_pages.get(calendar_id, calendar_id)

    def on_load_retrying(self, message: LoadRetrying) -> None:
        if message.generation != self.generation:
            return
        self.notice = retry_text(message.notice)

    def on_events_screen_load_failed(self, message: LoadFailed) -> None:
        if message.generation != self.generation:
            return
        self.show_failure(message.error)

    def show_failure(self, error: CalendarError) -> None:
        self.fetching = False
        if error.kind == "sign_in":
            self.post_message(SignInNeeded(error.message))
            return
        if error.kind == "configuration":
            error = CalendarError(
                error.kind, error.message, f"{error.hint} (client secrets: {self.config.client_secrets_path})"
            )
        kept = f" The {self.shown_count:,} events shown are from before." if self.total_count else ""
        self.notice = Text(f"✗ {error.message}{kept} {error.hint}", style="bold red")
        self.notify(f"{error.message} {error.hint}", severity="error", timeout=8)

    # The agenda
    def _matches(self, event: Event) -> bool:
        return self.filter_text in event.search_text

    def show_due_lines(self) -> None:
        if self.lines_due:
            self.lines_due = False
            self.show_lines()

    def show_lines(self) -> None:
        """Lay the agenda out again (after a page, or a new filter) and count what is shown."""
        lines = self.agenda.lines(self._matches if self.filter_text else None)
        self.agenda_view.set_lines(lines)
        self.total_count = self.agenda.event_count
        self.shown_count = count_events(lines) if self.filter_text else self.total_count

    @property
    def shown_events(self) -> list[Event]:
        """The events in the agenda, in its order, each once however many days it covers."""
        return [
            line.event for line in self.agenda_view.lines if isinstance(line, Placement) and line.first_shown
        ]

    def selected_event(self) -> Event | None:
        selected = self.agenda_view.selected
        return selected.event if selected is not None else None

    def watch_filter_text(self) -> None:
        self.show_lines()

    def compute_status(self) -> Text:
        today = self.config.now().date()
        status = Text(no_wrap=True, overflow="ellipsis", end="")
        status.append(range_label(self.day_range, today), style="bold")
        count = self.shown_count
        status.append(f"  ·  {count:,} event{'s' if count != 1 else ''}")
        if self.filter_text:
            status.append(f" matching “{self.filter_text}” (of {self.total_count:,})")
        if self.unsaved is not None:
            status.append(
                f"  ·  ⚠ Sign-in renewed but not saved (works until you quit): {self.unsaved}", style="yellow"
            )
        if self.notice is not None:
            status.append("  ·  ")
            status.append_text(self.notice)
            return status
        synced = self.sync_text() if self.use_store else None
        if synced is not None:
            status.append("  ·  ")
            status.append_text(synced)
        if self.credentials is None:
            if synced is None:
                status.append("  ·  Checking the stored sign-in…", style="dim")
            return status
        shown = self.shown_calendars
        if len(shown) > 1:
            status.append(f"  ·  {len(shown)} calendars")
        elif shown and shown[0] not in ("primary", self.account):
            status.append(f"  ·  {self.calendar_name(shown[0])}")
        status.append(f"  ·  {self.signed_in_as()}", style="dim")
        if self.refreshed_at is not None and synced is None:
            status.append(f"  ·  refreshed {self.refreshed_at:%H:%M}", style="dim")
        return status

    def signed_in_as(self) -> str:
        who = f"Signed in as {self.account}" if self.account else "Signed in"
        expiry = self.credentials.token_expiry if self.credentials is not None else None
        if expiry is None:
            return who
        local = expiry.replace(tzinfo=UTC).astimezone(self.config.zone)
        today = self.config.now().date()
        when = (
            f"{local:%H:%M}" if local.date() == today else f"{format_day(local.date(), today)} {local:%H:%M}"
        )
        return f"{who} · access token expires {when} (renewed automatically)"

    # Moving through time
    def action_today(self) -> None:
        self.show_days(self.config.now().date())

    def action_earlier(self) -> None:
        self.show_days(self.day_range.shifted(-1).first)

    def action_later(self) -> None:
        self.show_days(self.day_range.shifted(1).first)

    def show_days(self, first: date) -> None:
        self.day_range = self.day_range.starting(first)
        self.agenda_view.follow_day = first

    def action_go_to_day(self) -> None:
        today = self.config.now().date()

        def chosen(day: date | None) -> None:
            if day is not None:
                self.show_days(day)

        self.app.push_screen(
            PromptScreen(
                "Go to a day",
                "2026-12-24, dec 24, +7, monday…",
                lambda text: parse_day(text, today),
                f"Type a day: {EXAMPLES}.",
            ),
            chosen,
        )

    def action_pick_range(self) -> None:
        def chosen(days: int | None) -> None:
            if days and days != self.day_range.days:
                self.day_range = DayRange(self.day_range.first, days)

        self.app.push_screen(RangePickerScreen(self.day_range.days), chosen)

    def action_pick_time_zone(self) -> None:
        def chosen(zone: ZoneInfo | None) -> None:
            if zone is not None and zone.key != self.config.zone.key:
                self.app.remember_time_zone(zone.key)  # type: ignore[attr-defined]
                today = self.config.now().date()
                if today != self.day_range.first:
                    self.show_days(today)  # the new range loads itself
                else:
                    self.load()

        self.app.push_screen(
            PromptScreen(
                f"Show times in another time zone (now {self.config.zone.key})",
                "Europe/London, America/New_York, Asia/Kolkata…",
                named_zone,
                "An IANA name; remembered for the next start (--tz overrides it for one run).",
            ),
            chosen,
        )

    # Actions
    def action_refresh(self) -> None:
        if self.use_store and self.synced_at is not None:  # what is shown is from the store
            self.sync_asked = True
            self.sync()
        else:
            self.load()

    def action_open_selected(self) -> None:
        self.agenda_view.action_select_cursor()

    @on(AgendaView.EventChosen, "#agenda")
    def open_event(self, message: AgendaView.EventChosen) -> None:
        event = message.placement.event
        calendar = self.calendars.get(event.calendar_id)
        editable = calendar is not None and may_edit(event, calendar.access_role)

        def chosen(action: str | None) -> None:
            if action is not None:  # a change asked for there: made to the event under the cursor
                self.call_later(self.run_action, action)

        self.app.push_screen(EventDetailScreen(event, self.config, editable=editable), chosen)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, message: Input.Changed) -> None:
        self.filter_text = message.value.strip().casefold()

    @on(Input.Submitted, "#filter")
    def filter_kept(self) -> None:
        self.agenda_view.focus()
        if self.filter_text and self.shown_count == 0 and not self.fetching:
            self.action_search()  # nothing here: ask Google, over a wider range

    def action_search(self) -> None:
        if not self.signed_in():
            return
        query = self.query_one("#filter", Input).value.strip()
        self.app.push_screen(
            SearchScreen(
                self.loader,
                self.config,
                self.shown_calendars,
                self.calendar_name,
                query,
                drawn_like=self.agenda_view,
            )
        )

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.agenda_view.focus()

    def signed_in(self) -> bool:
        if self.credentials is None:
            self.notify("Still checking the stored sign-in; a moment.", timeout=3)
        return self.credentials is not None

    def action_pick_calendar(self) -> None:
        if not self.signed_in():
            return

        def chosen(calendar_ids: tuple[str, ...] | None) -> None:
            if calendar_ids and calendar_ids != self.chosen_calendars:
                self.app.remember_calendars(calendar_ids)  # type: ignore[attr-defined]
                self.chosen_calendars = calendar_ids
                self.load()

        self.app.push_screen(CalendarPickerScreen(self.loader, self.shown_calendars), chosen)

    def action_sign_out(self) -> None:
        if not self.signed_in():
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.notice = Text("Signing out: revoking access at Google…")
                self.signing_out = True
                self.sign_out(revoke_at_google=True)

        self.app.push_screen(
            ConfirmScreen(
                "Sign out?",
                "gcal-tui's access is revoked at Google and the stored credentials are deleted from "
                f"{self.config.credentials_path}, with the events stored beside them.",
                "Sign out",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="sign-out", exit_on_error=False)
    def sign_out(self, *, revoke_at_google: bool) -> None:
        from tui.auth.revoke import RevokeError  # deferred
        from tui.auth.sign_out import sign_out
        from tui.storage import CredentialsFileError

        assert self.credentials is not None
        try:
            with self.store_lock:  # after a sync that is writing the store: it is deleted after it
                outcome = sign_out(
                    self.credentials,
                    self.config.credentials_path,
                    revoke_at_google=revoke_at_google,
                    timeout=self.config.api_timeout,
                    retry_delay=self.config.api_retry_base_delay,
                    store_path=self.config.store_path,
                )
        except RevokeError as error:
            self.post_message(self.RevokeFailed(error))
        except CredentialsFileError as error:
            self.post_message(self.DeleteFailed(str(error)))
        else:
            self.post_message(SignedOut(outcome))

    def on_events_screen_revoke_failed(self, message: RevokeFailed) -> None:
        self.signing_out = False  # until "Delete anyway"
        error = message.error
        self.notice = Text(f"✗ {error.message}", style="bold red")

        def answered(yes: bool | None) -> None:
            if yes:
                self.signing_out = True
                self.sign_out(revoke_at_google=False)
            else:
                self.notice = Text("Still signed in: nothing was deleted.")

        self.app.push_screen(
            ConfirmScreen(
                "Google could not be told",
                f"{error.message} Delete the stored credentials anyway? Access stays granted at Google until "
                f"you remove it at {PERMISSIONS_PAGE}.",
                "Delete anyway",
                "Stay signed in",
            ),
            answered,
        )

    def on_events_screen_delete_failed(self, message: DeleteFailed) -> None:
        self.signing_out = False
        self.notice = Text(f"✗ {message.problem}", style="bold red")
        self.notify(message.problem, severity="error")
