"""Choose which calendar to show, from calendarList.list."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.calendar.errors import CalendarError
from tui.calendar.loader import CalendarLoader
from tui.calendar.model import CalendarInfo
from tui.worker_errors import ReportsWorkerErrors


def calendar_option(calendar: CalendarInfo, current: str) -> Option:
    label = Text(calendar.summary, style="bold" if calendar.primary else "")
    label.append(f"  {calendar.access_role}", style="dim")
    if calendar.primary:
        label.append("  ★ primary", style="yellow")
    if calendar.id == current or (current == "primary" and calendar.primary):
        label.append("  (shown)", style="green")
    return Option(label, id=calendar.id)


class CalendarPickerScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    @dataclass
    class CalendarsLoaded(Message):
        calendars: list[CalendarInfo]

    @dataclass
    class LoadFailed(Message):
        error: CalendarError

    def __init__(self, loader: CalendarLoader, current: str) -> None:
        super().__init__()
        self.loader = loader
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label("Calendars", classes="picker-title")
            yield Label("Loading your calendars…", id="picker-status")
            yield OptionList(id="calendars")

    def on_mount(self) -> None:
        self.fetch_calendars()

    @work(thread=True, exclusive=True, group="calendars", exit_on_error=False)
    def fetch_calendars(self) -> None:
        try:
            self.post_message(self.CalendarsLoaded(self.loader.calendars()))
        except CalendarError as error:
            self.post_message(self.LoadFailed(error))

    def on_calendar_picker_screen_load_failed(self, message: LoadFailed) -> None:
        error = message.error
        self.query_one("#picker-status", Label).update(Text(f"✗ {error.message} {error.hint}", style="red"))

    def on_calendar_picker_screen_calendars_loaded(self, message: CalendarsLoaded) -> None:
        status = self.query_one("#picker-status", Label)
        calendars = message.calendars
        status.update(f"{len(calendars)} calendars: Enter shows one, Esc closes.")
        options = self.query_one("#calendars", OptionList)
        options.add_options(calendar_option(calendar, self.current) for calendar in calendars)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#calendars")
    def chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(message.option.id)
