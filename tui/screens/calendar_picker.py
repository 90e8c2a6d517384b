"""Choose which calendars the agenda shows, from the person's calendar list."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from tui.calendar.errors import CalendarError
from tui.calendar.loader import CalendarLoader
from tui.calendar.model import CalendarInfo

ACCESS_ROLES = {
    "owner": "owner",
    "writer": "can edit",
    "reader": "can see",
    "freeBusyReader": "free/busy only",
}


def calendar_label(calendar: CalendarInfo) -> Text:
    label = Text("■ ", style=calendar.color or "dim")
    label.append(calendar.summary, style="bold" if calendar.primary else "")
    details = [ACCESS_ROLES.get(calendar.access_role, calendar.access_role), calendar.time_zone]
    label.append(f"  {' · '.join(detail for detail in details if detail)}", style="dim")
    if calendar.primary:
        label.append("  ★ primary", style="yellow")
    if not calendar.selected and not calendar.primary:
        label.append("  (hidden in Google Calendar)", style="dim italic")
    return label


class CalendarPickerScreen(ModalScreen[tuple[str, ...] | None]):
    """Dismissed with the ids ticked, in the list's order (None: closed without a change)."""

    CSS_PATH = "pickers.tcss"
    BINDINGS = [
        Binding("enter", "apply", "Show these", priority=True),
        Binding("a", "all_or_none", "All/none"),
        Binding("escape", "dismiss(None)", "Close"),
    ]

    @dataclass
    class CalendarsLoaded(Message):
        calendars: list[CalendarInfo]

    @dataclass
    class LoadFailed(Message):
        error: CalendarError

    def __init__(self, loader: CalendarLoader, shown: list[str]) -> None:
        """`shown`: the ids shown now ("primary" stands for the primary calendar)."""
        super().__init__()
        self.loader = loader
        self.shown = set(shown)

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label("Calendars", classes="picker-title")
            yield Label("Loading your calendars…", id="picker-status")
            yield SelectionList[str](id="calendars")

    @property
    def selection_list(self) -> SelectionList[str]:
        return self.query_one("#calendars", SelectionList)

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
        calendars = message.calendars
        self.query_one("#picker-status", Label).update(
            f"{len(calendars)} calendars · space ticks · a: all or none · Enter shows the ticked"
        )
        selections = self.selection_list
        selections.add_options(
            Selection(
                calendar_label(calendar),
                calendar.id,
                calendar.id in self.shown or (calendar.primary and "primary" in self.shown),
            )
            for calendar in calendars
        )
        selections.highlighted = 0
        selections.focus()

    def action_all_or_none(self) -> None:
        selections = self.selection_list
        if len(selections.selected) == selections.option_count:
            selections.deselect_all()
        else:
            selections.select_all()

    def action_apply(self) -> None:
        selections = self.selection_list
        if selections.option_count == 0:
            self.dismiss(None)
            return
        ticked = set(selections.selected)
        chosen = tuple(
            option.value
            for index in range(selections.option_count)
            if (option := selections.get_option_at_index(index)).value in ticked
        )
        if not chosen:
            self.notify("Tick at least one calendar (space), or press Esc.", severity="warning")
            return
        self.dismiss(chosen)
