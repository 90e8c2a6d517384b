"""The key map of the screen underneath, and the app's own keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

EXTRA_KEYS = {
    "EventsScreen": [("↑ ↓ PgUp PgDn Home End", "Move through the events")],
    "SignInScreen": [
        ("Tab / Shift+Tab", "Move between controls"),
        ("Enter", "Exchange the pasted code or URL"),
    ],
}


def key_rows(screen: Screen[object], app_bindings: list[Binding]) -> list[tuple[str, str]]:
    """(keys, what they do) for the screen's bindings that apply now, then the app's."""
    rows = list(EXTRA_KEYS.get(type(screen).__name__, []))
    focused_bindings = [b for b in getattr(screen.focused, "BINDINGS", []) if isinstance(b, Binding)]
    for binding in [*focused_bindings, *screen.BINDINGS, *app_bindings]:
        if isinstance(binding, Binding) and binding.show and binding.description:
            if not screen.check_action(binding.action, ()):
                continue
            keys = " / ".join(
                screen.app.get_key_display(Binding(key, binding.action)) for key in binding.key.split(",")
            )
            rows.append((keys, binding.description))
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

    def __init__(self, underneath: Screen[object], app_bindings: list[Binding]) -> None:
        super().__init__()
        self.rows = key_rows(underneath, app_bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="picker"):
            yield Static("Keys", classes="picker-title")
            yield Static(key_table(self.rows))
            yield Static(
                Text("\nctrl+p opens the command palette: every action by name, and themes.", style="dim")
            )
