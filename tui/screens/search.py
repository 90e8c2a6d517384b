"""Search Google Calendar (`q=`) a year either side of today in the calendars shown; the matches
are an agenda of their own, and Enter opens one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from tui.calendar.agenda import Agenda, DayRange, range_label
from tui.calendar.errors import CalendarError
from tui.calendar.loader import SEARCH_PAGES, CalendarLoader, SearchRequest
from tui.config import AppConfig
from tui.loading import CalendarFailed, LoadRetrying, PageLoaded, PostsPages, retry_text
from tui.messages import SignInNeeded
from tui.screens.event_detail import EventDetailScreen
from tui.text import clip, safe_text
from tui.widgets.agenda_view import AgendaView
from tui.widgets.key_footer import KeyFooter
from tui.widgets.status_line import StatusLine
from tui.widgets.title_bar import TitleBar
from tui.worker_errors import ReportsWorkerErrors

SEARCH_DAYS = 365  # searched either side of today
MOST_QUERY_CHARACTERS = 200


class SearchScreen(ReportsWorkerErrors, Screen[None]):
    TITLE = "gcal-tui"
    SUB_TITLE = "Search Google Calendar"
    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#query"
    BINDINGS = [
        Binding("enter", "open_selected", "Details"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+f,slash", "new_search", "New search"),
    ]

    query_text: var[str] = var("", init=False)
    searching: var[bool] = var(False)
    match_count: var[int] = var(0)
    notice: var[Text | None] = var(None)
    status: var[Text] = var(Text)

    @dataclass
    class SearchFinished(Message):
        generation: int

    @dataclass
    class SearchFailed(Message):
        generation: int
        error: CalendarError

    def __init__(
        self,
        loader: CalendarLoader,
        config: AppConfig,
        calendar_ids: list[str],
        calendar_name: Callable[[str], str],
        query: str = "",
        drawn_like: AgendaView | None = None,
    ) -> None:
        """Searches `calendar_ids` for `query` at once (or waits for one to be typed); the matches
        take the colours (or short names) of `drawn_like`'s calendars."""
        super().__init__()
        self.drawn_like = drawn_like
        self.loader, self.config = loader, config
        self.calendar_ids = calendar_ids
        self.calendar_name = calendar_name
        self.initial_query = query
        first = config.now().date() - timedelta(days=SEARCH_DAYS)
        self.day_range = DayRange(first, 2 * SEARCH_DAYS + 1).starting(first)
        self.agenda = Agenda(config.zone, self.day_range, calendar_ids)
        self.generation = 0
        self.failed: dict[str, CalendarError] = {}
        self.cut_short: list[str] = []  # calendars with more matches than are read

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE or "", self.SUB_TITLE or "")
        yield StatusLine(id="status-line").data_bind(text=SearchScreen.status)
        yield Input(
            self.initial_query,
            placeholder="Words to find in titles, places, descriptions, guests (Enter searches)",
            max_length=MOST_QUERY_CHARACTERS,
            id="query",
        )
        yield AgendaView(self.config.now, id="matches")
        yield KeyFooter(field_first=True)

    @property
    def matches_view(self) -> AgendaView:
        return self.query_one("#matches", AgendaView)

    def on_mount(self) -> None:
        if self.drawn_like is not None:
            self.matches_view.draw_like(self.drawn_like)
        if self.initial_query.strip():
            self.search(self.initial_query)

    @on(Input.Submitted, "#query")
    def query_submitted(self, message: Input.Submitted) -> None:
        if not message.value.strip():
            self.notify("Type a word or two to search for.", severity="warning", timeout=3)
            return
        self.search(message.value)

    def search(self, query: str) -> None:
        self.generation += 1
        self.query_text = " ".join(safe_text(query).split())
        self.failed, self.cut_short = {}, []
        self.agenda = Agenda(self.config.zone, self.day_range, self.calendar_ids)
        view = self.matches_view
        view.follow_day = self.config.now().date()  # the next match; earlier ones above it
        self.show_matches()
        self.searching = True
        self.notice = None
        view.focus()
        start, end = self.day_range.bounds(self.config.zone)
        request = SearchRequest(self.query_text, tuple(self.calendar_ids), start, end, self.config.zone.key)
        self.run_search(self.generation, request)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, generation: int, request: SearchRequest) -> None:
        worker = get_current_worker()
        try:
            self.loader.search(request, PostsPages(self, generation, worker))
        except CalendarError as error:
            self.post_message(self.SearchFailed(generation, error))
        else:
            if not worker.is_cancelled:
                self.post_message(self.SearchFinished(generation))

    def worker_failed(self, worker: Worker[object], what: str) -> None:
        self.searching = False
        self.notice = Text(f"✗ {what} Press Enter in the search box to try again.", style="bold red")

    def show_matches(self) -> None:
        lines = self.agenda.lines()
        self.matches_view.set_lines(lines)
        self.match_count = self.agenda.event_count

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            return
        page = message.page
        self.agenda.add(page.events)
        if page.number == SEARCH_PAGES and not page.last:
            self.cut_short.append(page.calendar_id)
        self.show_matches()

    def on_calendar_failed(self, message: CalendarFailed) -> None:
        if message.generation != self.generation:
            return
        if message.error.kind == "sign_in":
            self.sign_in_again(message.error.message)
            return
        self.failed[message.calendar_id] = message.error

    def sign_in_again(self, reason: str) -> None:
        """Google no longer takes the sign-in: the rest of this search is moot; back, then sign in."""
        self.generation += 1
        self.dismiss()
        self.app.post_message(SignInNeeded(reason))

    def on_load_retrying(self, message: LoadRetrying) -> None:
        if message.generation == self.generation:
            self.notice = retry_text(message.notice)

    def on_search_screen_search_failed(self, message: SearchFailed) -> None:
        if message.generation != self.generation:
            return
        self.searching = False
        error = message.error
        if error.kind == "sign_in":
            self.sign_in_again(error.message)
            return
        self.notice = Text(f"✗ {error.message} {error.hint}", style="bold red")

    def on_search_screen_search_finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return
        self.searching = False
        said = [f"✗ {self.calendar_name(id_)}: {error.message}" for id_, error in self.failed.items()]
        said += [
            f"more matches in {self.calendar_name(id_)} than are shown: add a word" for id_ in self.cut_short
        ]
        self.notice = Text("; ".join(said), style="yellow") if said else None
        if self.match_count == 0:
            self.notify(f"Nothing matches “{self.query_text}”.", timeout=4)

    def compute_status(self) -> Text:
        today = self.config.now().date()
        status = Text(no_wrap=True, overflow="ellipsis", end="")
        if not self.query_text:
            status.append("Search Google Calendar: type words, then Enter", style="bold")
        else:
            count = self.match_count
            status.append(f"“{clip(self.query_text, 40)}”", style="bold")
            status.append(f"  ·  {count:,} event{'s' if count != 1 else ''}")
        calendars = len(self.calendar_ids)
        status.append(f" in {calendars} calendar{'s' if calendars != 1 else ''}")
        status.append(f"  ·  {range_label(self.day_range, today)}", style="dim")
        if self.searching:
            status.append("  ·  Searching…")
        if self.notice is not None:
            status.append("  ·  ")
            status.append_text(self.notice)
        return status

    def action_open_selected(self) -> None:
        self.matches_view.action_select_cursor()

    @on(AgendaView.EventChosen, "#matches")
    def open_event(self, message: AgendaView.EventChosen) -> None:
        self.app.push_screen(EventDetailScreen(message.placement.event, self.config))

    def action_new_search(self) -> None:
        field = self.query_one("#query", Input)
        field.focus()
        field.select_all()

    def action_back(self) -> None:
        self.workers.cancel_group(self, "search")
        self.dismiss()
