"""A one-line title at the top of a screen.

Textual's Header watches titles for changes and can race with a screen being replaced; ours never
change after mount, so a static line is all that is needed.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-align: center;
    }
    """

    def __init__(self, title: str, subtitle: str) -> None:
        text = Text(title, style="bold")
        text.append(f" — {subtitle}", style="dim")
        super().__init__(text)
