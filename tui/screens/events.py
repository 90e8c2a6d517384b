"""The events screen: the agenda, day by day, filled in page by page."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from tui.auth.sign_out import PERMISSIONS_PAGE
from tui.calendar.agenda import Agenda, DayRange, Placement, count_events, range_label
from tui.calendar.dates import EXAMPLES, parse_day
from tui.calendar.errors import CalendarError
from tui.calendar.loader import AgendaRequest, CalendarLoader
from tui.calendar.model import CalendarInfo, Event, format_day
from tui.config import AppConfig, named_zone
from tui.loading import CalendarFailed, LoadRetrying, PageLoaded, PostsPages, retry_text
from tui.messages import SignedOut, SignInNeeded
from tui.screens.calendar_picker import CalendarPickerScreen
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


class PostsToScreen(PostsPages):
    """The loader's answers as messages to the events screen (an AgendaListener)."""

    def calendars_known(self, calendars: list[CalendarInfo], shown: list[str]) -> None:
        self.screen.post_message(EventsScreen.CalendarsKnown(self.generation, calendars, shown))

    def event_colors_known(self, event_colors: dict[str, str]) -> None:
        self.screen.post_message(EventsScreen.EventColorsKnown(event_colors))


class EventsScreen(ReportsWorkerErrors, Screen[None]):
    TITLE = "gcal-tui"
    SUB_TITLE = "Calendar"
    CSS_PATH = "events.tcss"
    AUTO_FOCUS = "#agenda"
    BINDINGS = [
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

    day_range: reactive[DayRange] = reactive(DayRange(date.min, 1), init=False)
    filter_text: reactive[str] = reactive("", init=False)
    notice: reactive[Text | None] = reactive(None)
    account: reactive[str | None] = reactive(None)
    refreshed_at: reactive[datetime | None] = reactive(None)
    fetching: reactive[bool] = reactive(False)
    shown_count: reactive[int] = reactive(0)
    total_count: reactive[int] = reactive(0)
    credentials: reactive[OAuth2Credentials | None] = reactive(None, init=False)
    status: reactive[Text] = reactive(Text)

    unsaved: reactive[str | None] = reactive(None)  # why a renewed token could not be saved

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
        self.shown_calendars: list[str] = list(config.calendar_ids or ("primary",))
        self.failed_calendars: dict[str, CalendarError] = {}
        self.names_from_pages: dict[str, str] = {}  # for calendars not in the list
        self.loader = CalendarLoader(config, credentials)
        self.generation = 0
        self.agenda_generation = 0  # the load the agenda's events are from
        self.lines_due = False  # pages were placed that are not laid out yet
        self.agenda = Agenda(config.zone, DayRange(config.now().date(), config.days))
        self.set_reactive(EventsScreen.day_range, self.agenda.range)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE or "", self.SUB_TITLE or "")
        yield StatusLine(id="status-line").data_bind(text=EventsScreen.status)
        yield Input(placeholder="Filter the loaded events (Enter to keep, Esc to clear)", id="filter")
        yield AgendaView(self.config.now, id="agenda")
        yield KeyFooter()

    @property
    def agenda_view(self) -> AgendaView:
        return self.query_one("#agenda", AgendaView)

    def on_mount(self) -> None:
        self.agenda_view.follow_day = self.day_range.first
        if self.credentials is not None:  # just signed in: the sign-in screen loaded the libraries
            self.load()
        else:  # the worker imports the Google libraries and reads the credentials: paint first
            self.call_after_refresh(self.load)

    # Loading
    def watch_day_range(self) -> None:
        self.agenda_view.follow_day = self.day_range.first
        self.load()

    def load(self) -> None:
        self.generation += 1
        self.fetching = True
        self.failed_calendars = {}
        self.notice = Text("Loading…")
        zone = self.config.zone
        start, end = self.day_range.bounds(zone)
        self.fetch_events(self.generation, AgendaRequest(self.chosen_calendars, start, end, zone.key))

    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def fetch_events(self, generation: int, request: AgendaRequest) -> None:
        loader = self.loader
        if loader.credentials is None:
            stored = loader.check_stored_sign_in()
            if stored.credentials is None:
                self.post_message(SignInNeeded(stored.reason))
                return
            self.post_message(self.StoredSignInUsable(stored.credentials))
            if stored.note:
                self.app.notify(stored.note, severity="warning", timeout=10)
        worker = get_current_worker()
        try:
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
        self.notice = Text(f"✗ {what} Press r to try again.", style="bold red")

    def on_events_screen_token_save_checked(self, message: TokenSaveChecked) -> None:
        self.unsaved = message.problem

    def on_events_screen_stored_sign_in_usable(self, message: StoredSignInUsable) -> None:
        self.credentials = message.credentials

    def on_events_screen_calendars_known(self, message: CalendarsKnown) -> None:
        if message.generation != self.generation:
            return
        calendars = {calendar.id: calendar for calendar in message.calendars}
        primary = next((calendar for calendar in message.calendars if calendar.primary), None)
        if primary is not None:
            calendars["primary"] = primary
            self.account = primary.id
        self.calendars = calendars
        self.shown_calendars = message.shown
        self.agenda.prefer(message.shown)
        view = self.agenda_view
        if not self.app.no_color:
            view.colors = {id_: calendar.color for id_, calendar in calendars.items() if calendar.color}
        several = len(message.shown) > 1  # then named in a column under NO_COLOR, or when wide
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
        for calendar_id, error in failed.items():
            name = self.calendar_name(calendar_id)
            self.notify(f"{name}: {error.message} {error.hint}", severity="error", timeout=8)
        if failed:
            said = "; ".join(f"{self.calendar_name(id_)}: {error.message}" for id_, error in failed.items())
            self.notice = Text(f"✗ {said} The other calendars are shown; r tries again.", style="red")

    def start_new_agenda(self) -> None:
        """This load's events replace the last one's from here on."""
        self.agenda = Agenda(self.config.zone, self.day_range, self.shown_calendars)
        self.agenda_generation = self.generation

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
        if self.credentials is None:
            status.append("  ·  Checking the stored sign-in…", style="dim")
            return status
        shown = self.shown_calendars
        if len(shown) > 1:
            status.append(f"  ·  {len(shown)} calendars")
        elif shown and shown[0] not in ("primary", self.account):
            status.append(f"  ·  {self.calendar_name(shown[0])}")
        status.append(f"  ·  {self.signed_in_as()}", style="dim")
        if self.refreshed_at is not None:
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
        self.load()

    @on(AgendaView.EventChosen, "#agenda")
    def open_event(self, message: AgendaView.EventChosen) -> None:
        self.app.push_screen(EventDetailScreen(message.placement.event, self.config))

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
                self.sign_out(revoke_at_google=True)

        self.app.push_screen(
            ConfirmScreen(
                "Sign out?",
                "gcal-tui's access is revoked at Google and the stored credentials are deleted from "
                f"{self.config.credentials_path}.",
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
        error = message.error
        self.notice = Text(f"✗ {error.message}", style="bold red")

        def answered(yes: bool | None) -> None:
            if yes:
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
        self.notice = Text(f"✗ {message.problem}", style="bold red")
        self.notify(message.problem, severity="error")
