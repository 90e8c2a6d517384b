"""Quick add: one line ("Lunch with Ana tomorrow 1pm at Café Zoë") for Google to read, and the
calendar it goes to."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from tui.calendar.changes import Change, quick_add_change

HINT = "Google reads the day, time and place. Enter adds it; Esc cancels."


class QuickAddScreen(ModalScreen[Change | None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, calendars: list[tuple[str, str]], chosen: str) -> None:
        """`calendars`: (name, id) of those you may add to; `chosen` is picked first."""
        super().__init__()
        self.calendars = calendars
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label("Quick add", classes="picker-title")
            yield Input(placeholder="Lunch with Ana tomorrow 1pm at Café Zoë", id="text", max_length=1024)
            if len(self.calendars) > 1:
                yield Label("In the calendar:", classes="field-label")
                yield Select(
                    [(Text(name), id_) for name, id_ in self.calendars],
                    value=self.chosen,
                    allow_blank=False,
                    id="calendar",
                    compact=True,
                )
            yield Static(Text(HINT, style="dim"), id="problem")

    def calendar_id(self) -> str:
        if len(self.calendars) > 1:
            return str(self.query_one("#calendar", Select).value)
        return self.chosen

    @on(Input.Submitted, "#text")
    def submitted(self, message: Input.Submitted) -> None:
        try:
            change = quick_add_change(self.calendar_id(), message.value)
        except ValueError as error:
            self.query_one("#problem", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(change)
