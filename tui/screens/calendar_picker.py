"""Choose which calendar to show, from calendarList.list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.calendar.errors import CalendarError
from tui.calendar.model import CalendarInfo
from tui.config import AppConfig
from tui.messages import CalendarsLoaded

if TYPE_CHECKING:
    from oauth2client.client import OAuth2Credentials


def calendar_option(calendar: CalendarInfo, current: str) -> Option:
    label = Text(calendar.summary, style="bold" if calendar.primary else "")
    label.append(f"  {calendar.access_role}", style="dim")
    if calendar.primary:
        label.append("  ★ primary", style="yellow")
    if calendar.id == current or (current == "primary" and calendar.primary):
        label.append("  (shown)", style="green")
    return Option(label, id=calendar.id)


class CalendarPickerScreen(ModalScreen[str | None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, config: AppConfig, credentials: OAuth2Credentials, current: str) -> None:
        super().__init__()
        self.config = config
        self.credentials = credentials
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label("Calendars", classes="picker-title")
            yield Label("Loading your calendars…", id="picker-status")
            yield OptionList(id="calendars")

    def on_mount(self) -> None:
        self.fetch_calendars()

    @work(thread=True, exclusive=True, group="calendars")
    def fetch_calendars(self) -> None:
        from tui.calendar.client import connect  # in the worker: it imports the Google libraries

        try:
            with connect(self.config, self.credentials) as calendar:
                self.post_message(CalendarsLoaded(calendar.calendars()))
        except CalendarError as error:
            self.post_message(CalendarsLoaded(None, error))

    def on_calendars_loaded(self, message: CalendarsLoaded) -> None:
        status = self.query_one("#picker-status", Label)
        if message.error is not None:
            status.update(Text(f"✗ {message.error.message} {message.error.hint}", style="red"))
            return
        calendars = message.calendars or []
        status.update(f"{len(calendars)} calendars: Enter shows one, Esc closes.")
        options = self.query_one("#calendars", OptionList)
        options.add_options(calendar_option(calendar, self.current) for calendar in calendars)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#calendars")
    def chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(message.option.id)
