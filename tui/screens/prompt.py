"""Ask for one line of text (a day to go to, a time zone) and check it as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.text import safe_text

Answer = TypeVar("Answer")


class PromptScreen(ModalScreen[Answer | None], Generic[Answer]):
    """`read` turns the text into the answer or raises ValueError with words for the person;
    Enter with an answer closes the prompt with it, Esc with None."""

    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, placeholder: str, read: Callable[[str], Answer], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.read = read
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label(self.title_text, classes="picker-title")
            yield Input(placeholder=self.placeholder, id="answer")
            yield Static(Text(self.hint, style="dim"), id="problem")

    def _answer(self, value: str) -> tuple[Answer | None, str]:
        try:
            return self.read(value), ""
        except ValueError as error:
            return None, safe_text(str(error))

    @on(Input.Changed, "#answer")
    def typed(self, message: Input.Changed) -> None:
        answer, problem = self._answer(message.value)
        shown = (
            Text(problem, style="red") if message.value.strip() and problem else Text(self.hint, style="dim")
        )
        if answer is not None and not problem:
            shown = Text(f"→ {safe_text(str(answer))}", style="green")
        self.query_one("#problem", Static).update(shown)

    @on(Input.Submitted, "#answer")
    def submitted(self, message: Input.Submitted) -> None:
        answer, problem = self._answer(message.value)
        if problem:
            self.query_one("#problem", Static).update(Text(problem, style="bold red"))
            return
        self.dismiss(answer)
