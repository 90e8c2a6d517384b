"""The events screen: the calendar in a table that fills in page by page."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.calendar.errors import CalendarError
from tui.calendar.model import Event, format_dates, format_day, format_times
from tui.config import AppConfig
from tui.messages import (
    AccountKnown,
    EventsLoadFailed,
    EventsLoadRetrying,
    EventsPageLoaded,
    SignedOut,
    SignInNeeded,
    SignOutFinished,
)
from tui.screens.calendar_picker import CalendarPickerScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.event_detail import EventDetailScreen
from tui.screens.range_picker import RangePickerScreen
from tui.widgets.events_table import EventsTable
from tui.widgets.key_footer import KeyFooter
from tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials

    from tui.calendar.client import CalendarClient

COLUMNS = (("Date", 24), ("Time", 23), ("Summary", 40), ("Location", 24))


def start_of_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class EventsScreen(Screen[None]):
    TITLE = "gcal-tui"
    SUB_TITLE = "Calendar"
    CSS_PATH = "events.tcss"
    AUTO_FOCUS = "#events"
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("slash", "filter", "Filter"),
        Binding("c", "pick_calendar", "Calendars"),
        Binding("d", "pick_range", "Range"),
        Binding("s", "sign_out", "Sign out"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, config: AppConfig, credentials: OAuth2Credentials | None = None) -> None:
        """Without credentials, the screen checks the stored ones itself (in its worker, after its
        first paint) and hands over to the sign-in screen if they cannot be used."""
        super().__init__()
        self.config = config
        self.credentials = credentials
        self.calendar_id = config.calendar_id
        self.calendar_name = config.calendar_id
        self.days = config.days
        self.events: list[Event] = []
        self.shown_events: list[Event] = []
        self.filter_text = ""
        self.generation = 0
        self.fetching = False
        self.pages_loaded = 0
        self.refreshed_at: datetime | None = None
        self.notice: Text | None = None
        self.account: str | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(self.TITLE or "", self.SUB_TITLE or "")
        yield Static(id="summary-line")
        yield Static(id="account-line")
        yield Static(id="notice-line")
        yield Input(placeholder="Filter the loaded events (Enter to keep, Esc to clear)", id="filter")
        yield EventsTable(COLUMNS, self.row_cells, id="events")
        yield KeyFooter()

    @property
    def table(self) -> EventsTable:
        return self.query_one("#events", EventsTable)

    @property
    def zone(self) -> tzinfo:
        zone = self.config.now().tzinfo
        assert zone is not None
        return zone

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)  # the worker imports the Google libraries: paint first

    # Loading
    def range(self) -> tuple[datetime, datetime]:
        start = start_of_day(self.config.now())
        return start, start + timedelta(days=self.days)

    def load(self) -> None:
        self.generation += 1
        self.fetching = True
        self.pages_loaded = 0
        self.notice = Text("Loading…")
        self.update_status()
        start, end = self.range()
        self.fetch_events(self.generation, self.calendar_id, start, end)

    @work(thread=True, exclusive=True, group="events")
    def fetch_events(self, generation: int, calendar_id: str, start: datetime, end: datetime) -> None:
        from tui.calendar.client import connect  # in the worker: it imports the Google libraries

        worker = get_current_worker()
        if self.credentials is None and not self.use_stored_credentials():
            return
        on_retry = lambda notice: self.post_message(EventsLoadRetrying(generation, notice))  # noqa: E731
        # Events pile up as long-lived objects, and Python's cyclic collector would walk all of them
        # again and again during a big load (40 ms of 250 at 10,000 events). They hold no cycles,
        # so collection waits until the load is done; reference counting still frees as usual.
        gc.disable()
        try:
            with connect(self.config, self.credentials, on_retry) as calendar:
                for page in calendar.event_pages(calendar_id, start, end):
                    if worker.is_cancelled:
                        return
                    self.post_message(EventsPageLoaded(generation, page))
                if self.account is None:
                    self.look_up_account(calendar)
        except CalendarError as error:
            self.post_message(EventsLoadFailed(generation, error))
        finally:
            gc.enable()

    def use_stored_credentials(self) -> bool:
        """In the worker: load and check the stored sign-in; if it cannot be used, say why."""
        from tui.auth.stored import check_stored

        config = self.config
        stored = check_stored(
            config.credentials_path, config.client_secrets_path, config.scopes, config.now()
        )
        if stored.credentials is None:
            self.post_message(SignInNeeded(stored.reason))
            return False
        self.credentials = stored.credentials
        return True

    def look_up_account(self, calendar: CalendarClient) -> None:
        """Who is signed in: the primary calendar's id. Asked after the events, which matter more; the
        account line just says "Signed in" if this fails."""
        try:
            primary = next((c for c in calendar.calendars() if c.primary), None)
        except CalendarError:
            return
        if primary is not None:
            self.post_message(AccountKnown(primary.id))

    def on_events_page_loaded(self, message: EventsPageLoaded) -> None:
        if message.generation != self.generation:
            return
        page = message.page
        if page.number == 1:
            self._replace_events([])
        self.pages_loaded = page.number
        self.calendar_name = page.calendar_summary
        self.events.extend(page.events)
        self.shown_events.extend(event for event in page.events if self._matches(event))
        self.table.set_row_count(len(self.shown_events))
        if page.last:
            self.fetching = False
            self.refreshed_at = self.config.now()
            self.notice = None
        else:
            self.notice = Text(f"Loading… page {page.number} in, {len(self.events):,} events so far")
        self.update_status()

    def on_account_known(self, message: AccountKnown) -> None:
        self.account = message.account
        self.update_status()

    def on_events_load_retrying(self, message: EventsLoadRetrying) -> None:
        if message.generation != self.generation:
            return
        notice = message.notice
        self.notice = Text(
            f"Google Calendar asked us to slow down ({notice.reason}): retry {notice.retry_number} "
            f"in {notice.delay:.1f} s…",
            style="yellow",
        )
        self.update_status()

    def on_events_load_failed(self, message: EventsLoadFailed) -> None:
        if message.generation != self.generation:
            return
        self.fetching = False
        error = message.error
        if error.kind == "sign_in":
            self.post_message(SignInNeeded(error.message))
            return
        if error.kind == "configuration":
            error = CalendarError(
                error.kind, error.message, f"{error.hint} (client secrets: {self.config.client_secrets_path})"
            )
        kept = f" The {len(self.shown_events):,} events shown are from before." if self.events else ""
        self.notice = Text(f"✗ {error.message}{kept} {error.hint}", style="bold red")
        self.notify(f"{error.message} {error.hint}", severity="error", timeout=8)
        self.update_status()

    # Table
    def _matches(self, event: Event) -> bool:
        return not self.filter_text or self.filter_text in event.search_text

    def _replace_events(self, events: list[Event]) -> None:
        self.events = events
        self._rebuild()

    def _rebuild(self) -> None:
        selected = self.selected_event()
        self.shown_events = [event for event in self.events if self._matches(event)]
        self.table.set_row_count(len(self.shown_events))
        if selected is not None and selected in self.shown_events:
            self.table.move_cursor(row=self.shown_events.index(selected))
        else:
            self.table.move_cursor(row=0)

    def row_cells(self, row: int) -> tuple[Text, ...]:
        """The table's cells for one shown event; the table asks only for the rows it paints."""
        now = self.config.now()
        assert now.tzinfo is not None
        return self._cells(self.shown_events[row], now, now.tzinfo, now.date())

    @staticmethod
    def _cells(event: Event, now: datetime, zone: tzinfo, today: date) -> tuple[Text, ...]:
        if event.is_ongoing(now):
            style = "bold green"
        elif event.is_on(today, zone):
            style = "bold"
        else:
            style = ""
        return tuple(
            Text(value, style=style, no_wrap=True, overflow="ellipsis")
            for value in (
                format_dates(event, zone, today),
                format_times(event, zone, today),
                event.title,
                event.location,
            )
        )

    def selected_event(self) -> Event | None:
        row = self.table.cursor_row
        return self.shown_events[row] if self.shown_events and 0 <= row < len(self.shown_events) else None

    def update_status(self) -> None:
        start, end = self.range()
        today = self.config.now().date()
        summary = Text()
        summary.append(self.calendar_name, style="bold")
        summary.append(
            f"  ·  {format_day(start.date(), today)} – {format_day((end - timedelta(days=1)).date(), today)}"
        )
        count = len(self.shown_events)
        summary.append(f"  ·  {count:,} event{'s' if count != 1 else ''}")
        if self.filter_text:
            summary.append(f" matching “{self.filter_text}” (of {len(self.events):,})")
        if self.refreshed_at is not None:
            summary.append(f"  ·  refreshed {self.refreshed_at:%H:%M}", style="dim")
        self.query_one("#summary-line", Static).update(summary)
        self.query_one("#account-line", Static).update(Text(self.signed_in_as(), style="dim"))
        self.query_one("#notice-line", Static).update(self.notice or "")

    def signed_in_as(self) -> str:
        if self.credentials is None:
            return "Checking the stored sign-in…"
        who = f"Signed in as {self.account}" if self.account else "Signed in"
        expiry = self.credentials.token_expiry
        if expiry is None:
            return who
        local = expiry.replace(tzinfo=UTC).astimezone(self.zone)
        today = self.config.now().date()
        when = (
            f"{local:%H:%M}" if local.date() == today else f"{format_day(local.date(), today)} {local:%H:%M}"
        )
        return f"{who} · access token expires {when} (renewed automatically)"

    # Actions
    def action_refresh(self) -> None:
        self.load()

    @on(EventsTable.RowSelected, "#events")
    def open_event(self) -> None:
        event = self.selected_event()
        if event is not None:
            self.app.push_screen(EventDetailScreen(event, self.config))

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, message: Input.Changed) -> None:
        self.filter_text = message.value.strip().casefold()
        self._rebuild()
        self.update_status()

    @on(Input.Submitted, "#filter")
    def filter_kept(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.table.focus()

    def signed_in(self) -> bool:
        if self.credentials is None:
            self.notify("Still checking the stored sign-in; a moment.", timeout=3)
        return self.credentials is not None

    def action_pick_calendar(self) -> None:
        if not self.signed_in():
            return

        def chosen(calendar_id: str | None) -> None:
            if calendar_id and calendar_id != self.calendar_id:
                self.calendar_id = calendar_id
                self.calendar_name = calendar_id
                self.load()

        self.app.push_screen(CalendarPickerScreen(self.config, self.credentials, self.calendar_id), chosen)

    def action_sign_out(self) -> None:
        if not self.signed_in():
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.notice = Text("Signing out: revoking access at Google…")
                self.update_status()
                self.revoke_access()

        self.app.push_screen(
            ConfirmScreen(
                "Sign out?",
                "gcal-tui's access is revoked at Google and the stored credentials are deleted from "
                f"{self.config.credentials_path}.",
                "Sign out",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="sign-out")
    def revoke_access(self) -> None:
        from tui.auth.revoke import RevokeError, revoke

        try:
            outcome = revoke(
                self.credentials,
                timeout=self.config.api_timeout,
                retry_delay=self.config.api_retry_base_delay,
            )
        except RevokeError as error:
            self.post_message(SignOutFinished(None, error))
        else:
            self.post_message(SignOutFinished(outcome, None))

    def on_sign_out_finished(self, message: SignOutFinished) -> None:
        if message.error is None:
            self.delete_credentials(message.outcome or "")
            return
        error = message.error
        self.notice = Text(f"✗ {error.message}", style="bold red")
        self.update_status()

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_credentials(
                    f"{error.message} Access was not revoked: remove gcal-tui at "
                    "https://myaccount.google.com/permissions."
                )
            else:
                self.notice = Text("Still signed in: nothing was deleted.")
                self.update_status()

        self.app.push_screen(
            ConfirmScreen(
                "Google could not be told",
                f"{error.message} Delete the stored credentials anyway? Access stays granted at Google until "
                "you remove it at https://myaccount.google.com/permissions.",
                "Delete anyway",
                "Stay signed in",
            ),
            answered,
        )

    def delete_credentials(self, outcome: str) -> None:
        try:
            self.config.credentials_path.unlink(missing_ok=True)
        except OSError as error:
            self.notify(
                f"Could not delete {self.config.credentials_path}: {error.strerror}", severity="error"
            )
            return
        self.post_message(SignedOut(f"Signed out. {outcome} Deleted {self.config.credentials_path}."))

    def action_pick_range(self) -> None:
        def chosen(days: int | None) -> None:
            if days and days != self.days:
                self.days = days
                self.load()

        self.app.push_screen(RangePickerScreen(self.days), chosen)
