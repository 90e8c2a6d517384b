"""The key map of the screen underneath, and the app's own keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.keys import key_actions

EXTRA_KEYS = {
    "EventsScreen": [
        ("↑ ↓ PgUp PgDn Home End", "Move through the events"),
        ("a / x / m", "Answer an invitation: accept, decline, maybe (with a note)"),
        ("N", "New event (a form)"),
        ("e", "Edit the event (yours)"),
        ("Delete", "Delete the event (yours; an invitation is declined)"),
    ],
    "SignInScreen": [
        ("Tab / Shift+Tab", "Move between controls"),
        ("Enter", "Exchange the pasted code or URL"),
    ],
}


def key_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, what they do): moving about, then every key action the screen offers now."""
    rows = list(EXTRA_KEYS.get(type(screen).__name__, []))
    rows += [(" / ".join(action.keys), action.description) for action in key_actions(screen)]
    return rows


def key_table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 3))
    table.add_column(style="bold")
    table.add_column()
    for keys, what in rows:
        table.add_row(Text(keys), Text(what))
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def __init__(self, underneath: Screen[object]) -> None:
        super().__init__()
        self.rows = key_rows(underneath)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="picker"):
            yield Static("Keys", classes="picker-title")
            yield Static(key_table(self.rows))
            yield Static(
                Text("\nctrl+p opens the command palette: every action by name, and themes.", style="dim")
            )
