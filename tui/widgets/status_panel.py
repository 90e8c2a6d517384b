"""A running list of what has happened, one line per step, with an icon for how it went."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

StepKind = Literal["ok", "wait", "error", "info"]
_ICONS: dict[StepKind, str] = {"ok": "✓", "wait": "…", "error": "✗", "info": "•"}


class StatusPanel(VerticalScroll, can_focus=False):
    """Lines are plain Text: they may quote file paths and server messages."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[str] = []

    def add(self, kind: StepKind, message: str, hint: str | None = None) -> None:
        line = Text(f"{_ICONS[kind]} {message}")
        if hint:
            line.append(f"\n  → {hint}", style="bold")
        self._lines.append(line.plain)
        self.mount(Static(line, classes=f"step {kind}"))
        self.scroll_end(animate=False)

    def clear(self) -> None:
        self._lines.clear()
        self.remove_children()

    @property
    def lines(self) -> list[str]:
        """The plain text of every line so far."""
        return list(self._lines)
