"""Choose how many days from today to show."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

RANGES = (1, 7, 14, 30, 90, 365)


class RangePickerScreen(ModalScreen[int | None]):
    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label("Show events from today for…", classes="picker-title")
            yield OptionList(
                *(
                    Option(
                        f"{days} day{'s' if days > 1 else ''}"
                        + ("  (shown)" if days == self.current else ""),
                        id=str(days),
                    )
                    for days in RANGES
                ),
                id="ranges",
            )

    def on_mount(self) -> None:
        options = self.query_one("#ranges", OptionList)
        options.highlighted = RANGES.index(self.current) if self.current in RANGES else 0
        options.focus()

    @on(OptionList.OptionSelected, "#ranges")
    def chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(int(message.option.id or self.current))
