"""The events table: a DataTable whose Enter is labelled in the Footer, and whose Home/End go to the
first and last event (DataTable's own scroll sideways)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class EventsTable(DataTable[Text]):
    BINDINGS = [
        Binding("enter", "select_cursor", "Details"),
        Binding("home,ctrl+home", "first_row", "First event", show=False),
        Binding("end,ctrl+end", "last_row", "Last event", show=False),
    ]

    def action_first_row(self) -> None:
        self.move_cursor(row=0, animate=False)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
