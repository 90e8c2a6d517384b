"""The events table: a DataTable whose Enter is labelled in the Footer."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class EventsTable(DataTable[Text]):
    BINDINGS = [Binding("enter", "select_cursor", "Details")]
